-- Tamper-evident audit log (等保 2.0 安全审计). One row per security-relevant action; rows form a hash chain:
-- hash = HMAC-SM3(key, canonical row including prev_hash), computed by gateway/audit/chain.ts.
-- Append-only twice over: harbin_app may only INSERT/SELECT, and triggers refuse UPDATE, DELETE and
-- TRUNCATE for everyone, the owner included. The one way rows leave is audit_purge() below.
CREATE TABLE audit_event (
  seq        bigint PRIMARY KEY CHECK (seq > 0),
  at         timestamptz NOT NULL,
  user_id    text,
  username   text,
  role       text,
  action     text NOT NULL,
  object     text,
  outcome    text NOT NULL,
  source_ip  text,
  request_id text,
  detail     text NOT NULL,  -- canonical JSON exactly as hashed
  key_id     text NOT NULL,  -- which HMAC key signed the row (a digest of the key, never the key)
  prev_hash  text NOT NULL,
  hash       text NOT NULL
);
CREATE INDEX audit_event_at ON audit_event (at);
CREATE INDEX audit_event_username ON audit_event (username, seq);
CREATE INDEX audit_event_action ON audit_event (action, seq);

-- The chain head: locked FOR UPDATE by every writer, so concurrent writers append one after another and
-- cannot fork the chain; the verifier also compares it with the last row, so a removed tail is detected.
CREATE TABLE audit_chain_head (
  id   int PRIMARY KEY CHECK (id = 1),
  seq  bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));

-- Where the chain starts after retention removed its oldest rows: the last purged row's seq and hash,
-- with an HMAC over both so an anchor cannot be forged without the key.
CREATE TABLE audit_anchor (
  purged_through_seq bigint PRIMARY KEY,
  last_hash          text NOT NULL,
  last_at            timestamptz NOT NULL,
  rows_purged        bigint NOT NULL,
  mac                text NOT NULL,
  purged_at          timestamptz NOT NULL DEFAULT now()
);

-- The retention rule in one place: a row may leave only once it is older than 183 days (six months).
CREATE FUNCTION audit_purge_eligible(p_at timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT p_at < now() - interval '183 days' $$;

CREATE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_event'
     AND current_setting('harbin.audit_purge', true) = 'on' AND audit_purge_eligible(OLD.at) THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_event' THEN
    RAISE EXCEPTION 'audit log is append-only: row % is younger than 183 days or was not removed by audit_purge()', OLD.seq
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RAISE EXCEPTION 'audit log is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_anchor_no_change BEFORE UPDATE OR DELETE ON audit_anchor FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_anchor_no_truncate BEFORE TRUNCATE ON audit_anchor FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- Retention's controlled path. Removes the oldest rows up to and including p_through_seq, all of which
-- must be older than 183 days, and records the anchor the verifier restarts from. SECURITY DEFINER so
-- harbin_app can run it without holding DELETE; the trigger checks the age of every row again.
CREATE FUNCTION audit_purge(p_through_seq bigint, p_last_hash text, p_mac text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_last audit_event%ROWTYPE;
  v_young bigint;
  v_count bigint;
BEGIN
  SELECT * INTO v_last FROM audit_event WHERE seq = p_through_seq;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit_purge: no audit row %', p_through_seq;
  END IF;
  IF v_last.hash <> p_last_hash THEN
    RAISE EXCEPTION 'audit_purge: row % does not have the hash the caller signed', p_through_seq;
  END IF;
  SELECT count(*) INTO v_young FROM audit_event WHERE seq <= p_through_seq AND NOT audit_purge_eligible(at);
  IF v_young > 0 THEN
    RAISE EXCEPTION 'audit_purge: % row(s) up to % are younger than 183 days', v_young, p_through_seq;
  END IF;
  INSERT INTO audit_anchor (purged_through_seq, last_hash, last_at, rows_purged, mac)
  SELECT p_through_seq, p_last_hash, v_last.at, count(*), p_mac FROM audit_event WHERE seq <= p_through_seq;
  PERFORM set_config('harbin.audit_purge', 'on', true);
  DELETE FROM audit_event WHERE seq <= p_through_seq;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  PERFORM set_config('harbin.audit_purge', 'off', true);
  RETURN v_count;
END $$;

REVOKE ALL ON audit_event, audit_chain_head, audit_anchor FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_purge(bigint, text, text) FROM PUBLIC;
GRANT SELECT, INSERT ON audit_event TO harbin_app;
GRANT SELECT, UPDATE ON audit_chain_head TO harbin_app;
GRANT SELECT ON audit_anchor TO harbin_app;
GRANT EXECUTE ON FUNCTION audit_purge(bigint, text, text) TO harbin_app;
GRANT EXECUTE ON FUNCTION audit_purge_eligible(timestamptz) TO harbin_app;
