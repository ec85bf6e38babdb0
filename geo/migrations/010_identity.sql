-- Identity: departments, users (one role each), server-side sessions and the login lockout counter.
-- Role ids and what they may do live in data/policy.json; the gateway validates roles against it.

-- The application's own database role. Audit tables grant it INSERT/SELECT only (011_audit.sql);
-- the gateway switches to it for every audit write, so even an owner connection writes audit rows
-- with append-only rights. Roles are cluster-wide: create it once, tolerate a concurrent creator.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'harbin_app') THEN
    CREATE ROLE harbin_app NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END $$;

-- 部门: the command centre, the emergency agencies and the city management departments.
CREATE TABLE department (
  id              text PRIMARY KEY CHECK (id ~ '^[a-z0-9_-]{2,40}$'),
  name            text NOT NULL UNIQUE,
  kind            text NOT NULL,
  hotline         text,
  district_adcode text CHECK (district_adcode IS NULL OR district_adcode ~ '^[0-9]{6}$'),
  active          boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now()
);

INSERT INTO department (id, name, kind, hotline) VALUES
  ('command-center', '哈尔滨市城市运行指挥中心', 'command', '12345'),
  ('police-110', '市公安局指挥中心（110）', 'police', '110'),
  ('fire-119', '市消防救援支队（119）', 'fire', '119'),
  ('ems-120', '市急救中心（120）', 'ems', '120'),
  ('flood-control', '市防汛抗旱指挥部办公室', 'flood', NULL),
  ('civil-defence', '市人民防空办公室', 'civil_defence', NULL),
  ('traffic-police', '市公安局交通警察支队', 'traffic', '122'),
  ('urban-mgmt', '市城市管理综合执法局（12319）', 'urban_mgmt', '12319'),
  ('planning', '市自然资源和规划局', 'planning', NULL),
  ('info-center', '市大数据中心（信息中心）', 'it', NULL);

CREATE TABLE app_user (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username             text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,31}$'),
  display_name         text NOT NULL,
  kind                 text NOT NULL CHECK (kind IN ('person', 'device')),
  role                 text NOT NULL,
  department_id        text REFERENCES department (id),
  -- Grid/street/district code prefixes an inspector works in (their 责任网格).
  grid_scope           text[] NOT NULL DEFAULT '{}',
  password_hash        text NOT NULL,
  must_change_password boolean NOT NULL DEFAULT false,
  password_changed_at  timestamptz NOT NULL,
  disabled_at          timestamptz,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL
);
CREATE INDEX app_user_department ON app_user (department_id);

-- Server-side sessions: the cookie holds an opaque random token, the table only its SM3 digest.
CREATE TABLE auth_session (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash     text NOT NULL UNIQUE,
  user_id        uuid NOT NULL REFERENCES app_user (id),
  channel        text NOT NULL CHECK (channel IN ('http', 'socket')),
  created_at     timestamptz NOT NULL,
  last_seen_at   timestamptz NOT NULL,
  idle_timeout_s int CHECK (idle_timeout_s IS NULL OR idle_timeout_s > 0), -- NULL: no idle timeout (device accounts)
  expires_at     timestamptz NOT NULL,                                      -- absolute end
  revoked_at     timestamptz,
  revoke_reason  text,
  source_ip      text,
  user_agent     text
);
CREATE INDEX auth_session_user ON auth_session (user_id) WHERE revoked_at IS NULL;

-- Consecutive login failures per login name, known or unknown alike, shared by HTTP and socket logins.
CREATE TABLE auth_lockout (
  login_key    text PRIMARY KEY,
  failures     int NOT NULL DEFAULT 0,
  window_start timestamptz,
  locked_until timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
