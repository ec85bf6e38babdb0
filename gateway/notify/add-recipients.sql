-- Recipients of notification $1 with a delivery per channel each can be reached on (in-app always, SMS with a
-- phone number, e-mail with an address), all queued at $2; the 'queued' step of each delivery is recorded.
-- Arrays $3.. are one element per recipient. A person already among the recipients is left as they are.
WITH r AS (
  INSERT INTO notification_recipient (notification_id, user_id, department_id, reason, escalated_from, created_at)
  SELECT $1, t.user_id, t.department_id, t.reason, t.escalated_from, $2
    FROM unnest($3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[])
         AS t(user_id, department_id, reason, escalated_from, phone, email)
  ON CONFLICT (notification_id, user_id) DO NOTHING
  RETURNING id, user_id
),
c AS (
  SELECT r.id AS recipient_id, ch.channel, ch.address
    FROM r
    JOIN unnest($3::uuid[], $7::text[], $8::text[]) AS t(user_id, phone, email) ON t.user_id = r.user_id
   CROSS JOIN LATERAL (VALUES ('inapp', r.user_id::text), ('sms', t.phone), ('email', t.email)) AS ch(channel, address)
   WHERE ch.address IS NOT NULL
),
d AS (
  INSERT INTO notification_delivery (recipient_id, channel, address, next_attempt_at, updated_at)
  SELECT recipient_id, channel, address, $2, $2 FROM c
  RETURNING id
),
e AS (
  INSERT INTO notification_event (delivery_id, state, at) SELECT id, 'queued', $2 FROM d
)
SELECT (SELECT count(*) FROM r)::int AS recipients, pg_notify('harbin_notify', '') IS NULL AS woken
