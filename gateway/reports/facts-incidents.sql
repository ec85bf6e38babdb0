-- The response's incidents (a merged one is shown as the incident it went into), each with the casualties its
-- agencies reported (the largest figure of any record) and the agencies that reported it.
SELECT i.id, i.title, i.category, i.status, i.priority, i.drill, i.first_reported_at,
       concat_ws(' ', i.district_name, i.street_name) AS place, i.sources,
       (SELECT max(f.casualties) FROM feed_record f WHERE f.incident_id = i.id)::int AS casualties,
       (SELECT f.address FROM feed_record f WHERE f.incident_id = i.id AND f.address IS NOT NULL ORDER BY f.id LIMIT 1) AS address
  FROM incident i
 WHERE i.id IN (SELECT coalesce(x.merged_into, x.id) FROM incident x WHERE x.id = ANY ($1::bigint[]))
 ORDER BY i.first_reported_at, i.id
