-- Replay (复盘) reads the state at a past time: the newest version of each entity logged before it. This index lets
-- it walk the entities and find each one's version without reading the whole log.
CREATE INDEX IF NOT EXISTS change_log_entity ON change_log (topic, entity, seq);
