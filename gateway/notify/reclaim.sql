-- Deliveries whose worker's lease ran out at $1 (the gateway stopped hard while sending): queued again at once.
-- An SMS or e-mail among them may already have reached the provider, so it is marked uncertain.
WITH s AS (
  UPDATE notification_delivery
     SET state = 'queued', uncertain = uncertain OR channel <> 'inapp', claimed_by = NULL, lease_until = NULL,
         next_attempt_at = $1, updated_at = $1
   WHERE state = 'sending' AND lease_until < $1
  RETURNING id
),
e AS (
  INSERT INTO notification_event (delivery_id, state, detail, at) SELECT id, 'retry', '发送中断（网关停止），重新排队', $1 FROM s
)
SELECT count(*)::int AS n FROM s
