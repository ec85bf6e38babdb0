-- Reports upward (信息报送): the 首报 / 续报 / 终报 of an emergency response, drafted from live data, edited by the
-- duty staff, approved by a leader and sent to the upper level over a signed webhook (gateway/reports/). A report
-- whose delivery was queued is frozen; once the receiver has acknowledged it, it is the archived copy and never
-- changes again. The guard below enforces both for every writer, not only the gateway.

CREATE TABLE upward_report (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  response_id uuid NOT NULL REFERENCES emergency_response (id),
  kind        text NOT NULL CHECK (kind IN ('initial', 'update', 'final')),
  -- 续报 are numbered 1, 2, …; 首报 and 终报 are 1, so a response has at most one of each.
  number      int NOT NULL CHECK (number >= 1 AND (kind = 'update' OR number = 1)),
  state       text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'approved', 'sending', 'sent')),
  title       text NOT NULL,
  body        text NOT NULL,
  -- The live data the draft was made from, kept with the report.
  facts       jsonb NOT NULL,
  drill       boolean NOT NULL,
  drafted_by  text NOT NULL,
  drafted_at  timestamptz NOT NULL,
  edited_by   text,
  edited_at   timestamptz,
  approved_by text,
  approved_at timestamptz,
  queued_by   text,
  queued_at   timestamptz,
  -- The exact bytes signed and sent (set when queued), and the receiver's acknowledgement.
  payload     text,
  sent_at     timestamptz,
  receipt     text,
  version     int NOT NULL DEFAULT 1,
  UNIQUE (response_id, kind, number),
  CHECK ((state IN ('approved', 'sending', 'sent')) = (approved_at IS NOT NULL)),
  CHECK ((state IN ('sending', 'sent')) = (payload IS NOT NULL AND queued_at IS NOT NULL)),
  CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX upward_report_response ON upward_report (response_id, drafted_at);

-- The outbox: one delivery per queued report, retried with back-off until the receiver answers 2xx. Survives
-- restarts; several gateways share it (rows are claimed with FOR UPDATE SKIP LOCKED).
CREATE TABLE upward_report_delivery (
  report_id       uuid PRIMARY KEY REFERENCES upward_report (id),
  receiver        text NOT NULL,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered')),
  attempts        int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_attempt_at timestamptz,
  last_status     int,
  last_error      text,
  delivered_at    timestamptz
);
CREATE INDEX upward_report_delivery_due ON upward_report_delivery (next_attempt_at) WHERE state = 'pending';

CREATE FUNCTION upward_report_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.state <> 'draft' THEN
      RAISE EXCEPTION 'upward report % is % and cannot be deleted', OLD.id, OLD.state USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.state = 'sent' THEN
    RAISE EXCEPTION 'upward report % has been sent and is archived: it cannot change', OLD.id USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF OLD.state <> 'draft' AND (NEW.response_id, NEW.kind, NEW.number, NEW.title, NEW.body, NEW.facts, NEW.drill, NEW.approved_by, NEW.approved_at)
       IS DISTINCT FROM (OLD.response_id, OLD.kind, OLD.number, OLD.title, OLD.body, OLD.facts, OLD.drill, OLD.approved_by, OLD.approved_at) THEN
    RAISE EXCEPTION 'upward report % is approved: its text cannot change', OLD.id USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF OLD.state = 'sending' AND (NEW.payload, NEW.queued_at, NEW.queued_by) IS DISTINCT FROM (OLD.payload, OLD.queued_at, OLD.queued_by) THEN
    RAISE EXCEPTION 'upward report % is being sent: what was signed cannot change', OLD.id USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER upward_report_guard BEFORE UPDATE OR DELETE ON upward_report
  FOR EACH ROW EXECUTE FUNCTION upward_report_guard();

-- A delivered delivery is the archive's receipt: it never changes and is never removed.
CREATE FUNCTION upward_report_delivery_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.state = 'delivered' THEN
    RAISE EXCEPTION 'delivery of upward report % is acknowledged and archived', OLD.report_id USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'delivery of upward report % cannot be removed', OLD.report_id USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER upward_report_delivery_guard BEFORE UPDATE OR DELETE ON upward_report_delivery
  FOR EACH ROW EXECUTE FUNCTION upward_report_delivery_guard();
