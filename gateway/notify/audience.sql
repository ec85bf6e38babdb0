-- Who a notification reaches at time $3: the named users ($2), and for each department ($1) whoever is on duty
-- (带班领导 and 值班员; deputies only by escalation), or, when nobody is, its active handlers, leaders and the
-- command centre's operators. One row per person; a person named directly keeps reason 'direct'.
WITH on_duty AS (
  SELECT DISTINCT s.department_id, s.user_id
    FROM duty_shift s
    JOIN app_user u ON u.id = s.user_id AND u.disabled_at IS NULL
   WHERE s.cancelled_at IS NULL
     AND s.department_id = ANY ($1::text[])
     AND s.duty_role IN ('leader', 'officer')
     AND s.starts_at <= $3 AND s.ends_at > $3
),
fallback AS (
  SELECT u.department_id, u.id AS user_id
    FROM app_user u
   WHERE u.department_id = ANY ($1::text[])
     AND u.disabled_at IS NULL AND u.kind = 'person'
     AND u.role IN ('handler', 'leader', 'commander', 'dispatcher')
     AND NOT EXISTS (SELECT 1 FROM on_duty d WHERE d.department_id = u.department_id)
),
named AS (
  SELECT u.department_id, u.id AS user_id
    FROM app_user u
   WHERE u.id = ANY ($2::uuid[]) AND u.disabled_at IS NULL AND u.kind = 'person'
),
everyone AS (
  SELECT department_id, user_id, 'direct' AS reason, 0 AS rank FROM named
  UNION ALL SELECT department_id, user_id, 'duty', 1 FROM on_duty
  UNION ALL SELECT department_id, user_id, 'fallback', 2 FROM fallback
)
SELECT DISTINCT ON (e.user_id) e.user_id, e.department_id, e.reason, c.phone, c.email
  FROM everyone e
  LEFT JOIN notify_contact c ON c.user_id = e.user_id
 ORDER BY e.user_id, e.rank
