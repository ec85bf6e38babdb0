-- 条件共享 requests (信息资源共享, "需求导向、供方响应、协调确认"): a department asks the providing department for a
-- catalogue resource (data/sharing.json) with a purpose, fields, an area and a period; the provider approves with
-- conditions (granting at most what was asked) or refuses with a reason. An approved request is the grant the
-- gateway's layer access reads (gateway/policy/layer-access.ts); it ends by itself at granted_until.
CREATE TABLE sharing_request (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  resource             text NOT NULL,
  requester_id         uuid NOT NULL REFERENCES app_user (id),
  requester_department text NOT NULL REFERENCES department (id),
  provider_department  text NOT NULL REFERENCES department (id),
  purpose              text NOT NULL,
  fields               text[] NOT NULL CHECK (cardinality(fields) BETWEEN 1 AND 60),
  area                 float8[] NOT NULL CHECK (cardinality(area) = 4),
  valid_from           timestamptz NOT NULL,
  valid_until          timestamptz NOT NULL CHECK (valid_until > valid_from),
  created_at           timestamptz NOT NULL,
  state                text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'refused')),
  decided_by_id        uuid REFERENCES app_user (id),
  decided_at           timestamptz,
  granted_fields       text[],
  granted_area         float8[] CHECK (granted_area IS NULL OR cardinality(granted_area) = 4),
  granted_from         timestamptz,
  granted_until        timestamptz,
  conditions           text,
  refusal_reason       text,
  CHECK ((state = 'pending') = (decided_at IS NULL)),
  CHECK (state <> 'approved' OR (granted_fields IS NOT NULL AND granted_area IS NOT NULL
                                 AND granted_from IS NOT NULL AND granted_until > granted_from)),
  CHECK (state <> 'refused' OR refusal_reason IS NOT NULL)
);
-- The grant lookup of every guarded read: a department's approved requests for a resource.
CREATE INDEX sharing_request_grant ON sharing_request (requester_department, resource, granted_until)
  WHERE state = 'approved';
CREATE INDEX sharing_request_provider ON sharing_request (provider_department, created_at DESC);
