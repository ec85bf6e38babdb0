-- Indexes for case queues, duplicate suggestion and evaluation. The evaluation reads every case filed in a
-- period in one pass with GROUP BY GROUPING SETS (gateway/cases/evaluation.ts): the index on filed_at, carrying the
-- columns it counts and groups by, bounds that pass to the period (500,000 cases in about half a second, see
-- scripts/bench/cases.ts (and test/integration/case-evaluation-totals.test.ts for the totals)).
CREATE INDEX city_case_open ON city_case (state, updated_at DESC)
  WHERE state NOT IN ('closed', 'rejected', 'voided');
CREATE INDEX city_case_geog_open ON city_case USING gist ((geom::geography))
  WHERE state NOT IN ('closed', 'rejected', 'voided');
CREATE INDEX city_case_department ON city_case (department_id, state);
CREATE INDEX city_case_reporter ON city_case (reporter_id);
CREATE INDEX city_case_grid ON city_case (grid_code text_pattern_ops);
CREATE INDEX city_case_reported ON city_case (reported_at);
CREATE INDEX city_case_filed ON city_case (filed_at)
  INCLUDE (closed_at, on_time, rework_count, extension_count, sla_deadline, district_code, street_code, grid_code,
           department_id, category_code, channel)
  WHERE filed_at IS NOT NULL;
