-- Queued deliveries of a channel this gateway has not configured ($1) fail at $2 with the reason $3, once they have
-- waited $4 minutes: another gateway that has the channel takes them first.
WITH s AS (
  UPDATE notification_delivery
     SET state = 'failed', failed_at = $2, last_error = $3, updated_at = $2
   WHERE state = 'queued' AND channel = $1 AND next_attempt_at <= $2::timestamptz - make_interval(mins => $4)
  RETURNING id
),
e AS (
  INSERT INTO notification_event (delivery_id, state, detail, at) SELECT id, 'failed', $3, $2 FROM s
)
SELECT count(*)::int AS n FROM s
