-- The districts a warning names: each with its outline simplified for CAP (~100 m), and the union of all of them.
WITH sel AS (SELECT adcode, name, geom FROM district WHERE adcode = ANY($1::text[])),
     u AS (SELECT ST_AsGeoJSON(ST_Multi(ST_Union(geom)), 7) AS whole FROM sel)
SELECT sel.adcode AS code, sel.name, sel.adcode AS district_code, sel.name AS district_name,
       ST_AsGeoJSON(ST_SimplifyPreserveTopology(sel.geom, 0.001), 6) AS cap_geojson, u.whole
  FROM sel, u
 ORDER BY sel.adcode
