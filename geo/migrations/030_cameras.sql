-- The camera registry (视频监控点): simulated cameras seeded from data/cameras.json at start-up, and later the
-- channels of a GB/T 28181 platform. `policy_group` is the camera group of data/policy.json (`cameras.groups`),
-- checked with the owner department and district before any video flows.

CREATE TABLE camera (
  id              text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]{3,40}$'),
  name            text NOT NULL,
  position        geometry(Point, 4326) NOT NULL,
  direction       double precision NOT NULL CHECK (direction >= 0 AND direction < 360),
  owner_kind      text NOT NULL,
  district_adcode text NOT NULL CHECK (district_adcode ~ '^[0-9]{6}$'),
  policy_group    text NOT NULL,
  codec           text NOT NULL CHECK (codec IN ('VP8', 'H264')),
  source          jsonb NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX camera_position_geog ON camera USING gist ((position::geography));
CREATE INDEX camera_district ON camera (district_adcode);
