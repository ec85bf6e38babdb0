-- Base layers of the spatial base platform (空间地理基础信息平台). All geometry is WGS-84 (EPSG:4326).
CREATE EXTENSION IF NOT EXISTS postgis;

-- One row per imported file: what was read, its checksum and what came of it.
CREATE TABLE import_run (
  id          bigserial PRIMARY KEY,
  layer       text NOT NULL,
  file        text NOT NULL,
  sha256      text NOT NULL,
  read_count  int NOT NULL,
  imported    int NOT NULL,
  rejected    int NOT NULL,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX import_run_layer ON import_run (layer, finished_at DESC);

-- Features that failed validation: reported by id and reason, never silently repaired.
CREATE TABLE import_issue (
  layer      text NOT NULL,
  source_id  text NOT NULL,
  reason     text NOT NULL,
  PRIMARY KEY (layer, source_id)
);

-- 区/县 (GB/T 2260 county-level divisions).
CREATE TABLE district (
  adcode   text PRIMARY KEY CHECK (adcode ~ '^[0-9]{6}$'),
  name     text NOT NULL,
  kind     text NOT NULL,
  area_km2 double precision,
  geom     geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX district_geom ON district USING gist (geom);

-- 街道 (sub-district), coded with the 9-digit statistical code.
CREATE TABLE street (
  code            text PRIMARY KEY CHECK (code ~ '^[0-9]{9}$'),
  name            text NOT NULL,
  name_en         text,
  district_adcode text NOT NULL,
  district_name   text NOT NULL,
  area_km2        double precision,
  source_id       text NOT NULL,
  geom            geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX street_geom ON street USING gist (geom);

-- Points of interest relevant to emergencies (hospitals, fire and police stations, shelters, schools...).
CREATE TABLE poi (
  id       text PRIMARY KEY,
  category text NOT NULL,
  name     text NOT NULL DEFAULT '',
  hotline  text NOT NULL DEFAULT '',
  props    jsonb NOT NULL DEFAULT '{}',
  geom     geometry(Point, 4326) NOT NULL
);
CREATE INDEX poi_geom ON poi USING gist (geom);
CREATE INDEX poi_category ON poi (category);

-- Named roads (for labels and reverse geocoding).
CREATE TABLE road (
  id         text PRIMARY KEY,
  name       text NOT NULL DEFAULT '',
  class_rank int,
  highway    text,
  oneway     text,
  maxspeed   text,
  props      jsonb NOT NULL DEFAULT '{}',
  geom       geometry(Geometry, 4326) NOT NULL
);
CREATE INDEX road_geom ON road USING gist (geom);

-- Every other base layer (railways, bridges, water, flood features, buildings, landuse, places...).
CREATE TABLE base_feature (
  layer     text NOT NULL,
  source_id text NOT NULL,
  name      text NOT NULL DEFAULT '',
  kind      text NOT NULL DEFAULT '',
  props     jsonb NOT NULL DEFAULT '{}',
  geom      geometry(Geometry, 4326) NOT NULL,
  PRIMARY KEY (layer, source_id)
);
CREATE INDEX base_feature_geom ON base_feature USING gist (geom);

-- Directed road graph for drive-time routing (from the barefoot export of OSM ways).
CREATE TABLE road_edge (
  gid        int PRIMARY KEY,
  osm_id     bigint NOT NULL,
  class_id   int NOT NULL,
  source     bigint NOT NULL,
  target     bigint NOT NULL,
  length_m   double precision NOT NULL,
  two_way    boolean NOT NULL,
  speed_fwd  double precision,
  speed_bwd  double precision,
  priority   double precision NOT NULL,
  geom       geometry(LineString, 4326) NOT NULL
);
CREATE INDEX road_edge_geom ON road_edge USING gist (geom);

-- Live road problems: a factor on an edge's travel time (NULL factor = closed).
CREATE TABLE road_condition (
  id         bigserial PRIMARY KEY,
  gid        int NOT NULL, -- survives a re-import of the graph: gids are stable in the source
  factor     double precision CHECK (factor IS NULL OR factor >= 1),
  reason     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  cleared_at timestamptz
);
CREATE INDEX road_condition_active ON road_condition (gid) WHERE cleared_at IS NULL;
