-- How many dispatch orders went to the response's incidents.
SELECT count(*)::int AS n FROM incident_step WHERE incident_id = ANY ($1::bigint[]) AND action = 'dispatch'
