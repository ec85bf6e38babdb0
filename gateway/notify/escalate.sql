-- Urgent notifications that nobody of a department acknowledged within $2 minutes of $1: each (notification,
-- department) is marked escalated once and returned with one of its recipients to escalate from.
WITH due AS (
  SELECT r.notification_id, r.department_id
    FROM notification_recipient r
    JOIN notification n ON n.id = r.notification_id
   WHERE n.urgent AND r.reason <> 'escalation' AND r.department_id IS NOT NULL AND r.escalated_at IS NULL
     AND n.created_at <= $1::timestamptz - make_interval(mins => $2)
   GROUP BY r.notification_id, r.department_id
  HAVING bool_and(r.acknowledged_at IS NULL)
   LIMIT 200
),
marked AS (
  UPDATE notification_recipient r
     SET escalated_at = $1
    FROM due
   WHERE r.notification_id = due.notification_id AND r.department_id = due.department_id
     AND r.escalated_at IS NULL AND r.reason <> 'escalation' AND r.acknowledged_at IS NULL
  RETURNING r.id, r.notification_id, r.department_id
)
SELECT DISTINCT ON (notification_id, department_id) id::text AS from_id, notification_id::text, department_id
  FROM marked
 ORDER BY notification_id, department_id, id
