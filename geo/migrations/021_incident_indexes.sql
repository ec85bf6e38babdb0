-- Indexes for planners' queries over incidents (OGC API items with bbox, datetime and filters) and for merges:
-- without them a bbox query over a year of incidents scans the whole table, and deleting or merging incidents
-- scans it once per row for the self-reference.
CREATE INDEX incident_geom ON incident USING gist (geom);
CREATE INDEX incident_first_reported ON incident (first_reported_at);
CREATE INDEX incident_merged_into ON incident (merged_into) WHERE merged_into IS NOT NULL;
