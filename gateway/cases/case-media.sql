-- The photo or video address a channel sent with the case (Open311 GeoReport media_url), if any.
SELECT media_url FROM open311_request WHERE case_id = $1
