-- Switching the system mode to real 战时 takes two leaders (data/modes.json `switchConfirmation`): one proposes with a
-- reason, another confirms within the time limit. At most one proposal is open at a time; a proposal is never deleted.
CREATE TABLE mode_proposal (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  mode             text NOT NULL CHECK (mode IN ('daily', 'emergency', 'wartime')),
  drill            boolean NOT NULL,
  reason           text NOT NULL,
  proposed_by      text NOT NULL,
  proposed_by_id   text NOT NULL,
  proposed_by_name text NOT NULL,
  proposed_at      timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'cancelled', 'expired')),
  decided_by       text,
  decided_at       timestamptz,
  CHECK (expires_at > proposed_at),
  CHECK ((state = 'pending') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX mode_proposal_one_open ON mode_proposal ((true)) WHERE state = 'pending';

-- The standing conference of a mode (data/modes.json `standingConference`): opened in the transaction that enters
-- the mode, closed in the one that leaves it; who was invited is kept (usernames resolved from departments then).
CREATE TABLE standing_conference (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  mode         text NOT NULL CHECK (mode IN ('daily', 'emergency', 'wartime')),
  drill        boolean NOT NULL,
  title        text NOT NULL,
  invite_users text[] NOT NULL,
  invite_roles text[] NOT NULL,
  opened_at    timestamptz NOT NULL DEFAULT now(),
  opened_by    text,
  closed_at    timestamptz,
  closed_by    text
);
CREATE UNIQUE INDEX standing_conference_one_open ON standing_conference ((true)) WHERE closed_at IS NULL;

-- Receipt clocks of orders to units (命令与回执计时): each assignment of a unit to an incident is an order issued then,
-- received when the unit moves on (en route or on scene, by its crew, its AVL feed or a dispatcher), ended when it
-- is released. Kept by a trigger so that every path that assigns or moves a unit counts.
CREATE TABLE unit_order (
  id              bigserial PRIMARY KEY,
  unit_id         text NOT NULL REFERENCES unit (id),
  incident_id     bigint NOT NULL REFERENCES incident (id),
  issued_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  received_at     timestamptz,
  received_status text CHECK (received_status IN ('en_route', 'on_scene')),
  ended_at        timestamptz
);
CREATE UNIQUE INDEX unit_order_open ON unit_order (unit_id) WHERE ended_at IS NULL;
CREATE INDEX unit_order_issued ON unit_order (issued_at);

CREATE FUNCTION unit_order_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'assigned' AND OLD.status IS DISTINCT FROM 'assigned' AND NEW.incident_id IS NOT NULL THEN
    UPDATE unit_order SET ended_at = clock_timestamp() WHERE unit_id = NEW.id AND ended_at IS NULL;
    INSERT INTO unit_order (unit_id, incident_id) VALUES (NEW.id, NEW.incident_id);
  ELSIF NEW.status IN ('en_route', 'on_scene') AND OLD.status = 'assigned' THEN
    UPDATE unit_order SET received_at = clock_timestamp(), received_status = NEW.status
     WHERE unit_id = NEW.id AND ended_at IS NULL AND received_at IS NULL;
  ELSIF NEW.status IN ('available', 'out_of_service') THEN
    UPDATE unit_order SET ended_at = clock_timestamp() WHERE unit_id = NEW.id AND ended_at IS NULL;
  END IF;
  -- A merge moves the unit to the surviving incident: the order goes on.
  IF NEW.incident_id IS NOT NULL AND NEW.incident_id IS DISTINCT FROM OLD.incident_id AND NEW.status = OLD.status THEN
    UPDATE unit_order SET incident_id = NEW.incident_id WHERE unit_id = NEW.id AND ended_at IS NULL;
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER unit_order_track AFTER UPDATE OF status, incident_id ON unit
  FOR EACH ROW EXECUTE FUNCTION unit_order_track();
