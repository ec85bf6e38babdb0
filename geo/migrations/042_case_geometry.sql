-- The plain GiST index on case points that vector tiles, OGC bbox queries and spatial filters use (the geography
-- index of 041 serves only the duplicate suggestion over open cases).
CREATE INDEX city_case_geom ON city_case USING gist (geom);
