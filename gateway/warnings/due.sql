-- Messages whose expiry has passed and that are still marked in force (another gateway may be expiring some).
SELECT id FROM public_warning
 WHERE state = 'active' AND expires_at <= now()
 ORDER BY expires_at, id
 LIMIT 200
   FOR UPDATE SKIP LOCKED
