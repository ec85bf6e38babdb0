-- The nearest named road within $3 metres of ($1, $2). The geography index of migration 004 yields the roads in
-- order of distance on the sphere; the few nearest are re-ranked by the distance on the spheroid, which is the one
-- reported (the two differ by well under 1 %, so the true nearest is always among the first eight).
SELECT name, dist
FROM (
  SELECT r.name, ST_Distance(r.geom::geography, p.g) AS dist
  FROM road r, (SELECT ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326)::geography AS g) p
  WHERE r.name <> '' AND ST_DWithin(r.geom::geography, p.g, $3::float8)
  ORDER BY r.geom::geography <-> p.g
  LIMIT 8
) nearest
ORDER BY dist, name
LIMIT 1
