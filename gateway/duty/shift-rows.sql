-- Shifts with their department and person: those covering $1 (when $1 is set), or overlapping [$2, $3), of
-- department $4 (when set), or the shifts $5 (when set); cancelled ones only when asked for by id.
SELECT s.id, s.department_id, d.name AS department_name, s.user_id, u.display_name AS user_name, s.duty_role,
       s.starts_at, s.ends_at, s.note, s.cancelled_at
  FROM duty_shift s
  JOIN department d ON d.id = s.department_id
  JOIN app_user u ON u.id = s.user_id
 WHERE ($5::uuid[] IS NOT NULL OR s.cancelled_at IS NULL)
   AND ($1::timestamptz IS NULL OR (s.starts_at <= $1 AND s.ends_at > $1))
   AND ($2::timestamptz IS NULL OR s.ends_at > $2)
   AND ($3::timestamptz IS NULL OR s.starts_at < $3)
   AND ($4::text IS NULL OR s.department_id = $4)
   AND ($5::uuid[] IS NULL OR s.id = ANY ($5))
 ORDER BY (s.department_id <> 'command-center'), d.name, s.starts_at,
          array_position(ARRAY['leader', 'officer', 'deputy'], s.duty_role), u.display_name
 LIMIT 5000
