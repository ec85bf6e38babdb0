-- Claims up to $4 due deliveries of channel $2 for worker $1 at $3 (FOR UPDATE SKIP LOCKED: workers never share
-- one), leased for $5 seconds, and returns each with its message. The 'sending' step is recorded.
WITH c AS (
  UPDATE notification_delivery d
     SET state = 'sending', attempts = d.attempts + 1, claimed_by = $1,
         lease_until = $3::timestamptz + make_interval(secs => $5), updated_at = $3
   WHERE d.id IN (SELECT id FROM notification_delivery
                   WHERE state = 'queued' AND channel = $2 AND next_attempt_at <= $3
                   ORDER BY next_attempt_at, id
                   LIMIT $4
                     FOR UPDATE SKIP LOCKED)
  RETURNING d.id, d.recipient_id, d.channel, d.address, d.attempts, d.uncertain
),
e AS (
  INSERT INTO notification_event (delivery_id, state, detail, at)
  SELECT id, 'sending', 'attempt ' || attempts, $3 FROM c
)
SELECT c.id::text AS id, c.channel, c.address, c.attempts, c.uncertain, n.title, n.body, n.urgent
  FROM c
  JOIN notification_recipient r ON r.id = c.recipient_id
  JOIN notification n ON n.id = r.notification_id
 ORDER BY c.id
