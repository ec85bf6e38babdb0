-- Reverse geocoding asks for the nearest named road and POI in metres. These partial indexes on the geography
-- cast let PostGIS answer with an index-ordered nearest-neighbour scan on the sphere, instead of measuring the
-- distance to every named road (the geometry indexes order by planar degrees, which at Harbin's latitude
-- overrate east-west distances by about 40 %).
CREATE INDEX road_named_geog ON road USING gist ((geom::geography)) WHERE name <> '';
CREATE INDEX poi_named_geog ON poi USING gist ((geom::geography)) WHERE name <> '';
