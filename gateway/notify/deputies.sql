-- Whom an unacknowledged urgent notification of department $1 goes to at $2: the deputies (备班) on duty, or when
-- there is none, the department's leaders on duty, or else its leaders by role.
WITH deputy AS (
  SELECT s.user_id FROM duty_shift s JOIN app_user u ON u.id = s.user_id AND u.disabled_at IS NULL
   WHERE s.cancelled_at IS NULL AND s.department_id = $1 AND s.duty_role = 'deputy' AND s.starts_at <= $2 AND s.ends_at > $2
),
duty_leader AS (
  SELECT s.user_id FROM duty_shift s JOIN app_user u ON u.id = s.user_id AND u.disabled_at IS NULL
   WHERE s.cancelled_at IS NULL AND s.department_id = $1 AND s.duty_role = 'leader' AND s.starts_at <= $2 AND s.ends_at > $2
     AND NOT EXISTS (SELECT 1 FROM deputy)
),
role_leader AS (
  SELECT u.id AS user_id FROM app_user u
   WHERE u.department_id = $1 AND u.role = 'leader' AND u.disabled_at IS NULL AND u.kind = 'person'
     AND NOT EXISTS (SELECT 1 FROM deputy) AND NOT EXISTS (SELECT 1 FROM duty_leader)
),
chosen AS (SELECT user_id FROM deputy UNION SELECT user_id FROM duty_leader UNION SELECT user_id FROM role_leader)
SELECT ch.user_id, $1::text AS department_id, 'escalation' AS reason, $3::uuid AS escalated_from, c.phone, c.email
  FROM chosen ch
  LEFT JOIN notify_contact c ON c.user_id = ch.user_id
