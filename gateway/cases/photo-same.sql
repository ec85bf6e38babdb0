-- The photo already stored for the same bytes ($3), uploader ($1), stage ($2) and case ($4, 0 for none).
SELECT id, case_id, stage, width, height, exif_lon, exif_lat, taken_at, uploaded_at, uploader_id
  FROM case_photo
 WHERE uploader_id = $1 AND stage = $2 AND sha256 = $3 AND COALESCE(case_id, 0) = $4
