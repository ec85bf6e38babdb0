-- Where each person has logged in from before: while their login name is locked by failures from elsewhere, a login
-- from one of these addresses may still try (gateway/auth/login.ts), so no one can lock the commander out remotely.
CREATE TABLE auth_known_source (
  user_id        uuid NOT NULL REFERENCES app_user (id),
  source_ip      text NOT NULL,
  first_login_at timestamptz NOT NULL,
  last_login_at  timestamptz NOT NULL,
  PRIMARY KEY (user_id, source_ip)
);

-- Earlier password hashes of each account, newest first by id, so a password cannot be reused soon after it was
-- replaced (gateway/auth/password-history.ts). Written by the same statement path that changes the password.
CREATE TABLE password_history (
  id            bigserial PRIMARY KEY,
  user_id       uuid NOT NULL REFERENCES app_user (id),
  password_hash text NOT NULL,
  replaced_at   timestamptz NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, id DESC);
