-- A message leaves force: superseded by an update, cancelled, or expired.
UPDATE public_warning SET state = $2, ended_at = now(), seq = $3 WHERE id = $1::uuid AND state = 'active'
