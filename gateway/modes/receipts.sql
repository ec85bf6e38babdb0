-- Orders with a receipt clock (命令与回执计时): open ones, and those received within the last $1 minutes.
-- Units: each assignment to an incident (unit_order, kept by a trigger), received when the unit moves on.
SELECT 'unit' AS kind, o.id::text AS id, u.callsign AS recipient,
       '警情 #' || i.id || ' ' || i.title AS about, o.issued_at, o.received_at, i.drill
  FROM unit_order o
  JOIN unit u ON u.id = o.unit_id
  JOIN incident i ON i.id = o.incident_id
 WHERE (o.ended_at IS NULL AND o.received_at IS NULL) OR o.received_at > now() - make_interval(mins => $1::int)
UNION ALL
-- Cases: the latest dispatch to a department, received when the department takes it (签收) or sends it back (回退).
SELECT 'department', c.id::text, d.name, '案件 ' || c.code || ' ' || left(c.description, 40), c.dispatched_at,
       r.at, c.drill
  FROM city_case c
  JOIN department d ON d.id = c.department_id
  LEFT JOIN LATERAL (
    SELECT min(s.at) AS at FROM case_step s
     WHERE s.case_id = c.id AND s.from_state = 'dispatched' AND s.event IN ('take', 'return') AND s.at >= c.dispatched_at
  ) r ON true
 WHERE c.dispatched_at IS NOT NULL
   AND (c.state = 'dispatched' OR (c.dispatched_at > now() - interval '1 day' AND r.at > now() - make_interval(mins => $1::int)))
UNION ALL
-- Response tasks: issued to a department, received when it signs for them.
SELECT 'task', t.id::text, d.name, t.title, t.created_at, coalesce(t.received_at, t.acknowledged_at), r.drill
  FROM response_task t
  JOIN department d ON d.id = t.department_id
  JOIN emergency_response r ON r.id = t.response_id
 WHERE t.state <> 'cancelled'
   AND (t.state = 'issued' OR coalesce(t.received_at, t.acknowledged_at) > now() - make_interval(mins => $1::int))
