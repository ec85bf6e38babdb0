import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REVERSE_ROAD_RADIUS_M } from '../../geo/geocode/reverse';
import { HARBIN_CORE } from './areas';
import type { BenchBackend } from './context';
import type { Report } from './report';
import { fmt, randomPoints, ratio, sideBySide } from './stats';

const NAMES_SQL = `SELECT name FROM (SELECT name FROM poi WHERE name <> '' UNION SELECT name FROM road WHERE name <> ''
  UNION SELECT name FROM street) n ORDER BY md5(name) LIMIT 400`;
/** What forward geocoding would be without the in-memory index: a substring scan of the same names in SQL. */
const SCAN_SQL = `SELECT name FROM (SELECT name FROM poi UNION ALL SELECT name FROM road UNION ALL SELECT name FROM street) n
  WHERE strpos(name, $1) > 0 LIMIT 10`;
const ROAD_SQL = readFileSync(path.resolve(__dirname, '../../geo/geocode/reverse-road.sql'), 'utf8');

/**
 * Geocoding in-process: forward queries on the in-memory name index (full names, two-character prefixes as typed
 * first, inner fragments) beside a SQL substring scan of the same names; reverse geocoding (locator + nearest road
 * and landmark) beside its nearest-road query alone.
 */
export async function benchGeocode(b: BenchBackend, report: Report): Promise<void> {
  const geocoder = b.state.geo.geocoder;
  const names = await b.db.query<{ name: string }>(NAMES_SQL);
  const queries = names.flatMap(({ name }) => [name, name.slice(0, 2), name.slice(1, 4)]);
  const forward = await sideBySide(
    queries.length,
    (i) => geocoder.search(queries[i]!, { limit: 10 }),
    (i) => b.db.query(SCAN_SQL, [queries[i]!]),
  );
  report.add({
    section: 'Geocoding',
    figure: `forward search, ${queries.length} queries (names, prefixes, fragments), p50`,
    backend: b.name,
    value: fmt(forward.subject.p50),
    reference: `${fmt(forward.reference.p50)} (SQL substring scan)`,
    ratio: ratio(forward.subject.p50, forward.reference.p50),
    target: '< 1 ms',
    verdict: forward.subject.p50 < 1 ? 'meets' : 'misses',
  });
  report.add({
    section: 'Geocoding',
    figure: 'forward search, p95',
    backend: b.name,
    value: fmt(forward.subject.p95),
    reference: `${fmt(forward.reference.p95)} (SQL substring scan)`,
    ratio: ratio(forward.subject.p95, forward.reference.p95),
    target: '< 5 ms',
    verdict: forward.subject.p95 < 5 ? 'meets' : 'misses',
  });

  const points = randomPoints(500, HARBIN_CORE, 11);
  const reverse = await sideBySide(
    b.name === 'embedded' ? 100 : points.length,
    (i) => geocoder.reverse(...points[i % points.length]!),
    (i) => b.db.query(ROAD_SQL, [...points[i % points.length]!, REVERSE_ROAD_RADIUS_M]),
  );
  report.add({
    section: 'Geocoding',
    figure: 'reverse (district, 街道, grid cell, nearest road and landmark), p95',
    backend: b.name,
    value: fmt(reverse.subject.p95),
    reference: `${fmt(reverse.reference.p95)} (nearest-road SQL alone)`,
    ratio: ratio(reverse.subject.p95, reverse.reference.p95),
    target: '< 50 ms',
    verdict: reverse.subject.p95 < 50 ? 'meets' : 'misses',
  });
}
