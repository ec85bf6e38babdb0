-- Locks case $1 for one workflow event, when the actor's scope holds it.
SELECT c.id FROM city_case c WHERE c.id = $1 AND $scope FOR UPDATE OF c
