-- The changes logged after $1 and at or before $2, after sequence $3, in sequence order, at most $4, leaving out
-- the topics $5.
SELECT seq, topic, entity, at, district, payload FROM change_log
 WHERE seq > $3 AND at > $1 AND at <= $2 AND topic <> ALL ($5::text[])
 ORDER BY seq
 LIMIT $4
