-- A new Open311 channel; only the SM3 digest of its api_key is stored.
INSERT INTO case_channel (channel, name, key_hash, created_by) VALUES ($1, $2, $3, $4) RETURNING id
