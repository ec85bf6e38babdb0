-- In-app deliveries recorded as delivered after event $1, with what the recipient's inbox shows.
SELECT e.id::text AS event_id, r.user_id, r.id AS recipient_id, n.id AS notification_id, n.title, n.body, n.urgent,
       n.source_kind, n.source_id, r.reason, n.created_at, r.acknowledged_at
  FROM notification_event e
  JOIN notification_delivery d ON d.id = e.delivery_id AND d.channel = 'inapp'
  JOIN notification_recipient r ON r.id = d.recipient_id
  JOIN notification n ON n.id = r.notification_id
 WHERE e.id > $1 AND e.state = 'delivered'
 ORDER BY e.id
 LIMIT 2000
