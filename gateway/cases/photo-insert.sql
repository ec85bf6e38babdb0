-- One stored photo; nothing when the same upload raced in first (the caller then reads that one).
INSERT INTO case_photo (case_id, stage, uploader_id, uploader_name, sha256, format, bytes, width, height, exif_lon,
    exif_lat, taken_at, original_path, view_path, thumb_path, uploaded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
ON CONFLICT DO NOTHING
RETURNING id, case_id, stage, width, height, exif_lon, exif_lat, taken_at, uploaded_at, uploader_id
