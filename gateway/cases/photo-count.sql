-- How many photos of stage $2 case $1 holds, uploaded since $3 (every one when $3 is null).
SELECT count(*) AS n
  FROM case_photo
 WHERE case_id = $1 AND stage = $2 AND ($3::timestamptz IS NULL OR uploaded_at >= $3)
