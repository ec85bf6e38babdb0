import fc from 'fast-check';
import type { Db } from '../../geo/db/types';
import { Locator } from '../../geo/grid/locate';
import { GRID_SETTINGS } from '../../geo/grid/generate';
import { openTestDb } from '../support/db';

let db: Db;
let locator: Locator;
beforeAll(async () => {
  db = await openTestDb();
  locator = await Locator.load(db);
});
afterAll(() => db.close());

describe('unit grid (万米单元网格) generated over the 77 街道', () => {
  it('covers every street completely and nothing outside it: no cell crosses a street boundary', async () => {
    const [row] = await db.query<{ streets: number; outside_m2: number; cells_m2: number; streets_m2: number }>(`
      SELECT (SELECT count(DISTINCT street_code)::int FROM grid_cell) AS streets,
             (SELECT coalesce(max(ST_Area(ST_Difference(c.geom, s.geom)::geography)), 0)
                FROM grid_cell c JOIN street s ON s.code = c.street_code) AS outside_m2,
             (SELECT sum(ST_Area(geom::geography)) FROM grid_cell) AS cells_m2,
             (SELECT sum(ST_Area(geom::geography)) FROM street) AS streets_m2`);
    expect(row!.streets).toBe(77);
    // cells are cut in UTM and stored in WGS-84: the round trip leaves residue far below a square metre per cell
    expect(row!.outside_m2).toBeLessThan(1);
    expect(Math.abs(row!.cells_m2 - row!.streets_m2) / row!.streets_m2).toBeLessThan(0.001);
  });

  it('has no two cells overlapping', async () => {
    const [row] = await db.query<{ overlap_m2: number }>(`
      SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0) AS overlap_m2
      FROM grid_cell a JOIN grid_cell b ON a.code < b.code AND ST_Intersects(a.geom, b.geom)
       AND ST_Relate(a.geom, b.geom, '2********')
      WHERE a.geom && ST_MakeEnvelope(126.60, 45.74, 126.66, 45.78, 4326)`);
    expect(row!.overlap_m2).toBeLessThan(1);
  });

  it('makes cells of about 100 m x 100 m', async () => {
    const [row] = await db.query<{ median: number; p95: number; max: number }>(`
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ST_Area(geom::geography)) AS median,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY ST_Area(geom::geography)) AS p95,
             max(ST_Area(geom::geography)) AS max FROM grid_cell`);
    expect(row!.median).toBeGreaterThan(9_000);
    expect(row!.median).toBeLessThan(11_000);
    // a full cell plus merged slivers stays well under two cells
    expect(row!.max).toBeLessThan(2 * GRID_SETTINGS.cellSizeM ** 2);
  });

  it('codes every cell as district(6) + street(3) + community(3) + sequence(3), unique', async () => {
    const rows = await db.query<{
      code: string;
      street_code: string;
      district_adcode: string;
      community_code: string;
      seq: number;
    }>('SELECT code, street_code, district_adcode, community_code, seq FROM grid_cell');
    expect(new Set(rows.map((r) => r.code)).size).toBe(rows.length);
    const wrong = rows.filter(
      (r) =>
        !/^\d{15}$/.test(r.code) ||
        r.code.slice(0, 6) !== r.district_adcode ||
        r.code.slice(0, 9) !== r.street_code ||
        r.code.slice(0, 12) !== r.community_code ||
        Number(r.code.slice(12)) !== r.seq,
    );
    expect(wrong).toEqual([]);
    expect(rows.length).toBeGreaterThan(17_000);
  });

  it('numbers full cells west→east, north→south inside each community', async () => {
    const rows = await db.query<{ community_code: string; seq: number; x: number; y: number }>(`
      SELECT community_code, seq, ST_X(ST_Centroid(ST_Transform(geom, 32652))) AS x, ST_Y(ST_Centroid(ST_Transform(geom, 32652))) AS y
      FROM grid_cell WHERE area_m2 BETWEEN 9999 AND 10001 ORDER BY community_code, seq`);
    let checked = 0;
    for (let i = 1; i < rows.length; i++) {
      const a = rows[i - 1]!;
      const b = rows[i]!;
      if (a.community_code !== b.community_code) continue;
      const rowA = Math.floor(a.y / GRID_SETTINGS.cellSizeM);
      const rowB = Math.floor(b.y / GRID_SETTINGS.cellSizeM);
      // the next cell is in the same lattice row further east, or in a row further south
      expect(rowB < rowA || (rowB === rowA && b.x > a.x)).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('gives every cell a responsible owner (责任主体)', async () => {
    const rows = await db.query<{ owner: string; street: string }>(
      `SELECT DISTINCT c.owner, s.name AS street FROM grid_cell c JOIN street s ON s.code = c.street_code`,
    );
    expect(rows).toHaveLength(77);
    for (const r of rows) expect(r.owner.startsWith(r.street.replace(/办事处$/, ''))).toBe(true);
    expect(rows.find((r) => r.street === '先锋路街道')?.owner).toBe('先锋路街道办事处');
  });

  it('locates points in memory exactly as PostGIS does (2,000 random points over the gridded area)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.double({ min: 126.506, max: 126.772, noNaN: true }), fc.double({ min: 45.658, max: 45.831, noNaN: true })),
          {
            minLength: 200,
            maxLength: 200,
          },
        ),
        async (points) => {
          const truth = await db.query<{ i: number; code: string | null }>(
            `SELECT p.i::int AS i, (SELECT code FROM grid_cell c WHERE ST_Intersects(c.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
               ORDER BY code LIMIT 1) AS code
             FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS p(lon, lat, i)`,
            [points.map((p) => p[0]), points.map((p) => p[1])],
          );
          for (const t of truth) {
            const [lon, lat] = points[t.i - 1]!;
            const got = locator.locate(lon, lat).gridCode;
            // a point exactly on a shared edge may be answered by either neighbour
            if (got !== t.code) {
              const [edge] = await db.query<{ n: number }>(
                `SELECT count(*)::int AS n FROM grid_cell WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))`,
                [lon, lat],
              );
              expect(edge!.n).toBeGreaterThan(1);
            }
          }
        },
      ),
      { numRuns: 10 },
    );
  });
});
