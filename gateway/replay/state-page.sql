-- The state at a time: the newest version, logged at or before $1, of each (topic, entity) after the cursor
-- ($2, $3), at most $4 of them, leaving out the topics $5. The entities are walked one by one along the index
-- change_log_entity (a loose index scan), so a page costs as many index probes as it has entries, however long
-- the log before it is.
WITH RECURSIVE keys AS (
  (SELECT c.topic, c.entity FROM change_log c
    WHERE (c.topic, c.entity) > ($2::text, $3::text) AND c.topic <> ALL ($5::text[])
    ORDER BY c.topic, c.entity
    LIMIT 1)
  UNION ALL
  SELECT n.topic, n.entity FROM keys k
   CROSS JOIN LATERAL (
     SELECT c.topic, c.entity FROM change_log c
      WHERE (c.topic, c.entity) > (k.topic, k.entity) AND c.topic <> ALL ($5::text[])
      ORDER BY c.topic, c.entity
      LIMIT 1) n
)
SELECT v.seq, v.topic, v.entity, v.at, v.district, v.payload, k.topic AS key_topic, k.entity AS key_entity
  FROM (SELECT topic, entity FROM keys LIMIT $4) k
  LEFT JOIN LATERAL (
    SELECT c.seq, c.topic, c.entity, c.at, c.district, c.payload FROM change_log c
     WHERE c.topic = k.topic AND c.entity = k.entity AND c.at <= $1
     ORDER BY c.seq DESC
     LIMIT 1) v ON true
 ORDER BY k.topic, k.entity
