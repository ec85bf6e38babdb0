-- Every recipient of notification $1 with their deliveries.
SELECT r.id, r.user_id, u.display_name, r.department_id, r.reason, r.acknowledged_at, r.escalated_at,
       coalesce(jsonb_agg(jsonb_build_object(
         'id', d.id::text, 'channel', d.channel, 'address', d.address, 'state', d.state, 'attempts', d.attempts,
         'uncertain', d.uncertain, 'lastError', d.last_error, 'sentAt', d.sent_at, 'deliveredAt', d.delivered_at,
         'failedAt', d.failed_at) ORDER BY d.channel) FILTER (WHERE d.id IS NOT NULL), '[]'::jsonb) AS deliveries
  FROM notification_recipient r
  JOIN app_user u ON u.id = r.user_id
  LEFT JOIN notification_delivery d ON d.recipient_id = r.id
 WHERE r.notification_id = $1
 GROUP BY r.id, u.display_name
 ORDER BY r.created_at, u.display_name
