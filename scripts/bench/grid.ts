import { HARBIN_CORE } from './areas';
import type { BenchBackend } from './context';
import { getJson } from './context';
import type { Report } from './report';
import { fmt, nowMs, randomPoints, ratio, sideBySide, timeMany } from './stats';

const CELL_SQL = `SELECT code FROM grid_cell WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) LIMIT 1`;
const BULK_SQL = `SELECT count(c.code)::int AS n FROM unnest($1::float8[], $2::float8[]) AS p(lon, lat)
  LEFT JOIN LATERAL (SELECT code FROM grid_cell WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)) LIMIT 1) c ON true`;

/** Point → grid cell: the in-memory locator against the same question asked of PostGIS. */
export async function benchGrid(b: BenchBackend, report: Report): Promise<void> {
  const locator = b.state.geo.locator;
  const points = randomPoints(20_000, HARBIN_CORE);
  const single = await sideBySide(
    b.name === 'embedded' ? 2_000 : 5_000,
    (i) => locator.locate(...points[i % points.length]!),
    (i) => b.db.query(CELL_SQL, points[i % points.length]!),
  );
  report.add({
    section: 'Unit grid lookup',
    figure: 'single point → cell, p99',
    backend: b.name,
    value: fmt(single.subject.p99),
    reference: `${fmt(single.reference.p99)} (PostGIS ST_Intersects, GiST)`,
    ratio: ratio(single.subject.p99, single.reference.p99),
    target: '≤ 1 ms',
    verdict: single.subject.p99 <= 1 ? 'meets' : 'misses',
  });

  const http = await timeMany(b.name === 'embedded' ? 500 : 2_000, (i) => {
    const [lon, lat] = points[i % points.length]!;
    return getJson(`${b.baseUrl}/api/geo/locate?lon=${lon}&lat=${lat}`);
  });
  report.add({
    section: 'Unit grid lookup',
    figure: 'GET /api/geo/locate over loopback, p99',
    backend: b.name,
    value: fmt(http.p99),
    reference: `${fmt(single.reference.p99)} (bare SQL)`,
    ratio: ratio(http.p99, single.reference.p99),
    target: 'info',
    verdict: 'info',
  });

  const bulkPoints = randomPoints(200_000, HARBIN_CORE, 7);
  let t = nowMs();
  let found = 0;
  for (const [lon, lat] of bulkPoints) if (locator.locate(lon, lat).gridCode) found++;
  const memRate = bulkPoints.length / ((nowMs() - t) / 1000);
  const sqlPoints = bulkPoints.slice(0, b.name === 'embedded' ? 5_000 : 20_000);
  t = nowMs();
  await b.db.query(BULK_SQL, [sqlPoints.map((p) => p[0]), sqlPoints.map((p) => p[1])]);
  const sqlRate = sqlPoints.length / ((nowMs() - t) / 1000);
  report.add({
    section: 'Unit grid lookup',
    figure: `bulk points → cells (${bulkPoints.length.toLocaleString('en')} points, ${Math.round((100 * found) / bulkPoints.length)} % in grid)`,
    backend: b.name,
    value: `${Math.round(memRate).toLocaleString('en')} points/s`,
    reference: `${Math.round(sqlRate).toLocaleString('en')} points/s (one PostGIS lateral join of ${sqlPoints.length.toLocaleString('en')})`,
    ratio: ratio(memRate, sqlRate),
    target: '≥ 100,000 points/s',
    verdict: memRate >= 100_000 ? 'meets' : 'misses',
  });
}
