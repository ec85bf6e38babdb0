-- The populated grid cells of a plan's area ($1 kind: district | street | polygon, $2 code or GeoJSON), each with
-- the point people leave from and its night and day population.
SELECT c.code, c.street_code, p.night, p.day,
       ST_X(pt) AS lon, ST_Y(pt) AS lat
  FROM grid_cell c
  JOIN grid_population p ON p.grid_code = c.code
  CROSS JOIN LATERAL ST_PointOnSurface(c.geom) AS pt
 WHERE CASE $1::text
         WHEN 'district' THEN c.district_adcode = $2
         WHEN 'street' THEN c.street_code = $2
         ELSE ST_Intersects(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326), pt)
       END
   AND (p.night > 0 OR p.day > 0)
 ORDER BY c.code
