-- The cases of the ids in $1 that the scope holds, in one row shape (CaseRow of store.ts), the latest changed first.
SELECT c.id, c.code, c.state, c.kind, c.category_code, c.major_code, c.description,
       ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, c.address, c.district_code, c.district_name, c.street_code, c.street_name,
       c.grid_code, c.community, c.channel, c.reporter_id, c.reporter_name, c.contact, c.department_id,
       d.name AS department_name, c.inspector_id, c.urgent, c.supervision, c.rework_count, c.extension_count,
       c.check_passed, c.pending_extension, c.limit_amount, c.limit_unit, c.sla_started_at, c.sla_deadline, c.sla_warn_at,
       c.sla_suspended_at, c.sla_note, c.sla_done_at, c.on_time, c.reported_at, c.filed_at, c.closed_at, c.updated_at,
       c.dispatched_at, c.first_dispatched_at, c.first_dispatched_by, c.check_requested_at,
       (SELECT p.id FROM case_photo p WHERE p.case_id = c.id AND p.stage = 'report' ORDER BY p.id LIMIT 1) AS first_photo
  FROM city_case c LEFT JOIN department d ON d.id = c.department_id
 WHERE c.id = ANY($1::bigint[]) AND $scope
 ORDER BY c.updated_at DESC, c.id DESC
