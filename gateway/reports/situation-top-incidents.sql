-- The most urgent open incidents of the area: highest priority first, then the newest.
SELECT id, title, category, priority, status, drill, first_reported_at,
       concat_ws(' ', district_name, street_name) AS place
  FROM incident
 WHERE merged_into IS NULL
   AND status IN ('new', 'acknowledged', 'dispatched', 'en_route', 'on_scene')
   AND ($1::text IS NULL OR district_code = $1)
   AND ($2::text IS NULL OR street_code = $2)
 ORDER BY priority DESC, first_reported_at DESC
 LIMIT 20
