-- The photos of case $1 (PhotoRow of store.ts), in upload order.
SELECT id, case_id, stage, width, height, exif_lon, exif_lat, taken_at, uploaded_at, uploader_id
  FROM case_photo
 WHERE case_id = $1
 ORDER BY id
