-- The state of case $1, when the scope holds it (a photo is uploaded only onto a case the uploader may see).
SELECT c.state FROM city_case c WHERE c.id = $1 AND $scope
