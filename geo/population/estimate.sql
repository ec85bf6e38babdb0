-- Night and day population of every unit-grid cell, estimated from building footprints, levels and land use and
-- calibrated per district to published census figures (assumptions and figures: geo/population/README.md).
-- Cells whose figures were imported as official keep them. Deterministic; re-running rewrites every estimate.
-- Reads population_landuse (geo/population/landuse.sql, made in the same transaction).
-- $1 jsonb of the parameters (see geo/population/assumptions.ts), $2 district adcodes, $3 their target populations.
WITH
p AS (SELECT $1::jsonb AS j),
b AS MATERIALIZED (
  SELECT bf.source_id, bf.kind, ST_Area(bf.geom::geography) AS foot_m2, ST_PointOnSurface(bf.geom) AS pt,
         coalesce(
           nullif(substring(bf.props ->> 'building_levels' FROM '^[0-9]+(?:\.[0-9]+)?'), '')::float8,
           nullif(substring(bf.props ->> 'height' FROM '^[0-9]+(?:\.[0-9]+)?'), '')::float8 / 3.0) AS levels_tagged
    FROM base_feature bf
   WHERE bf.layer = 'building' AND bf.kind NOT IN ('no', 'roof', 'greenhouse', 'garage', 'garages', 'construction', 'grandstand')
),
typed AS (
  SELECT b.*,
         CASE
           WHEN b.kind IN ('apartments', 'residential', 'house', 'bungalow') THEN 'home'
           WHEN b.kind IN ('dormitory', 'school;dormitory') THEN 'dormitory'
           WHEN b.kind IN ('office', 'commercial', 'retail', 'hotel') THEN 'work'
           WHEN b.kind IN ('school', 'kindergarten') THEN 'school'
           WHEN b.kind IN ('university', 'college') THEN 'university'
           WHEN b.kind = 'hospital' THEN 'hospital'
           WHEN b.kind IN ('industrial', 'warehouse') THEN 'industry'
           WHEN b.kind = 'yes' THEN
             CASE (SELECT lu.kind FROM population_landuse lu WHERE ST_Intersects(lu.geom, b.pt) ORDER BY lu.kind LIMIT 1)
               WHEN 'landuse=residential' THEN 'home'
               WHEN 'landuse=commercial' THEN 'work'
               WHEN 'landuse=retail' THEN 'work'
               WHEN 'landuse=industrial' THEN 'industry'
               WHEN 'amenity=hospital' THEN 'hospital'
               WHEN 'amenity=university' THEN 'university'
               WHEN 'amenity=college' THEN 'university'
               WHEN 'amenity=school' THEN 'school'
               WHEN 'amenity=kindergarten' THEN 'school'
               ELSE 'other'
             END
           ELSE 'other'
         END AS use
    FROM b
),
floors AS (
  SELECT t.use, t.pt, t.foot_m2,
         t.foot_m2 * greatest(1, least(80, coalesce(t.levels_tagged, ((SELECT j FROM p) -> 'defaultLevels' ->> t.use)::float8))) AS floor_m2
    FROM typed t
),
per_building AS (
  SELECT f.pt, f.use, f.foot_m2,
         coalesce(f.floor_m2 / nullif(((SELECT j FROM p) -> 'nightM2PerPerson' ->> f.use)::float8, 0), 0) AS night,
         coalesce(f.floor_m2 / nullif(((SELECT j FROM p) -> 'dayM2PerPerson' ->> f.use)::float8, 0), 0)
           + CASE WHEN f.use IN ('home', 'dormitory')
                  THEN ((SELECT j FROM p) ->> 'homeDayShare')::float8 * f.floor_m2 / ((SELECT j FROM p) -> 'nightM2PerPerson' ->> f.use)::float8
                  ELSE 0 END AS day
    FROM floors f
),
cell_buildings AS (
  SELECT c.code, sum(pb.night) AS night, sum(pb.day) AS day,
         coalesce(sum(pb.foot_m2) FILTER (WHERE pb.use IN ('home', 'dormitory')), 0) AS home_foot_m2
    FROM per_building pb JOIN grid_cell c ON ST_Intersects(c.geom, pb.pt)
   GROUP BY c.code
),
-- Residential land with no mapped homes on it still houses people: the part of the cell's residential land not
-- covered by mapped home footprints, at an assumed floor-area ratio.
cell_land AS (
  SELECT c.code, sum(ST_Area(ST_Intersection(c.geom, lu.geom)::geography)) AS res_m2
    FROM grid_cell c
    JOIN population_landuse lu ON lu.kind = 'landuse=residential' AND ST_Intersects(c.geom, lu.geom)
   GROUP BY c.code
),
raw AS (
  SELECT c.code, c.district_adcode,
         coalesce(cb.night, 0)
           + greatest(0, coalesce(cl.res_m2, 0) - coalesce(cb.home_foot_m2, 0) / ((SELECT j FROM p) ->> 'unmappedCoverage')::float8)
             * ((SELECT j FROM p) ->> 'unmappedFloorAreaRatio')::float8 / ((SELECT j FROM p) -> 'nightM2PerPerson' ->> 'home')::float8 AS night_raw,
         coalesce(cb.day, 0)
           + greatest(0, coalesce(cl.res_m2, 0) - coalesce(cb.home_foot_m2, 0) / ((SELECT j FROM p) ->> 'unmappedCoverage')::float8)
             * ((SELECT j FROM p) ->> 'unmappedFloorAreaRatio')::float8 / ((SELECT j FROM p) -> 'nightM2PerPerson' ->> 'home')::float8
             * ((SELECT j FROM p) ->> 'homeDayShare')::float8 AS day_raw
    FROM grid_cell c
    LEFT JOIN cell_buildings cb ON cb.code = c.code
    LEFT JOIN cell_land cl ON cl.code = c.code
),
target AS (SELECT * FROM unnest($2::text[], $3::int[]) AS t(adcode, people)),
factor AS (
  SELECT r.district_adcode, t.people / nullif(sum(r.night_raw), 0) AS k
    FROM raw r JOIN target t ON t.adcode = r.district_adcode
   GROUP BY r.district_adcode, t.people
),
written AS (
  INSERT INTO grid_population (grid_code, night, day, source, updated_at)
  SELECT r.code, round(r.night_raw * coalesce(f.k, 1))::int, round(r.day_raw * coalesce(f.k, 1))::int, 'estimate', now()
    FROM raw r LEFT JOIN factor f ON f.district_adcode = r.district_adcode
  ON CONFLICT (grid_code) DO UPDATE SET night = EXCLUDED.night, day = EXCLUDED.day, updated_at = EXCLUDED.updated_at
    WHERE grid_population.source = 'estimate'
  RETURNING night, day
)
SELECT count(*)::int AS cells, coalesce(sum(night), 0)::bigint AS night, coalesce(sum(day), 0)::bigint AS day FROM written
