-- Notifications (通知): one message to its recipients, each recipient reached on every channel they have
-- (in-app 站内, SMS 短信 over SMPP, e-mail 邮件 over SMTP). Each delivery is a row with its state, so a restart
-- loses none: queued → sending → sent → delivered, or back to queued (retry with back-off), or failed.
-- Workers claim queued rows with FOR UPDATE SKIP LOCKED; notification_event keeps every state step.

-- Where a person is reached outside the platform.
CREATE TABLE notify_contact (
  user_id    uuid PRIMARY KEY REFERENCES app_user (id),
  phone      text CHECK (phone IS NULL OR phone ~ '^\+?[0-9]{5,20}$'),
  email      text CHECK (email IS NULL OR email ~ '^[^@\s]+@[^@\s]+$'),
  updated_at timestamptz NOT NULL
);

CREATE TABLE notification (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body        text NOT NULL CHECK (length(body) <= 4000),
  source_kind text NOT NULL CHECK (source_kind ~ '^[a-z][a-z0-9_]{0,39}$'),
  source_id   text NOT NULL CHECK (length(source_id) BETWEEN 1 AND 200),
  urgent      boolean NOT NULL DEFAULT false,
  -- The audience as asked for: {"departmentIds": [...], "userIds": [...]}.
  audience    jsonb NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE INDEX notification_created ON notification (created_at DESC);
CREATE INDEX notification_source ON notification (source_kind, source_id);

-- One person a notification reaches, and why: named directly, on duty for a department, the department's
-- handlers/leaders when nobody is on duty, or the deputy an unacknowledged urgent notification escalated to.
CREATE TABLE notification_recipient (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  notification_id uuid NOT NULL REFERENCES notification (id),
  user_id         uuid NOT NULL REFERENCES app_user (id),
  department_id   text REFERENCES department (id),
  reason          text NOT NULL CHECK (reason IN ('direct', 'duty', 'fallback', 'escalation')),
  escalated_from  uuid REFERENCES notification_recipient (id),
  -- An urgent notification left unacknowledged goes on to the department's deputy on duty, once.
  escalated_at    timestamptz,
  acknowledged_at timestamptz,
  created_at      timestamptz NOT NULL,
  UNIQUE (notification_id, user_id)
);
CREATE INDEX notification_recipient_user ON notification_recipient (user_id, created_at DESC);
CREATE INDEX notification_recipient_open ON notification_recipient (created_at)
  WHERE escalated_at IS NULL AND acknowledged_at IS NULL;

CREATE TABLE notification_delivery (
  id              bigserial PRIMARY KEY,
  recipient_id    uuid NOT NULL REFERENCES notification_recipient (id),
  channel         text NOT NULL CHECK (channel IN ('inapp', 'sms', 'email')),
  address         text NOT NULL,
  state           text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'delivered', 'failed')),
  attempts        int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  -- The worker holding a 'sending' row and until when; a row whose lease ran out belongs to a worker that died.
  claimed_by      text,
  lease_until     timestamptz,
  -- The gateway stopped hard while this row was being sent: the provider may have it already.
  uncertain       boolean NOT NULL DEFAULT false,
  provider_id     text,
  last_error      text,
  sent_at         timestamptz,
  delivered_at    timestamptz,
  failed_at       timestamptz,
  updated_at      timestamptz NOT NULL,
  UNIQUE (recipient_id, channel)
);
CREATE INDEX notification_delivery_due ON notification_delivery (next_attempt_at) WHERE state = 'queued';
CREATE INDEX notification_delivery_lease ON notification_delivery (lease_until) WHERE state = 'sending';
CREATE UNIQUE INDEX notification_delivery_provider ON notification_delivery (channel, provider_id) WHERE provider_id IS NOT NULL;

CREATE TABLE notification_event (
  id          bigserial PRIMARY KEY,
  delivery_id bigint NOT NULL REFERENCES notification_delivery (id),
  state       text NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'retry')),
  detail      text,
  at          timestamptz NOT NULL
);
CREATE INDEX notification_event_delivery ON notification_event (delivery_id, id);
