-- One view per base layer kept in base_feature, so the catalogue (OGC API) and the tile registry can name each layer
-- like a table of its own. The views filter on base_feature.layer; queries through them use base_feature's GiST index.
CREATE VIEW base_railway AS SELECT source_id AS id, name, kind, geom FROM base_feature WHERE layer = 'railway';
CREATE VIEW base_bridge AS SELECT source_id AS id, name, kind, geom FROM base_feature WHERE layer = 'bridge';
CREATE VIEW base_waterway AS SELECT source_id AS id, name, kind, geom FROM base_feature WHERE layer = 'waterway';
CREATE VIEW base_water_area AS SELECT source_id AS id, name, kind, geom FROM base_feature WHERE layer = 'water_area';
CREATE VIEW base_flood_feature AS SELECT source_id AS id, name, kind, geom FROM base_feature WHERE layer = 'flood_feature';
CREATE VIEW base_building AS SELECT source_id AS id, name, kind, geom FROM base_feature WHERE layer = 'building';
CREATE VIEW base_landuse AS SELECT source_id AS id, name, kind, geom FROM base_feature WHERE layer = 'landuse';
