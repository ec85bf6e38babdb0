-- The case list: how many cases match, and the ids of one page of them, the latest changed first.
--   $1  state: 'open' (not closed, rejected or voided: the partial indexes of migration 041), 'all', or one state
--   $2  kind   $3 小类 code   $4 district code   $5 department id   (each: null for any)
--   $6–$9  bbox west, south, east, north (null for anywhere)
--   $10 only the verification and check tasks of this inspector (null for everyone's)
--   $11 SLA status: 'normal', 'warning', 'overdue', 'suspended' of a running clock (null for any)   $12 now
--   $13 page size   $14 offset   then the viewer's case scope
WITH hit AS (
  SELECT c.id, c.updated_at
    FROM city_case c
   WHERE ($1::text = 'all'
          OR ($1::text = 'open' AND c.state NOT IN ('closed', 'rejected', 'voided'))
          OR ($1::text NOT IN ('open', 'all') AND c.state = $1::text))
     AND ($2::text IS NULL OR c.kind = $2::text)
     AND ($3::text IS NULL OR c.category_code = $3::text)
     AND ($4::text IS NULL OR c.district_code = $4::text)
     AND ($5::text IS NULL OR c.department_id = $5::text)
     AND ($6::float8 IS NULL OR c.geom && ST_MakeEnvelope($6::float8, $7::float8, $8::float8, $9::float8, 4326))
     AND ($10::text IS NULL OR (c.inspector_id = $10::text AND c.state IN ('verifying', 'checking')))
     AND ($11::text IS NULL OR (c.sla_started_at IS NOT NULL AND c.sla_done_at IS NULL AND CASE $11::text
          WHEN 'suspended' THEN c.sla_suspended_at IS NOT NULL
          WHEN 'overdue' THEN c.sla_suspended_at IS NULL AND c.sla_deadline <= $12::timestamptz
          WHEN 'warning' THEN c.sla_suspended_at IS NULL AND c.sla_warn_at <= $12::timestamptz
                              AND c.sla_deadline > $12::timestamptz
          ELSE c.sla_suspended_at IS NULL AND c.sla_warn_at > $12::timestamptz END))
     AND $scope
)
SELECT (SELECT count(*) FROM hit) AS total,
       ARRAY(SELECT id FROM hit ORDER BY updated_at DESC, id DESC LIMIT $13 OFFSET $14) AS ids
