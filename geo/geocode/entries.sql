-- Every searchable name of the base data, one row per candidate the geocoder can return.
-- Columns: kind, category, name, variants (jsonb: field -> text or array of texts), lon, lat (WGS-84) and bbox
-- [west, south, east, north] for streets and districts. The district of each row is found in memory by the
-- Locator, the same way a located incident gets its district.
WITH shapes AS (
  -- Roads: one candidate per distinct name, however many OSM ways carry it.
  SELECT 'road' AS kind, name, highway AS category, class_rank AS rank, props, geom
  FROM road WHERE name <> ''
  UNION ALL
  -- Named water (the 松花江 and its tributaries, lakes), parks and residential compounds (小区), which incident
  -- reports often name; shown as places. Other landuse names mostly repeat POIs and are left out.
  SELECT 'place', name,
         CASE WHEN layer IN ('water_area', 'waterway') THEN 'water'
              WHEN kind = 'leisure=park' THEN 'park'
              ELSE 'residential' END,
         NULL::int, props, geom
  FROM base_feature
  WHERE name <> ''
    AND (layer IN ('water_area', 'waterway') OR (layer = 'landuse' AND kind IN ('leisure=park', 'landuse=residential')))
),
-- Lines of one name are merged first, so that a road's "longest part" is a continuous stretch, not one OSM way.
parts AS (
  SELECT m.kind, m.name, d.geom AS part
  FROM (SELECT kind, name, ST_LineMerge(ST_Collect(geom)) AS merged
        FROM shapes WHERE GeometryType(geom) IN ('LINESTRING', 'MULTILINESTRING')
        GROUP BY kind, name) m
  CROSS JOIN LATERAL ST_Dump(m.merged) d
  UNION ALL
  SELECT s.kind, s.name, d.geom
  FROM shapes s CROSS JOIN LATERAL ST_Dump(s.geom) d
  WHERE GeometryType(s.geom) IN ('POLYGON', 'MULTIPOLYGON')
),
-- The representative point: inside the largest polygon if the name has any, else the middle of the longest line.
points AS (
  SELECT DISTINCT ON (kind, name) kind, name,
         CASE WHEN GeometryType(part) = 'POLYGON' THEN ST_PointOnSurface(part) ELSE ST_LineInterpolatePoint(part, 0.5) END AS pt
  FROM parts
  WHERE GeometryType(part) IN ('POLYGON', 'LINESTRING')
  ORDER BY kind, name, GeometryType(part) = 'POLYGON' DESC,
           CASE WHEN GeometryType(part) = 'POLYGON' THEN ST_Area(part::geography) ELSE ST_Length(part::geography) END DESC
),
-- Category and aliases of a name group: the class of its most important way, every distinct alias of its ways.
meta AS (
  SELECT kind, name, (array_agg(category ORDER BY rank NULLS LAST, category))[1] AS category,
         jsonb_build_object(
           'osm_name', jsonb_agg(DISTINCT props->>'name') FILTER (WHERE props->>'name' <> name),
           'alt_name', jsonb_agg(DISTINCT props->>'alt_name') FILTER (WHERE props ? 'alt_name'),
           'name_en', jsonb_agg(DISTINCT props->>'name_en') FILTER (WHERE props ? 'name_en'),
           'name_ru', jsonb_agg(DISTINCT props->>'name_ru') FILTER (WHERE props ? 'name_ru')
         ) AS variants
  FROM shapes GROUP BY kind, name
)
SELECT m.kind, m.category, m.name, m.variants, ST_X(p.pt) AS lon, ST_Y(p.pt) AS lat, NULL::float8[] AS bbox
FROM meta m JOIN points p USING (kind, name)
UNION ALL
SELECT 'poi', category, name,
       jsonb_build_object('name_zh', props->>'name_zh', 'osm_name', props->>'name', 'alt_name', props->>'alt_name',
                          'name_en', props->>'name_en', 'name_ru', props->>'name_ru'),
       ST_X(geom), ST_Y(geom), NULL
FROM poi WHERE name <> ''
UNION ALL
-- Areas are placed at their centroid when it lies inside them, else at a point on their surface; their bbox
-- lets a map fit the whole area. Many 街道 are recorded as their office (…街道办事处); the short form is what people type.
SELECT 'street', NULL, name,
       jsonb_build_object('short_name', NULLIF(regexp_replace(name, '办事处$', ''), name), 'name_en', name_en),
       ST_X(pt), ST_Y(pt), bbox
FROM (SELECT name, name_en, geom, ST_Centroid(geom) AS c,
             ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)] AS bbox FROM street) s
     CROSS JOIN LATERAL (SELECT CASE WHEN ST_Intersects(s.geom, s.c) THEN s.c ELSE ST_PointOnSurface(s.geom) END AS pt) l
UNION ALL
SELECT 'district', kind, name, '{}'::jsonb, ST_X(pt), ST_Y(pt), bbox
FROM (SELECT name, kind, geom, ST_Centroid(geom) AS c,
             ARRAY[ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)] AS bbox FROM district) d
     CROSS JOIN LATERAL (SELECT CASE WHEN ST_Intersects(d.geom, d.c) THEN d.c ELSE ST_PointOnSurface(d.geom) END AS pt) l
UNION ALL
SELECT 'place', kind, name,
       jsonb_build_object('name_zh', props->>'name_zh', 'osm_name', props->>'name', 'alt_name', props->>'alt_name',
                          'name_en', props->>'name_en', 'name_ru', props->>'name_ru'),
       ST_X(pt), ST_Y(pt), NULL
FROM (SELECT name, kind, props, ST_PointOnSurface(geom) AS pt FROM base_feature WHERE layer = 'place' AND name <> '') pl
