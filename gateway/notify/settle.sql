-- Records the outcome of deliveries worker $1 sent at $2: 'sent', 'delivered', 'retry' (queued again after a
-- back-off of 2^attempts seconds, at most 5 minutes) or 'failed'. Only rows the worker still holds change, each
-- once; the step is recorded. Arrays $3.. hold one element per delivery.
WITH t AS (
  SELECT * FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[]) AS t(id, outcome, provider_id, error)
),
s AS (
  UPDATE notification_delivery d
     SET state = CASE t.outcome WHEN 'retry' THEN 'queued' ELSE t.outcome END,
         provider_id = COALESCE(t.provider_id, d.provider_id),
         last_error = t.error,
         next_attempt_at = CASE WHEN t.outcome = 'retry'
                                THEN $2::timestamptz + make_interval(secs => least(power(2, d.attempts), 300))
                                ELSE d.next_attempt_at END,
         sent_at = CASE WHEN t.outcome IN ('sent', 'delivered') THEN $2 ELSE d.sent_at END,
         delivered_at = CASE WHEN t.outcome = 'delivered' THEN $2 ELSE d.delivered_at END,
         failed_at = CASE WHEN t.outcome = 'failed' THEN $2 ELSE d.failed_at END,
         claimed_by = NULL, lease_until = NULL, updated_at = $2
    FROM t
   WHERE d.id = t.id AND d.state = 'sending' AND d.claimed_by = $1
  RETURNING d.id, t.outcome, t.error, t.provider_id
),
e AS (
  INSERT INTO notification_event (delivery_id, state, detail, at)
  SELECT id, outcome, COALESCE(error, provider_id), $2 FROM s
)
SELECT id::text AS id, outcome, provider_id FROM s
