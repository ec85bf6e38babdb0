-- The responses the reports page lists: every active one and those ended in the last 7 days (whose 终报 may be due).
SELECT id, plan_id, plan_title, level, status, drill, started_at, ended_at
  FROM emergency_response
 WHERE status = 'active' OR ended_at > now() - interval '7 days'
 ORDER BY status, started_at DESC
 LIMIT 100
