-- The stored files of photo $1 when viewer $2 may see it: their own upload, or a photo of a case the scope holds.
SELECT p.case_id, p.uploader_id, p.format, p.original_path, p.view_path, p.thumb_path
  FROM case_photo p
  LEFT JOIN city_case c ON c.id = p.case_id
 WHERE p.id = $1 AND (p.uploader_id = $2 OR (p.case_id IS NOT NULL AND $scope))
