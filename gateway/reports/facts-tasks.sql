-- The response's department tasks with the department's name, overdue ones first.
SELECT t.title, t.role, t.state, t.overdue, t.due_at, t.done_at, coalesce(d.name, t.department_id) AS department
  FROM response_task t
  LEFT JOIN department d ON d.id = t.department_id
 WHERE t.response_id = $1
 ORDER BY (t.overdue = 'red') DESC, (t.overdue = 'amber') DESC, t.role, t.due_at
