-- Open cases of 小类 $3 within $4 metres of ($1, $2) that the scope holds, nearest first, with their first report photo.
-- "Open" names the final states as the partial geography index of migration 041 does, so that index serves it.
SELECT c.id, c.code, c.state, c.category_code, c.description, c.reported_at,
       ST_Distance(c.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS distance_m,
       (SELECT p.id FROM case_photo p WHERE p.case_id = c.id AND p.stage = 'report' ORDER BY p.id LIMIT 1) AS first_photo
  FROM city_case c
 WHERE c.state NOT IN ('closed', 'rejected', 'voided') AND c.category_code = $3
   AND ST_DWithin(c.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $4)
   AND $scope
 ORDER BY distance_m, c.id
 LIMIT 20
