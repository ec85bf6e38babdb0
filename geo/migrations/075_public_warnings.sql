-- Public warnings (预警): one row per CAP 1.2 message. The first message of a warning is an Alert; an Update
-- replaces the message it references (which becomes 'superseded'); a Cancel lifts it (which becomes 'cancelled').
-- A message whose expiry has passed is 'expired' (written by the expiry sweep, gateway/warnings/expiry.ts); reads
-- decide "in force" by time as well, so nothing waits for the sweep.

-- Warning changes go out on the change log (topic 'warning', layer 'warnings'). Where the topic check is still a
-- list of names, 'warning' is added to it; a check by form already admits it.
DO $$
DECLARE def text;
BEGIN
  SELECT pg_get_constraintdef(oid) INTO def FROM pg_constraint
   WHERE conname = 'change_log_topic_check' AND conrelid = 'change_log'::regclass;
  IF def IS NOT NULL AND position('ARRAY[' IN def) > 0 AND position('''warning''' IN def) = 0 THEN
    ALTER TABLE change_log DROP CONSTRAINT change_log_topic_check;
    EXECUTE 'ALTER TABLE change_log ADD CONSTRAINT change_log_topic_check '
      || replace(def, 'ARRAY[', 'ARRAY[''warning''::text, ');
  END IF;
END $$;

CREATE TABLE public_warning (
  id            uuid PRIMARY KEY,
  -- The CAP identifier: unique per sender, no spaces, commas or < &.
  identifier    text NOT NULL UNIQUE CHECK (identifier ~ '^[A-Za-z0-9._:-]+$'),
  msg_type      text NOT NULL CHECK (msg_type IN ('Alert', 'Update', 'Cancel')),
  references_id uuid REFERENCES public_warning (id),
  state         text NOT NULL CHECK (state IN ('active', 'superseded', 'cancelled', 'expired')),
  drill         boolean NOT NULL,
  hazard        text NOT NULL CHECK (hazard ~ '^[a-z_]{2,40}$'),
  level         text NOT NULL CHECK (level IN ('red', 'orange', 'yellow', 'blue')),
  headline      text NOT NULL,
  description   text NOT NULL,
  instruction   text NOT NULL,
  certainty     text NOT NULL CHECK (certainty IN ('Observed', 'Likely', 'Possible')),
  area_kind     text NOT NULL CHECK (area_kind IN ('districts', 'streets', 'polygon')),
  area_codes    text[] NOT NULL,
  area_desc     text NOT NULL,
  geom          geometry(MultiPolygon, 4326) NOT NULL,
  -- The CAP area blocks as sent: [{desc, polygons: ["lat,lon …"], geocodes: [{valueName, value}]}].
  cap_areas     jsonb NOT NULL,
  sent_at       timestamptz NOT NULL,
  effective_at  timestamptz NOT NULL,
  onset_at      timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  sender        text NOT NULL,
  sender_name   text NOT NULL,
  -- Why a Cancel lifted the warning.
  note          text,
  ended_at      timestamptz,
  seq           bigint NOT NULL,
  CHECK (expires_at > effective_at),
  CHECK ((msg_type = 'Alert') = (references_id IS NULL))
);
CREATE INDEX public_warning_active ON public_warning (expires_at) WHERE state = 'active';
CREATE INDEX public_warning_geom ON public_warning USING gist (geom);
CREATE INDEX public_warning_sent ON public_warning (sent_at);

-- What reads return: the row without its full-resolution outline, the outline simplified (~30 m) for drawing.
CREATE VIEW public_warning_wire AS
SELECT id, identifier, msg_type, references_id, state, drill, hazard, level, headline, description, instruction,
       certainty, area_kind, area_codes, area_desc, cap_areas, sent_at, effective_at, onset_at, expires_at, sender,
       sender_name, note, ended_at, seq,
       ST_AsGeoJSON(ST_Multi(ST_SimplifyPreserveTopology(geom, 0.0003)), 6)::json AS geometry
  FROM public_warning;
