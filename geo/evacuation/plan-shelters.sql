-- Shelters within $2 metres of the plan's cells ($1: their points as a MultiPoint), not closed; $3 true: only the
-- underground works. `available` is what is left for the plan once the people already inside are counted.
SELECT s.id, s.name, s.kind, s.capacity, greatest(0, s.capacity - s.occupancy) AS available, s.opening,
       ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
  FROM shelter s
 WHERE s.opening <> 'closed'
   AND (NOT $3::boolean OR s.category = 'underground')
   AND ST_DWithin(s.geom::geography, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)::geography, $2)
 ORDER BY s.id
