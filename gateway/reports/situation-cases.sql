-- Open city-management cases per unit grid cell inside the area ($1 district, $2 street; null: any), and of them
-- those past their 处置时限 (deadline passed, no feedback yet).
SELECT district_code, street_code, grid_code,
       count(*)::int AS open,
       count(*) FILTER (WHERE sla_deadline < now() AND sla_done_at IS NULL)::int AS overdue
  FROM city_case
 WHERE state NOT IN ('closed', 'rejected', 'voided')
   AND ($1::text IS NULL OR district_code = $1)
   AND ($2::text IS NULL OR street_code = $2)
 GROUP BY district_code, street_code, grid_code
