-- The case a reporter (or channel) $1 already created with idempotency key $2.
SELECT id FROM city_case WHERE idempotency_scope = $1 AND idempotency_key = $2
