-- The audit tables belong to a role of their own, not to the role the gateway connects as: only a table's owner
-- (or a superuser) may ALTER it, so the gateway cannot DISABLE TRIGGER its append-only guards, nor drop or truncate
-- the log. On PostgreSQL this holds when the gateway connects as a non-superuser; a superuser (and PGlite's only
-- user, which is one) can do anything, see DECISIONS.md.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'harbin_audit_owner') THEN
    CREATE ROLE harbin_audit_owner NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END $$;

-- Names this database's chain, so its externally written head (DATA_DIR/audit-head-<chain_id>.json, written by
-- gateway/audit/head-witness.ts) is never mistaken for another database's.
CREATE TABLE audit_chain_identity (
  id       int PRIMARY KEY CHECK (id = 1),
  chain_id uuid NOT NULL
);
INSERT INTO audit_chain_identity (id, chain_id) VALUES (1, gen_random_uuid());
CREATE TRIGGER audit_chain_identity_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_chain_identity
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
REVOKE ALL ON audit_chain_identity FROM PUBLIC;
GRANT SELECT ON audit_chain_identity TO harbin_app;

-- Ownership can only be given away by a superuser (or a member of the new owner); a non-superuser installer gets a
-- notice, and the database administrator runs these statements (DECISIONS.md).
DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    ALTER TABLE audit_event OWNER TO harbin_audit_owner;
    ALTER TABLE audit_chain_head OWNER TO harbin_audit_owner;
    ALTER TABLE audit_anchor OWNER TO harbin_audit_owner;
    ALTER TABLE audit_chain_identity OWNER TO harbin_audit_owner;
    ALTER FUNCTION audit_purge(bigint, text, text) OWNER TO harbin_audit_owner;
    ALTER FUNCTION audit_purge_eligible(timestamptz) OWNER TO harbin_audit_owner;
    ALTER FUNCTION audit_refuse_change() OWNER TO harbin_audit_owner;
    ALTER FUNCTION audit_guard_delete() OWNER TO harbin_audit_owner;
  ELSE
    RAISE NOTICE 'audit tables stay owned by %: ask a superuser to give them to harbin_audit_owner (DECISIONS.md)', current_user;
  END IF;
END $$;
