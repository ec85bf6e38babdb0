-- The messages of the CAP feed: every current message (alerts, updates and cancel notices) not yet expired.
SELECT * FROM public_warning_wire
 WHERE state = 'active' AND expires_at > now()
 ORDER BY sent_at DESC, id
