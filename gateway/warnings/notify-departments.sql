-- Who is paged for a warning: the command centre, the active departments of the hazard's kinds, and the active
-- departments of the districts it covers.
SELECT id FROM department
 WHERE active AND (kind = 'command' OR kind = ANY($1::text[]) OR district_adcode = ANY($2::text[]))
 ORDER BY id
