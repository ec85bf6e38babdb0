-- The channel whose api_key has the digest $1, unless revoked.
SELECT id, channel, name FROM case_channel WHERE key_hash = $1 AND revoked_at IS NULL
