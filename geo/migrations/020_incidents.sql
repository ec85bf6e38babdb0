-- Emergency command: agency records, fused incidents, their steps, units, dead letters, the system mode and
-- the change log every client catches up from. Writers that add to change_log hold the advisory lock
-- CHANGE_LOG_LOCK (gateway/changes/log.ts) until commit, so sequence order is commit order.

CREATE SEQUENCE change_seq;

CREATE TABLE change_log (
  seq      bigint PRIMARY KEY,
  at       timestamptz NOT NULL DEFAULT now(),
  topic    text NOT NULL CHECK (topic IN ('incident', 'unit', 'mode', 'gauge')),
  entity   text NOT NULL,
  district text,
  payload  jsonb NOT NULL
);
CREATE INDEX change_log_at ON change_log (at);

CREATE TABLE incident (
  id                bigserial PRIMARY KEY,
  status            text NOT NULL DEFAULT 'new'
                    CHECK (status IN ('new', 'acknowledged', 'dispatched', 'en_route', 'on_scene', 'resolved', 'closed', 'cancelled')),
  category          text NOT NULL,
  priority          smallint NOT NULL CHECK (priority BETWEEN 0 AND 10),
  title             text NOT NULL,
  sources           text[] NOT NULL DEFAULT '{}',
  geom              geometry(Point, 4326) NOT NULL,
  district_code     text,
  district_name     text,
  street_code       text,
  street_name       text,
  grid_code         text,
  located_via       text NOT NULL CHECK (located_via IN ('reported', 'geocoded')),
  first_reported_at timestamptz NOT NULL,
  last_reported_at  timestamptz NOT NULL,
  merged_into       bigint REFERENCES incident (id),
  drill             boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_open ON incident (status) WHERE status IN ('new', 'acknowledged', 'dispatched', 'en_route', 'on_scene');

-- One row per agency record, unique on (source, source_id): redeliveries find the row that is already there.
CREATE TABLE feed_record (
  id              bigserial PRIMARY KEY,
  source          text NOT NULL CHECK (source IN ('110', '119', '120', 'flood', 'airdefense', 'traffic')),
  source_id       text NOT NULL,
  incident_id     bigint REFERENCES incident (id),
  category        text NOT NULL,
  priority        smallint NOT NULL CHECK (priority BETWEEN 0 AND 10),
  native_priority text NOT NULL,
  title           text NOT NULL,
  description     text,
  reported_at     timestamptz NOT NULL,
  coord_system    text NOT NULL CHECK (coord_system IN ('wgs84', 'gcj02', 'address')),
  address         text,
  casualties      integer,
  geom            geometry(Point, 4326) NOT NULL,
  district_code   text,
  district_name   text,
  street_code     text,
  street_name     text,
  grid_code       text,
  located_via     text NOT NULL CHECK (located_via IN ('reported', 'geocoded')),
  link_score      real,
  link_reason     text,
  link_by         text CHECK (link_by IN ('auto', 'operator')),
  link_actor      text,
  link_at         timestamptz,
  payload         jsonb NOT NULL,
  transport       text NOT NULL CHECK (transport IN ('http', 'mqtt')),
  received_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source, source_id)
);
CREATE INDEX feed_record_incident ON feed_record (incident_id);
CREATE INDEX feed_record_geog ON feed_record USING gist ((geom::geography));
CREATE INDEX feed_record_reported ON feed_record (reported_at);

CREATE TABLE incident_step (
  id          bigserial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incident (id),
  state       text NOT NULL,
  action      text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text,
  note        text
);
CREATE INDEX incident_step_incident ON incident_step (incident_id, id);
CREATE INDEX incident_step_dispatch ON incident_step (at) WHERE action = 'dispatch';

CREATE TABLE unit (
  id          text PRIMARY KEY,
  callsign    text NOT NULL,
  type        text NOT NULL CHECK (type IN ('police_car', 'fire_engine', 'ambulance', 'traffic_police', 'rescue', 'inspector')),
  agency      text NOT NULL,
  status      text NOT NULL DEFAULT 'available'
              CHECK (status IN ('available', 'assigned', 'en_route', 'on_scene', 'out_of_service')),
  geom        geometry(Point, 4326),
  position_at timestamptz,
  stale_at    timestamptz,
  accuracy_m  real,
  incident_id bigint REFERENCES incident (id),
  home        text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((status IN ('available', 'out_of_service')) = (incident_id IS NULL))
);

CREATE TABLE dead_letter (
  id          bigserial PRIMARY KEY,
  source      text NOT NULL,
  source_id   text,
  code        text NOT NULL,
  reason      text NOT NULL,
  transport   text NOT NULL,
  payload     text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dead_letter_received ON dead_letter (received_at);

CREATE TABLE system_mode (
  id         smallint PRIMARY KEY CHECK (id = 1),
  mode       text NOT NULL CHECK (mode IN ('daily', 'emergency', 'wartime')),
  drill      boolean NOT NULL,
  reason     text NOT NULL,
  changed_by text,
  changed_at timestamptz NOT NULL,
  seq        bigint NOT NULL
);
INSERT INTO system_mode (id, mode, drill, reason, changed_by, changed_at, seq)
VALUES (1, 'daily', false, '系统初始状态', NULL, now(), 0);

CREATE TABLE gauge_reading (
  station_id    text NOT NULL,
  at            timestamptz NOT NULL,
  water_level_m real,
  rainfall_mm   real,
  received_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station_id, at)
);
