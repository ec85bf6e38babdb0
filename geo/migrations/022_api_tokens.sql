-- API tokens: read-only credentials for GIS clients (QGIS, ogrinfo, scripts) on the OGC API and vector tiles, issued
-- by a signed-in person to themselves. Only the SM3 digest of a token is stored; the token is shown once.
CREATE TABLE api_token (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash   text NOT NULL UNIQUE,
  user_id      uuid NOT NULL REFERENCES app_user (id),
  label        text NOT NULL CHECK (char_length(label) BETWEEN 1 AND 60),
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at   timestamptz,
  CHECK (expires_at > created_at)
);
CREATE INDEX api_token_user ON api_token (user_id, created_at DESC);
