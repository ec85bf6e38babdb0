-- A reported case (上报), numbered by its report date in Asia/Shanghai and a sequence (e.g. 20261122000001). Nothing
-- when the reporter's idempotency key raced in first (the caller then reads that case).
INSERT INTO city_case (code, state, kind, category_code, major_code, description, geom, address, district_code,
    district_name, street_code, street_name, grid_code, community, channel, channel_id, reporter_id, reporter_name,
    contact, idempotency_scope, idempotency_key, urgent, observed_at, reported_at, updated_at)
VALUES (to_char(timezone('Asia/Shanghai', $23::timestamptz), 'YYYYMMDD') || lpad(nextval('city_case_number')::text, 6, '0'),
    'reported', $1, $2, $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 4326), $7, $8, $9, $10, $11, $12, $13, $14, $15,
    $16, $17, $18, $19, $20, $21, $22, $23, $23)
ON CONFLICT (idempotency_scope, idempotency_key) DO NOTHING
RETURNING id
