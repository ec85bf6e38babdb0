-- Digital city management (数字城管): cases of components and events, every workflow step, photos, and the
-- channels (Open311 / 12319 hotline / public apps) that may submit cases with an api_key. The workflow itself
-- (which event moves which state) is the transition table of contracts/cases.ts; the database keeps the facts.

-- Case changes go out on the change log like incidents do (topic 'case', layer 'cases').
ALTER TABLE change_log DROP CONSTRAINT IF EXISTS change_log_topic_check;
ALTER TABLE change_log ADD CONSTRAINT change_log_topic_check
  CHECK (topic IN ('incident', 'unit', 'mode', 'gauge', 'case'));

-- Channels that submit through Open311: only the SM3 digest of the key is stored.
CREATE TABLE case_channel (
  id          serial PRIMARY KEY,
  channel     text NOT NULL CHECK (channel IN ('inspector', 'hotline_12319', 'public', 'camera', 'sensor', 'leader', 'open311')),
  name        text NOT NULL,
  key_hash    text NOT NULL UNIQUE,
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

CREATE SEQUENCE city_case_number;

CREATE TABLE city_case (
  id                bigserial PRIMARY KEY,
  -- 案件编号: local date + a running number.
  code              text NOT NULL UNIQUE,
  state             text NOT NULL CHECK (state IN ('reported', 'verifying', 'pending_filing', 'filed', 'dispatched',
                      'handling', 'extension_requested', 'suspended', 'returned', 'fed_back', 'checking', 'checked',
                      'closed', 'rejected', 'voided')),
  kind              text NOT NULL CHECK (kind IN ('component', 'event')),
  category_code     text NOT NULL,
  major_code        text NOT NULL,
  description       text NOT NULL,
  geom              geometry(Point, 4326) NOT NULL,
  address           text,
  district_code     text,
  district_name     text,
  street_code       text,
  street_name       text,
  grid_code         text,
  community         text,
  channel           text NOT NULL CHECK (channel IN ('inspector', 'hotline_12319', 'public', 'camera', 'sensor', 'leader', 'open311')),
  channel_id        integer REFERENCES case_channel (id),
  reporter_id       text,
  reporter_name     text,
  contact           text,
  -- Who resubmits with the same key gets the same case: a user id, or "channel:<id>".
  idempotency_scope text NOT NULL,
  idempotency_key   text NOT NULL,
  department_id     text REFERENCES department (id),
  inspector_id      text,
  urgent            boolean NOT NULL DEFAULT false,
  supervision       text CHECK (supervision IN ('normal', 'yellow', 'red')),
  rework_count      integer NOT NULL DEFAULT 0,
  extension_count   integer NOT NULL DEFAULT 0,
  dispatch_count    integer NOT NULL DEFAULT 0,
  check_passed      boolean,
  pending_extension jsonb,
  -- SLA clock (处置时限) on the working calendar: started at dispatch, stopped at feedback.
  limit_amount      real,
  limit_unit        text CHECK (limit_unit IN ('working_hours', 'working_days')),
  sla_started_at    timestamptz,
  sla_deadline      timestamptz,
  sla_warn_at       timestamptz,
  sla_suspended_at  timestamptz,
  sla_note          text,
  sla_done_at       timestamptz,
  on_time           boolean,
  observed_at       timestamptz NOT NULL,
  reported_at       timestamptz NOT NULL DEFAULT now(),
  verify_requested_at timestamptz,
  verified_at       timestamptz,
  filed_at          timestamptz,
  dispatched_at     timestamptz,
  first_dispatched_at timestamptz,
  dispatched_by     text,
  fed_back_at       timestamptz,
  check_requested_at timestamptz,
  checked_at        timestamptz,
  closed_at         timestamptz,
  valid_report      boolean,
  drill             boolean NOT NULL DEFAULT false,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (idempotency_scope, idempotency_key)
);

CREATE TABLE case_step (
  id          bigserial PRIMARY KEY,
  case_id     bigint NOT NULL REFERENCES city_case (id),
  event       text NOT NULL,
  from_state  text,
  to_state    text NOT NULL,
  at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_id    text,
  actor_name  text,
  actor_role  text,
  note        text,
  data        jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX case_step_case ON case_step (case_id, id);

-- Photos: the original stays in restricted storage under DATA_DIR (path relative to it); the served
-- derivatives are re-encoded without metadata. EXIF GPS is read once on upload into its own columns.
CREATE TABLE case_photo (
  id           bigserial PRIMARY KEY,
  case_id      bigint REFERENCES city_case (id),
  stage        text NOT NULL CHECK (stage IN ('report', 'verify', 'feedback', 'check')),
  uploader_id  text NOT NULL,
  uploader_name text,
  sha256       text NOT NULL,
  format       text NOT NULL,
  bytes        integer NOT NULL,
  width        integer NOT NULL,
  height       integer NOT NULL,
  exif_lon     double precision,
  exif_lat     double precision,
  taken_at     timestamptz,
  original_path text NOT NULL,
  view_path    text NOT NULL,
  thumb_path   text NOT NULL,
  uploaded_at  timestamptz NOT NULL DEFAULT now()
);
-- The phone's outbox may upload the same picture again: the same uploader, stage, bytes and case find the row.
CREATE UNIQUE INDEX case_photo_once ON case_photo (uploader_id, stage, sha256, COALESCE(case_id, 0));
CREATE INDEX case_photo_case ON case_photo (case_id, id);
