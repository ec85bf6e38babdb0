-- Reports upward with their delivery, for one report ($1), or for the responses $2 (newest drafts last).
SELECT r.id, r.response_id, r.kind, r.number, r.state, r.title, r.body, r.drill, r.drafted_by, r.drafted_at,
       r.edited_by, r.edited_at, r.approved_by, r.approved_at, r.queued_at, r.sent_at, r.version,
       d.attempts, d.last_error, d.next_attempt_at, d.state AS delivery_state
  FROM upward_report r
  LEFT JOIN upward_report_delivery d ON d.report_id = r.id
 WHERE ($1::uuid IS NOT NULL AND r.id = $1) OR ($1::uuid IS NULL AND r.response_id = ANY ($2::uuid[]))
 ORDER BY r.drafted_at, r.id
