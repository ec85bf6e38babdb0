-- The inbox of user $1: in-app notifications delivered to them, newest first, at most $2.
SELECT r.id AS recipient_id, n.id AS notification_id, n.title, n.body, n.urgent, n.source_kind, n.source_id,
       r.reason, n.created_at, r.acknowledged_at
  FROM notification_recipient r
  JOIN notification n ON n.id = r.notification_id
  JOIN notification_delivery d ON d.recipient_id = r.id AND d.channel = 'inapp' AND d.state = 'delivered'
 WHERE r.user_id = $1
 ORDER BY n.created_at DESC, r.id
 LIMIT $2
