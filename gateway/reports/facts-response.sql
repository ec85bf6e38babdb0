-- The response a report is about, with its level steps in order.
SELECT r.id, r.plan_id, r.plan_title, r.level, r.status, r.drill, r.incident_ids::text[] AS incident_ids, r.reason,
       r.declared_by, r.started_at, r.ended_at, r.end_note,
       coalesce((SELECT json_agg(json_build_object('action', s.action, 'from', s.level_from, 'to', s.level_to,
                                                   'actor', s.actor, 'reason', s.reason, 'at', s.at) ORDER BY s.id)
                   FROM response_step s WHERE s.response_id = r.id), '[]') AS steps
  FROM emergency_response r
 WHERE r.id = $1
