-- Civil air defence sirens (防空警报器), the commands that sound them and each siren's answer to a command.

CREATE TABLE siren (
  id              text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,40}$'),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  kind            text NOT NULL CHECK (kind IN ('motor', 'electronic', 'multimedia')),
  rated_power_w   integer NOT NULL CHECK (rated_power_w BETWEEN 10 AND 100000),
  radius_m        integer NOT NULL CHECK (radius_m BETWEEN 50 AND 5000),
  site            text NOT NULL DEFAULT '' CHECK (length(site) <= 200),
  district_adcode text NOT NULL,
  street_code     text NOT NULL,
  demo            boolean NOT NULL DEFAULT false,
  state           text NOT NULL DEFAULT 'idle' CHECK (state IN ('idle', 'sounding', 'fault', 'offline')),
  fault           text,
  last_poll_at    timestamptz,
  -- SHA-256 (hex) of the siren's MQTT password; the password itself is shown once when issued.
  secret_hash     text CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  geom            geometry(Point, 4326) NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  seq             bigint NOT NULL DEFAULT 0
);
CREATE INDEX siren_geom ON siren USING gist (geom);
CREATE INDEX siren_street ON siren (street_code);
CREATE INDEX siren_district ON siren (district_adcode);

CREATE TABLE siren_command (
  id           uuid PRIMARY KEY,
  scope        jsonb NOT NULL,
  scope_label  text NOT NULL,
  signal       text NOT NULL CHECK (signal IN ('warning', 'air_raid', 'all_clear', 'test')),
  drill        boolean NOT NULL,
  reason       text NOT NULL,
  state        text NOT NULL CHECK (state IN ('pending', 'expired', 'dispatched', 'completed')),
  proposed_by  text NOT NULL,
  proposed_at  timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  confirmed_by text CHECK (confirmed_by IS NULL OR confirmed_by <> proposed_by),
  confirmed_at timestamptz,
  -- The system mode when the command was confirmed (real sounding only in wartime).
  mode         text,
  completed_at timestamptz,
  gaps         jsonb NOT NULL DEFAULT '[]',
  siren_ids    text[] NOT NULL,
  seq          bigint NOT NULL DEFAULT 0
);
CREATE INDEX siren_command_proposed ON siren_command (proposed_at DESC);

CREATE TABLE siren_command_target (
  command_id   uuid NOT NULL REFERENCES siren_command (id),
  siren_id     text NOT NULL REFERENCES siren (id),
  state        text NOT NULL CHECK (state IN ('sent', 'acked', 'sounding', 'completed', 'failed', 'no_answer')),
  sent_at      timestamptz,
  acked_at     timestamptz,
  completed_at timestamptz,
  fault        text,
  PRIMARY KEY (command_id, siren_id)
);
CREATE INDEX siren_command_target_siren ON siren_command_target (siren_id, state);
