import { nearestStraight, STRAIGHT_LINE_NEAREST_SQL, categoriesOf } from '../../geo/routing/facilities';
import { pgRoutingEdgesSql } from '../../geo/routing/pgrouting-reference';
import { HARBIN_CORE } from './areas';
import type { BenchBackend } from './context';
import type { Report } from './report';
import { fmt, randomPoints, ratio, sideBySide } from './stats';

/** Incident points inside the central area, where the facilities and the road network are. */
const incidents = randomPoints(500, { west: 126.58, south: 45.7, east: 126.7, north: 45.79 }, 11).filter(
  ([lon, lat]) => lon > HARBIN_CORE.west && lat < HARBIN_CORE.north,
);

/** 5 nearest hospitals by straight line (KNN on the GiST index) and the plan that proves the index is used. */
export async function benchNearestStraight(b: BenchBackend, report: Report): Promise<void> {
  const hospitals = categoriesOf('hospital');
  const direct = await sideBySide(
    b.name === 'embedded' ? 500 : 2_000,
    (i) => nearestStraight(b.db, ...incidents[i % incidents.length]!, 'hospital', 5),
    (i) => {
      const [lon, lat] = incidents[i % incidents.length]!;
      return b.db.query(
        `SELECT id FROM poi WHERE category = ANY($1::text[]) ORDER BY ST_Distance(geom::geography,
        ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography) LIMIT 5`,
        [hospitals, lon, lat],
      );
    },
  );
  const plan = await b.db.query<Record<string, string>>(`EXPLAIN ${STRAIGHT_LINE_NEAREST_SQL}`, [126.63, 45.76, hospitals, 5]);
  const planText = plan.map((r) => Object.values(r)[0]).join(' / ');
  const indexLine = planText.match(/(Bitmap |Only )?Index (Only )?Scan (using|on) \w+/)?.[0] ?? 'no index scan';
  report.add({
    section: 'Nearest facilities',
    figure: '5 nearest hospitals by straight line, p99',
    backend: b.name,
    value: `${fmt(direct.subject.p99)} (plan: ${indexLine})`,
    reference: `${fmt(direct.reference.p99)} (the same ranking by full distance sort, no index)`,
    ratio: ratio(direct.subject.p99, direct.reference.p99),
    target: '≤ 5 ms, index scan',
    verdict: direct.subject.p99 <= 5 && indexLine !== 'no index scan' ? 'meets' : 'misses',
  });
}

/** 3 nearest fire stations by drive time: the in-memory router against pgRouting on the same cost model. */
export async function benchNearestDrive(b: BenchBackend, report: Report): Promise<void> {
  const routing = b.state.geo.routing;
  const n = b.name === 'embedded' ? 300 : 600;
  if (b.name === 'postgis') {
    await b.db.query('CREATE EXTENSION IF NOT EXISTS pgrouting');
    const stations = await b.db.query<{ node: number }>(
      `SELECT DISTINCT ON (p.id) e.source::float8 AS node FROM poi p
       CROSS JOIN LATERAL (SELECT source FROM road_edge ORDER BY geom <-> p.geom LIMIT 1) e
       WHERE p.category = ANY($1::text[])`,
      [categoriesOf('fire_station')],
    );
    const incidentNodes = await b.db.query<{ node: number }>(
      `SELECT (SELECT source::float8 FROM road_edge ORDER BY geom <-> ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326) LIMIT 1) AS node
       FROM unnest($1::float8[], $2::float8[]) AS p(lon, lat)`,
      [incidents.slice(0, 50).map((p) => p[0]), incidents.slice(0, 50).map((p) => p[1])],
    );
    const edges = pgRoutingEdgesSql();
    const res = await sideBySide(
      Math.min(n, 200),
      (i) => routing.nearestByDrive(...incidents[i % 50]!, 'fire_station', 3),
      (i) =>
        b.db.query(`SELECT start_vid, agg_cost FROM pgr_dijkstraCost($1, $2::bigint[], $3::bigint) ORDER BY agg_cost LIMIT 3`, [
          edges,
          stations.map((s) => s.node),
          incidentNodes[i % 50]!.node,
        ]),
      20,
    );
    report.add({
      section: 'Nearest facilities',
      figure: '3 nearest fire stations by drive time, p95',
      backend: b.name,
      value: fmt(res.subject.p95),
      reference: `${fmt(res.reference.p95)} (pgr_dijkstraCost, ${stations.length} stations → incident node, same costs)`,
      ratio: ratio(res.subject.p95, res.reference.p95),
      target: '≤ 50 ms',
      verdict: res.subject.p95 <= 50 ? 'meets' : 'misses',
    });
    return;
  }
  const res = await sideBySide(
    n,
    (i) => routing.nearestByDrive(...incidents[i % incidents.length]!, 'fire_station', 3),
    (i) => b.db.query(STRAIGHT_LINE_NEAREST_SQL, [...incidents[i % incidents.length]!, categoriesOf('fire_station'), 3]),
  );
  report.add({
    section: 'Nearest facilities',
    figure: '3 nearest fire stations by drive time, p95',
    backend: b.name,
    value: fmt(res.subject.p95),
    reference: `${fmt(res.reference.p95)} (straight-line KNN SQL; PGlite has no pgRouting)`,
    ratio: ratio(res.subject.p95, res.reference.p95),
    target: '≤ 50 ms',
    verdict: res.subject.p95 <= 50 ? 'meets' : 'misses',
  });
}
