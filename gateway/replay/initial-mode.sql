-- The mode before the first logged mode change, when none was logged at or before $1: the mode row as the
-- platform started with it (never changed: seq 0), else the state the migration set.
SELECT CASE WHEN m.seq = 0 THEN m.mode ELSE 'daily' END AS mode,
       CASE WHEN m.seq = 0 THEN m.drill ELSE false END AS drill,
       CASE WHEN m.seq = 0 THEN m.reason ELSE '系统初始状态' END AS reason,
       m.changed_at
  FROM system_mode m
 WHERE m.id = 1
   AND NOT EXISTS (SELECT 1 FROM change_log c WHERE c.topic = 'mode' AND c.at <= $1)
