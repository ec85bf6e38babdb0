-- The streets a warning names: each with its outline simplified for CAP (~50 m), and the union of all of them.
WITH sel AS (SELECT code, name, district_adcode, district_name, geom FROM street WHERE code = ANY($1::text[])),
     u AS (SELECT ST_AsGeoJSON(ST_Multi(ST_Union(geom)), 7) AS whole FROM sel)
SELECT sel.code, sel.name, sel.district_adcode AS district_code, sel.district_name,
       ST_AsGeoJSON(ST_SimplifyPreserveTopology(sel.geom, 0.0005), 6) AS cap_geojson, u.whole
  FROM sel, u
 ORDER BY sel.code
