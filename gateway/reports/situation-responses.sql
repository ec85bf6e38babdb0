-- Active emergency responses with where their incidents are (a response without incidents, e.g. one declared on a
-- gauge reading, belongs to the whole city).
SELECT r.id, r.plan_title, r.level, r.drill, r.started_at, cardinality(r.incident_ids)::int AS incidents,
       coalesce(json_agg(json_build_object('d', i.district_code, 's', i.street_code, 'g', i.grid_code))
                  FILTER (WHERE i.id IS NOT NULL), '[]') AS places
  FROM emergency_response r
  LEFT JOIN incident i ON i.id = ANY (r.incident_ids)
 WHERE r.status = 'active'
 GROUP BY r.id
 ORDER BY r.level, r.started_at
