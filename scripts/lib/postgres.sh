# Makes sure a PostgreSQL 15 server with PostGIS answers on 127.0.0.1:5432 and that the test role exists.
# On the development machines one is already running with trust auth; on a fresh machine this creates and
# starts the cluster and a password-authenticated role for the tests.

DEFAULT_TEST_DATABASE_URL="postgres://harbin:harbin-test-only@127.0.0.1:5432/harbin_test"

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }

ensure_postgres() {
  if ! pg_up; then
    log "starting PostgreSQL 15"
    if ! pg_lsclusters -h 2>/dev/null | grep -q '^15 *main'; then
      as_root pg_createcluster 15 main >/dev/null
    fi
    as_root pg_ctlcluster --skip-systemctl-redirect 15 main start
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
    pg_up || { log "PostgreSQL did not start"; return 1; }
  fi
  # The test role owns the test databases and may create extensions (PostGIS is not a trusted extension).
  as_root runuser -u postgres -- psql -q -h /var/run/postgresql -d postgres -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'harbin') THEN
    CREATE ROLE harbin LOGIN SUPERUSER PASSWORD 'harbin-test-only';
  END IF;
END $$;
SQL
}
