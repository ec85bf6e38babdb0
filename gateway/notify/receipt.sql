-- A delivery receipt for the SMS the SMSC knows as $1: 'sent' → 'delivered' or 'failed', once.
WITH s AS (
  UPDATE notification_delivery
     SET state = $2, delivered_at = CASE WHEN $2 = 'delivered' THEN $4::timestamptz END,
         failed_at = CASE WHEN $2 = 'failed' THEN $4::timestamptz END,
         last_error = CASE WHEN $2 = 'failed' THEN $3 END, updated_at = $4
   WHERE channel = 'sms' AND provider_id = $1 AND state = 'sent'
  RETURNING id
),
e AS (
  INSERT INTO notification_event (delivery_id, state, detail, at) SELECT id, $2, $3, $4 FROM s
)
SELECT count(*)::int AS n FROM s
