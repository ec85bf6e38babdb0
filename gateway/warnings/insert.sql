INSERT INTO public_warning (id, identifier, msg_type, references_id, state, drill, hazard, level, headline, description,
                            instruction, certainty, area_kind, area_codes, area_desc, geom, cap_areas, sent_at,
                            effective_at, onset_at, expires_at, sender, sender_name, note, seq)
VALUES ($1::uuid, $2, $3, $4::uuid, 'active', $5, $6, $7, $8, $9, $10, $11, $12, $13::text[], $14,
        ST_SetSRID(ST_GeomFromGeoJSON($15), 4326), $16::jsonb, date_trunc('second', now()),
        COALESCE($17::timestamptz, date_trunc('second', now())),
        COALESCE($18::timestamptz, $17::timestamptz, date_trunc('second', now())),
        $19::timestamptz, $20, $21, $22, $23)
