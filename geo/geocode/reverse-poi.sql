-- The nearest named point of interest within $3 metres of ($1, $2), ordered like reverse-road.sql.
SELECT name, category, dist, lon, lat
FROM (
  SELECT q.name, q.category, ST_Distance(q.geom::geography, p.g) AS dist, ST_X(q.geom) AS lon, ST_Y(q.geom) AS lat
  FROM poi q, (SELECT ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326)::geography AS g) p
  WHERE q.name <> '' AND ST_DWithin(q.geom::geography, p.g, $3::float8)
  ORDER BY q.geom::geography <-> p.g
  LIMIT 8
) nearest
ORDER BY dist, name
LIMIT 1
