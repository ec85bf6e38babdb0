-- Duty (值班): shifts of a roster per department (the command centre is a department too) and the handover notes
-- (交接班记录) between shifts. Who is on duty at a time is every shift of the department covering that time.
-- Changes of shifts and handovers go out on the change log (topic 'duty', layer 'duty').

CREATE TABLE duty_shift (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id text NOT NULL REFERENCES department (id),
  user_id       uuid NOT NULL REFERENCES app_user (id),
  -- 带班领导 (leader), 值班员 (officer), 备班/副班 (deputy: whom unacknowledged urgent notifications escalate to).
  duty_role     text NOT NULL CHECK (duty_role IN ('leader', 'officer', 'deputy')),
  starts_at     timestamptz NOT NULL,
  ends_at       timestamptz NOT NULL,
  note          text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  cancelled_at  timestamptz,
  CHECK (ends_at > starts_at),
  CHECK (ends_at - starts_at <= interval '72 hours')
);
-- The same person in two overlapping shifts of one department is refused by gateway/duty/shifts.ts.
CREATE INDEX duty_shift_time ON duty_shift (ends_at, starts_at) WHERE cancelled_at IS NULL;
CREATE INDEX duty_shift_department ON duty_shift (department_id, starts_at);

CREATE TABLE duty_handover (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  department_id text NOT NULL REFERENCES department (id),
  author_id     uuid NOT NULL REFERENCES app_user (id),
  author_name   text NOT NULL,
  note          text NOT NULL CHECK (length(note) BETWEEN 1 AND 4000),
  -- Matters the next shift must follow up (未结事项).
  open_items    jsonb NOT NULL DEFAULT '[]',
  created_at    timestamptz NOT NULL,
  received_by   uuid REFERENCES app_user (id),
  received_name text,
  received_at   timestamptz,
  CHECK ((received_by IS NULL) = (received_at IS NULL))
);
CREATE INDEX duty_handover_department ON duty_handover (department_id, created_at DESC);
