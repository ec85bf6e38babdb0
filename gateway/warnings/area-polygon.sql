-- A drawn polygon: why it is invalid (NULL when valid), itself as a MultiPolygon, and the districts it touches.
WITH p AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g)
SELECT CASE WHEN ST_IsValid(p.g) THEN NULL ELSE ST_IsValidReason(p.g) END AS reason,
       ST_AsGeoJSON(ST_Multi(p.g), 7) AS geojson,
       COALESCE((SELECT json_agg(json_build_object('code', d.adcode, 'name', d.name) ORDER BY d.adcode)
                   FROM district d
                  WHERE ST_IsValid(p.g) AND ST_Intersects(d.geom, p.g)), '[]'::json) AS districts
  FROM p
