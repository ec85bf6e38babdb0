-- Straight-line nearest facilities are ranked by true distance on the sphere. At Harbin's latitude (45.75° N)
-- a degree of longitude is only 0.7 of a degree of latitude, so KNN on the planar geometry index ranks a
-- facility 1 km east behind one 1.1 km north; an index on the geography expression lets `<->` rank in metres.
CREATE INDEX poi_geog ON poi USING gist ((geom::geography));
