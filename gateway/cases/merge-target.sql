-- The case a duplicate is merged into (作废 with duplicateOf).
SELECT code, state FROM city_case WHERE id = $1
