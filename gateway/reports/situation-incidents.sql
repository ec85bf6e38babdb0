-- Incidents per unit grid cell (street, district where there is no cell) inside the area ($1 district, $2 street;
-- null: any): those still open and those first reported in the last 24 hours. Merged-away incidents are not counted.
SELECT district_code, street_code, grid_code,
       count(*) FILTER (WHERE status IN ('new', 'acknowledged', 'dispatched', 'en_route', 'on_scene'))::int AS open,
       count(*) FILTER (WHERE first_reported_at > now() - interval '24 hours')::int AS recent
  FROM incident
 WHERE merged_into IS NULL
   AND ($1::text IS NULL OR district_code = $1)
   AND ($2::text IS NULL OR street_code = $2)
   AND (status IN ('new', 'acknowledged', 'dispatched', 'en_route', 'on_scene') OR first_reported_at > now() - interval '24 hours')
 GROUP BY district_code, street_code, grid_code
