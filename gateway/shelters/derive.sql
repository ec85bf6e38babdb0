-- Shelters derived from the imported city data (rules and figures: data/shelters/README.md). Deterministic: the
-- same city data gives the same rows and ids; re-running updates derived rows in place (keeping their opening
-- state and occupancy), removes derived rows whose source feature is gone and never touches registered rows.
-- $1 m² per person in civil-air-defence works, $2 m² per person in open space, $3 usable m² of a bunker,
-- $4 usable m² of a metro station, $5 smallest open space (m² of effective area) that counts.
WITH
underground AS (
  -- OSM bunkers (military=bunker / building=bunker), as the city data tags them.
  SELECT 'osm-' || replace(p.id, '/', '-') AS id,
         coalesce(nullif(p.name, ''), '人防工事 ' || split_part(p.id, '/', 2)) AS name,
         'civil_defence' AS kind, $3::float8 AS area_m2, p.id AS source_ref, p.geom, NULL::geometry AS footprint
    FROM poi p WHERE p.category = 'shelter_bunker_civil_defence'
  UNION ALL
  -- Metro stations of lines 1–3: rail stations within 80 m of a subway track, not run by China Railway; one per name.
  (SELECT DISTINCT ON (p.name) 'osm-' || replace(p.id, '/', '-'), '地铁' || p.name || '站', 'metro', $4::float8, p.id, p.geom, NULL::geometry
    FROM poi p
   WHERE p.category = 'transport_rail_station' AND p.name <> ''
     AND coalesce(p.props ->> 'operator', '') NOT LIKE '中国铁路%'
     AND EXISTS (SELECT 1 FROM base_feature r
                  WHERE r.layer = 'railway' AND r.kind = 'subway'
                    AND ST_DWithin(r.geom::geography, p.geom::geography, 80))
   ORDER BY p.name, p.id)
  UNION ALL
  -- Car parks mapped as underground (by name: the imported layer carries no parking=underground tag).
  SELECT 'osm-' || replace(l.source_id, '/', '-'), l.name, 'underground_parking', ST_Area(l.geom::geography), l.source_id,
         ST_PointOnSurface(l.geom), ST_Multi(l.geom)
    FROM base_feature l
   WHERE l.layer = 'landuse' AND l.kind = 'amenity=parking' AND l.name LIKE '%地下%'
),
open_raw AS (
  SELECT l.source_id, l.name, l.geom,
         CASE
           WHEN l.name LIKE '%广场' AND l.kind IN ('leisure=park', 'leisure=garden', 'leisure=pitch', 'landuse=recreation_ground', 'landuse=grass', 'landuse=tourism') THEN 'square'
           WHEN l.kind IN ('leisure=park', 'leisure=garden', 'landuse=recreation_ground') THEN 'park'
           WHEN l.kind IN ('leisure=stadium', 'leisure=sports_centre') THEN 'stadium'
           WHEN l.kind IN ('amenity=school', 'amenity=college', 'amenity=university') THEN 'school_ground'
         END AS kind
    FROM base_feature l
   WHERE l.layer = 'landuse' AND ST_GeometryType(l.geom) IN ('ST_Polygon', 'ST_MultiPolygon')
  UNION ALL
  SELECT a.source_id, a.name, a.geom,
         CASE WHEN a.kind = 'open_space_stadium' THEN 'stadium' ELSE 'school_ground' END
    FROM base_feature a
   WHERE a.layer = 'poi_area' AND a.kind IN ('open_space_stadium', 'education_school', 'education_college', 'education_university')
),
open_one AS (
  -- A feature in both the land-use and the POI-area layer counts once.
  SELECT DISTINCT ON (source_id) * FROM open_raw WHERE kind IS NOT NULL ORDER BY source_id, kind
),
open_sized AS (
  SELECT o.*, ST_Area(o.geom::geography) AS area_m2,
         ST_Area(o.geom::geography) * CASE o.kind WHEN 'square' THEN 0.8 WHEN 'park' THEN 0.5 WHEN 'stadium' THEN 0.5 ELSE 0.25 END AS effective_m2
    FROM open_one o
),
open_space AS (
  -- A space lying mostly (over half) inside a larger candidate is part of it (a pitch in a park, a school
  -- mapped twice); the larger one stands for both. Equal sizes: the smaller source id wins.
  SELECT s.* FROM open_sized s
   WHERE s.effective_m2 >= $5
     AND NOT EXISTS (
       SELECT 1 FROM open_sized b
        WHERE b.source_id <> s.source_id AND b.effective_m2 >= $5
          AND (b.area_m2 > s.area_m2 OR (b.area_m2 = s.area_m2 AND b.source_id < s.source_id))
          AND ST_Intersects(b.geom, s.geom)
          AND ST_Area(ST_Intersection(b.geom, s.geom)::geography) > 0.5 * s.area_m2)
),
candidates AS (
  SELECT u.id, u.name, u.kind, 'underground' AS category, u.area_m2,
         floor(u.area_m2 / $1)::int AS capacity,
         format('人防工程：可用面积 %s m² ÷ %s m²/人', round(u.area_m2::numeric), $1) AS capacity_rule,
         u.source_ref, u.geom, u.footprint
    FROM underground u
  UNION ALL
  SELECT 'osm-' || replace(o.source_id, '/', '-'),
         coalesce(nullif(o.name, ''), CASE o.kind WHEN 'park' THEN '公园绿地' WHEN 'square' THEN '广场' WHEN 'stadium' THEN '体育场' ELSE '学校操场' END
                  || ' ' || split_part(o.source_id, '/', 2)),
         o.kind, 'open_space', o.effective_m2, floor(o.effective_m2 / $2)::int,
         format('应急避难场所：占地 %s m² × 有效系数 %s ÷ %s m²/人', round(o.area_m2::numeric),
                CASE o.kind WHEN 'square' THEN 0.8 WHEN 'park' THEN 0.5 WHEN 'stadium' THEN 0.5 ELSE 0.25 END, $2),
         o.source_id, ST_PointOnSurface(o.geom), ST_Multi(ST_CollectionExtract(ST_MakeValid(o.geom), 3))
    FROM open_space o
),
placed AS (
  SELECT c.*, s.code AS street_code, s.district_adcode
    FROM candidates c
    LEFT JOIN LATERAL (SELECT code, district_adcode FROM street WHERE ST_Intersects(street.geom, c.geom) ORDER BY code LIMIT 1) s ON true
),
gone AS (
  DELETE FROM shelter WHERE origin = 'derived' AND id NOT IN (SELECT id FROM placed) RETURNING id
),
upserted AS (
  INSERT INTO shelter (id, name, kind, category, origin, area_m2, capacity, capacity_rule, district_adcode, street_code,
                       source_ref, geom, footprint)
  SELECT id, left(name, 120), kind, category, 'derived', area_m2, capacity, capacity_rule, district_adcode, street_code,
         source_ref, geom, footprint
    FROM placed
  ON CONFLICT (id) DO UPDATE
    SET name = EXCLUDED.name, kind = EXCLUDED.kind, category = EXCLUDED.category, area_m2 = EXCLUDED.area_m2,
        capacity = EXCLUDED.capacity, capacity_rule = EXCLUDED.capacity_rule, district_adcode = EXCLUDED.district_adcode,
        street_code = EXCLUDED.street_code, source_ref = EXCLUDED.source_ref, geom = EXCLUDED.geom,
        footprint = EXCLUDED.footprint
    WHERE shelter.origin = 'derived'
  RETURNING id
)
SELECT (SELECT count(*) FROM upserted)::int AS derived, (SELECT count(*) FROM gone)::int AS removed
