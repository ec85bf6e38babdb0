-- How far the plan-trigger matcher (gateway/responses/suggestions.ts) has read the change log. A gateway that dies
-- between committing a change and matching it leaves the change after this point, and the next matcher (another
-- gateway, or this one restarted) takes it up. Starts at the log's head: history from before the matcher existed
-- is not matched again.
CREATE TABLE response_trigger_cursor (
  id  int PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL CHECK (seq >= 0)
);
INSERT INTO response_trigger_cursor (id, seq) SELECT 1, coalesce(max(seq), 0) FROM change_log;
