-- Clearer append-only guards for the audit tables (replacing those of 011_audit.sql): UPDATE and TRUNCATE
-- are refused per statement, so even a statement that would touch no row fails; DELETE is checked per row
-- and passes only inside audit_purge() for rows older than 183 days; anchors can never change.
DROP TRIGGER audit_event_no_update ON audit_event;
DROP TRIGGER audit_event_no_delete ON audit_event;
DROP TRIGGER audit_event_no_truncate ON audit_event;
DROP TRIGGER audit_anchor_no_change ON audit_anchor;
DROP TRIGGER audit_anchor_no_truncate ON audit_anchor;

CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit log is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE FUNCTION audit_guard_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('harbin.audit_purge', true) IS DISTINCT FROM 'on' THEN
    RAISE EXCEPTION 'audit log is append-only: rows leave only through audit_purge()'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT audit_purge_eligible(OLD.at) THEN
    RAISE EXCEPTION 'audit row % is younger than 183 days and must be kept', OLD.seq
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END $$;

CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_guard_delete BEFORE DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_guard_delete();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_anchor_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_anchor FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
