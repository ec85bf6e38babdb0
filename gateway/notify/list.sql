-- Notifications newest first (optionally of one source $2/$3, or just notification $4), at most $1, with their recipients, acknowledgements
-- and deliveries counted per state.
SELECT n.id, n.title, n.body, n.urgent, n.source_kind, n.source_id, n.created_at,
       (SELECT count(*)::int FROM notification_recipient r WHERE r.notification_id = n.id) AS recipients,
       (SELECT count(*)::int FROM notification_recipient r WHERE r.notification_id = n.id AND r.acknowledged_at IS NOT NULL) AS acknowledged,
       (SELECT coalesce(jsonb_object_agg(state, c), '{}'::jsonb)
          FROM (SELECT d.state, count(*)::int AS c
                  FROM notification_recipient r JOIN notification_delivery d ON d.recipient_id = r.id
                 WHERE r.notification_id = n.id GROUP BY d.state) s) AS states
  FROM notification n
 WHERE ($2::text IS NULL OR n.source_kind = $2) AND ($3::text IS NULL OR n.source_id = $3)
   AND ($4::uuid IS NULL OR n.id = $4)
 ORDER BY n.created_at DESC, n.id
 LIMIT $1
