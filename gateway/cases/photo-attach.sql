-- Attaches photos $2 of stage $4, uploaded by $3 and not yet on another case, to case $1; returns the ids attached.
UPDATE case_photo SET case_id = $1
 WHERE id = ANY($2::bigint[]) AND uploader_id = $3 AND stage = $4 AND (case_id IS NULL OR case_id = $1)
RETURNING id
