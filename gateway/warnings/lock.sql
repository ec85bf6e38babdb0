-- The message an update or cancel refers to, locked for the rest of the transaction.
SELECT id, state, msg_type, expires_at <= now() AS due FROM public_warning WHERE id = $1::uuid FOR UPDATE
