-- Warnings in force now (Cancel notices are not warnings), most severe first, then newest first.
SELECT * FROM public_warning_wire
 WHERE state = 'active' AND msg_type <> 'Cancel' AND expires_at > now()
 ORDER BY array_position(ARRAY['red', 'orange', 'yellow', 'blue'], level), sent_at DESC, id
