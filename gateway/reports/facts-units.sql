-- Units at work on the response's incidents now, by type and status.
SELECT u.type, u.status, count(*)::int AS n
  FROM unit u
 WHERE u.incident_id = ANY ($1::bigint[])
 GROUP BY u.type, u.status
