-- The workflow steps of case $1, oldest first.
SELECT id, event, from_state, to_state, at, actor_id, actor_name, actor_role, note, data
  FROM case_step
 WHERE case_id = $1
 ORDER BY id
