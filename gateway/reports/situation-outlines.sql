-- The outlines the situation map draws, simplified for a page-sized picture: the districts (city), the streets of
-- a district, or the unit grid cells of a street, each with a point inside it for its label; and the area's own
-- boundary as the frame (`frame`). $1: what to draw, $2: the district or street code.
SELECT adcode AS code, name, false AS frame, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.004), 5) AS g,
       ST_X(ST_PointOnSurface(geom)) AS lx, ST_Y(ST_PointOnSurface(geom)) AS ly
  FROM district WHERE $1 = 'district'
UNION ALL
SELECT adcode, name, true, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.001), 5),
       ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom))
  FROM district WHERE $1 = 'street' AND adcode = $2
UNION ALL
SELECT code, name, false, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.0003), 6),
       ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom))
  FROM street WHERE $1 = 'street' AND district_adcode = $2
UNION ALL
SELECT code, name, true, ST_AsGeoJSON(geom, 6), ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom))
  FROM street WHERE $1 = 'grid' AND code = $2
UNION ALL
SELECT code, '', false, ST_AsGeoJSON(geom, 6), ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom))
  FROM grid_cell WHERE $1 = 'grid' AND street_code = $2
