-- Generates the unit grid (万米单元网格) from the 街道 polygons. Parameters:
--   :cell_size (metres), :block_cells (cells per community block side), :sliver_area (m², merged into a neighbour).
-- The lattice is laid in UTM zone 52N (EPSG:32652, which covers Harbin) so that cells are true 100 m squares
-- aligned city-wide; each square is then brought to WGS-84 and clipped there against the street polygon, so the
-- street boundary is kept exactly (clipping in UTM would bend long boundary edges by metres on the way back).

CREATE TEMP TABLE grid_piece ON COMMIT DROP AS
SELECT s.code AS street_code, s.district_adcode, sq.i, sq.j,
       (ST_Dump(ST_CollectionExtract(ST_Intersection(ST_Transform(sq.geom, 4326), s.geom), 3))).geom AS geom
FROM street s
CROSS JOIN LATERAL ST_SquareGrid(:cell_size, ST_Transform(s.geom, 32652)) AS sq
WHERE ST_Intersects(sq.geom, ST_Transform(s.geom, 32652));

ALTER TABLE grid_piece ADD COLUMN id serial;
ALTER TABLE grid_piece ADD COLUMN area double precision;
UPDATE grid_piece SET area = ST_Area(geom::geography);
DELETE FROM grid_piece WHERE area < 1;
CREATE INDEX ON grid_piece USING gist (geom);

-- Each sliver joins the neighbouring full piece of the same street with which it shares the longest edge.
CREATE TEMP TABLE grid_merge ON COMMIT DROP AS
SELECT DISTINCT ON (small.id) small.id AS small_id, big.id AS big_id
FROM grid_piece small
JOIN grid_piece big
  ON big.street_code = small.street_code AND big.id <> small.id AND big.area >= :sliver_area
 AND ST_Intersects(big.geom, small.geom)
WHERE small.area < :sliver_area
  AND ST_Length(ST_Intersection(ST_Boundary(big.geom), ST_Boundary(small.geom))::geography) > 0.5
ORDER BY small.id, ST_Length(ST_Intersection(ST_Boundary(big.geom), ST_Boundary(small.geom))::geography) DESC;

CREATE TEMP TABLE grid_merged ON COMMIT DROP AS
SELECT b.id, b.street_code, b.district_adcode, b.i, b.j,
       ST_UnaryUnion(ST_Collect(b.geom, COALESCE(ST_Union(s.geom), ST_GeomFromText('POLYGON EMPTY', 4326)))) AS geom
FROM grid_piece b
LEFT JOIN grid_merge m ON m.big_id = b.id
LEFT JOIN grid_piece s ON s.id = m.small_id
WHERE b.id NOT IN (SELECT small_id FROM grid_merge)
GROUP BY b.id, b.street_code, b.district_adcode, b.i, b.j, b.geom;

-- A union that did not come out as one polygon keeps its main part; the rest is rare and dropped into
-- the report rather than silently reshaped.
UPDATE grid_merged SET geom = (
  SELECT d.geom FROM ST_Dump(grid_merged.geom) d ORDER BY ST_Area(d.geom) DESC LIMIT 1
) WHERE GeometryType(geom) <> 'POLYGON';

-- Communities: blocks of :block_cells x :block_cells cells of the lattice, numbered within each street north→south, west→east.
CREATE TEMP TABLE grid_block ON COMMIT DROP AS
SELECT street_code, bi, bj,
       row_number() OVER (PARTITION BY street_code ORDER BY bj DESC, bi ASC) AS n
FROM (SELECT DISTINCT street_code, floor(i::float8 / :block_cells)::int AS bi, floor(j::float8 / :block_cells)::int AS bj FROM grid_merged) b;

INSERT INTO grid_community (code, street_code, block_col, block_row)
SELECT street_code || lpad(n::text, 3, '0'), street_code, bi, bj FROM grid_block;

-- Cells: numbered within their community north→south, west→east (ties inside one lattice square by x).
-- The default responsible owner (责任主体) is the street office (属地兜底); departments re-assign cells later.
INSERT INTO grid_cell (code, district_adcode, street_code, community_code, seq, owner, area_m2, geom)
SELECT c.community_code || lpad(c.seq::text, 3, '0'), c.district_adcode, c.street_code, c.community_code, c.seq,
       CASE WHEN s.name LIKE '%办事处' THEN s.name
            WHEN s.name LIKE '%街道' THEN s.name || '办事处'
            WHEN s.name LIKE '%镇' OR s.name LIKE '%乡' THEN s.name || '人民政府'
            ELSE s.name END,
       ST_Area(c.geom::geography), c.geom
FROM (
  SELECT m.*, b.street_code || lpad(b.n::text, 3, '0') AS community_code,
         row_number() OVER (PARTITION BY b.street_code, b.n
                            ORDER BY m.j DESC, m.i ASC, ST_X(ST_Centroid(m.geom)) ASC) AS seq
  FROM grid_merged m
  JOIN grid_block b ON b.street_code = m.street_code AND b.bi = floor(m.i::float8 / :block_cells)::int AND b.bj = floor(m.j::float8 / :block_cells)::int
) c
JOIN street s ON s.code = c.street_code;
