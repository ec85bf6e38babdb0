-- The land-use areas the population estimate reads, cut into small pieces (point-in-polygon on a piece of a few
-- dozen vertices is fast, on a whole district-sized polygon it is not), for the current transaction only.
CREATE TEMP TABLE population_landuse ON COMMIT DROP AS
  SELECT l.kind, ST_Subdivide(ST_MakeValid(l.geom), 64) AS geom
    FROM base_feature l
   WHERE l.layer = 'landuse' AND ST_GeometryType(l.geom) IN ('ST_Polygon', 'ST_MultiPolygon')
     AND l.kind IN ('landuse=residential', 'landuse=commercial', 'landuse=retail', 'landuse=industrial',
                    'amenity=school', 'amenity=college', 'amenity=university', 'amenity=kindergarten', 'amenity=hospital');
CREATE INDEX ON population_landuse USING gist (geom);
ANALYZE population_landuse
