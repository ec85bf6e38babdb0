-- What the situation map draws inside the area: open incidents and open cases as points (at most 5,000 of each).
(SELECT 'incident' AS kind, ST_X(geom) AS lon, ST_Y(geom) AS lat, priority >= 7 AS urgent
   FROM incident
  WHERE merged_into IS NULL AND status IN ('new', 'acknowledged', 'dispatched', 'en_route', 'on_scene')
    AND ($1::text IS NULL OR district_code = $1) AND ($2::text IS NULL OR street_code = $2)
  ORDER BY priority DESC, id DESC LIMIT 5000)
UNION ALL
(SELECT 'case', ST_X(geom), ST_Y(geom), sla_deadline < now() AND sla_done_at IS NULL
   FROM city_case
  WHERE state NOT IN ('closed', 'rejected', 'voided')
    AND ($1::text IS NULL OR district_code = $1) AND ($2::text IS NULL OR street_code = $2)
  ORDER BY id DESC LIMIT 5000)
