-- Emergency response (应急响应): a plan of data/plans/ declared at a level for one or more incidents, every level
-- step, the departments' tasks with their notes and photos, and the suggestions the trigger rules make.

-- Responses, suggestions and tasks go out on the change log (topics 'response' and 'response_task', layers
-- 'responses' and 'response_tasks'). Topics are checked by form here; the list of topics lives in contracts/.
ALTER TABLE change_log DROP CONSTRAINT IF EXISTS change_log_topic_check;
ALTER TABLE change_log ADD CONSTRAINT change_log_topic_check CHECK (topic ~ '^[a-z][a-z_]{1,39}$');

CREATE TABLE emergency_response (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  plan_id          text NOT NULL CHECK (plan_id ~ '^[a-z0-9-]{2,60}$'),
  plan_version     int NOT NULL CHECK (plan_version > 0),
  plan_title       text NOT NULL,
  level            text NOT NULL CHECK (level IN ('I', 'II', 'III', 'IV')),
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
  drill            boolean NOT NULL DEFAULT false,
  incident_ids     bigint[] NOT NULL DEFAULT '{}',
  reason           text NOT NULL,
  declared_by      text NOT NULL,
  suggestion_id    uuid,
  started_at       timestamptz NOT NULL,
  level_changed_at timestamptz NOT NULL,
  ended_at         timestamptz,
  ended_by         text,
  end_note         text,
  updated_at       timestamptz NOT NULL,
  CHECK ((status = 'ended') = (ended_at IS NOT NULL))
);
CREATE INDEX emergency_response_active ON emergency_response (started_at) WHERE status = 'active';
CREATE INDEX emergency_response_incidents ON emergency_response USING gin (incident_ids);

-- Every level step: declared, escalated (升级), de-escalated (降级), ended (终止).
CREATE TABLE response_step (
  id          bigserial PRIMARY KEY,
  response_id uuid NOT NULL REFERENCES emergency_response (id),
  action      text NOT NULL CHECK (action IN ('declare', 'escalate', 'deescalate', 'end')),
  level_from  text CHECK (level_from IN ('I', 'II', 'III', 'IV')),
  level_to    text CHECK (level_to IN ('I', 'II', 'III', 'IV')),
  actor       text NOT NULL,
  reason      text NOT NULL,
  at          timestamptz NOT NULL
);
CREATE INDEX response_step_response ON response_step (response_id, id);

-- A department's task in a response: issued → received → acknowledged → done; overdue 'amber' past its deadline,
-- 'red' after the grace period, when it is escalated once to the department's duty leader.
CREATE TABLE response_task (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  response_id     uuid NOT NULL REFERENCES emergency_response (id),
  department_id   text NOT NULL REFERENCES department (id),
  task_key        text NOT NULL,
  role            text NOT NULL CHECK (role IN ('lead', 'support')),
  title           text NOT NULL,
  checklist       jsonb NOT NULL DEFAULT '[]',
  state           text NOT NULL DEFAULT 'issued' CHECK (state IN ('issued', 'received', 'acknowledged', 'done', 'cancelled')),
  overdue         text NOT NULL DEFAULT 'none' CHECK (overdue IN ('none', 'amber', 'red')),
  due_at          timestamptz NOT NULL,
  red_at          timestamptz NOT NULL,
  created_at      timestamptz NOT NULL,
  received_at     timestamptz,
  acknowledged_at timestamptz,
  done_at         timestamptz,
  done_by         text,
  escalated_at    timestamptz,
  updated_at      timestamptz NOT NULL,
  UNIQUE (response_id, task_key)
);
CREATE INDEX response_task_department ON response_task (department_id, state);
CREATE INDEX response_task_open ON response_task (due_at) WHERE state NOT IN ('done', 'cancelled');

-- Progress notes (进展) on a task, each with any photos (re-encoded by sharp; originals are not kept).
CREATE TABLE response_task_note (
  id          bigserial PRIMARY KEY,
  task_id     uuid NOT NULL REFERENCES response_task (id),
  author      text NOT NULL,
  author_name text NOT NULL,
  body        text NOT NULL,
  at          timestamptz NOT NULL
);
CREATE INDEX response_task_note_task ON response_task_note (task_id, id);

CREATE TABLE response_task_photo (
  id          bigserial PRIMARY KEY,
  task_id     uuid NOT NULL REFERENCES response_task (id),
  note_id     bigint REFERENCES response_task_note (id),
  uploader    text NOT NULL,
  sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  format      text NOT NULL,
  width       int NOT NULL,
  height      int NOT NULL,
  view_webp   bytea NOT NULL,
  thumb_webp  bytea NOT NULL,
  uploaded_at timestamptz NOT NULL,
  UNIQUE (task_id, sha256)
);

-- What the trigger rules suggested (启动建议): one per plan, level and basis (an incident or a gauge station);
-- open until someone declares a response from it or dismisses it.
CREATE TABLE response_suggestion (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  plan_id      text NOT NULL,
  plan_version int NOT NULL,
  level        text NOT NULL CHECK (level IN ('I', 'II', 'III', 'IV')),
  basis_kind   text NOT NULL CHECK (basis_kind IN ('incident', 'gauge')),
  basis_key    text NOT NULL,
  incident_ids bigint[] NOT NULL DEFAULT '{}',
  reason       text NOT NULL,
  drill        boolean NOT NULL DEFAULT false,
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'dismissed')),
  response_id  uuid REFERENCES emergency_response (id),
  decided_by   text,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  UNIQUE (plan_id, basis_kind, basis_key, level)
);
CREATE INDEX response_suggestion_open ON response_suggestion (created_at) WHERE status = 'open';
