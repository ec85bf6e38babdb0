-- One step of a case's history: the event, the states from → to, who and when, the note and the event's details.
INSERT INTO case_step (case_id, event, from_state, to_state, at, actor_id, actor_name, actor_role, note, data)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
