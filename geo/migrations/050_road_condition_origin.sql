-- Road conditions placed from an agency record (a traffic-police closure, a waterlogging report) name that record,
-- so they are lifted when its incident ends; `cleared_reason` says why a condition was lifted.
ALTER TABLE road_condition
  ADD COLUMN feed_record_id bigint REFERENCES feed_record (id),
  ADD COLUMN cleared_reason text;
CREATE INDEX road_condition_feed_record ON road_condition (feed_record_id) WHERE cleared_at IS NULL;
