-- What a warning may name: every district, and every street with its district.
SELECT 'district' AS kind, adcode AS code, name, adcode AS district_code FROM district
UNION ALL
SELECT 'street', code, name, district_adcode FROM street
 ORDER BY 1, 4, 2
