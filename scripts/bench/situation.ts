/**
 * The situation report (态势报告 / 值班快报) of the whole city, on the real gateway process over PostGIS with a busy
 * city's worth of open work (BENCH_SITUATION_INCIDENTS open incidents, BENCH_SITUATION_CASES open cases):
 *
 * - `GET /api/reports/situation.pdf?area=city` — the aggregate, the server-drawn map (SVG → PNG with sharp) and the
 *   PDF with its embedded Chinese font subset, as the duty clerk downloads it;
 * - `GET /api/reports/situation?area=city` — the same aggregate as JSON;
 * - beside the raw SQL aggregate both are built from: the open incidents and open cases grouped by grid cell, street
 *   and district (gateway/reports/situation-incidents.sql and situation-cases.sql), sent straight to PostGIS.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openPostgres } from '../../geo/db/postgres';
import type { StandaloneContext } from './context';
import { closeConnections, expectOk, send } from './http';
import { login, startGateway } from './ingest-load';
import type { Report } from './report';
import { fmt, nowMs, ratio, sideBySide } from './stats';

const SECTION = 'Situation report PDF (态势报告)';
const INCIDENTS = Number(process.env.BENCH_SITUATION_INCIDENTS ?? 2000);
const CASES = Number(process.env.BENCH_SITUATION_CASES ?? 5000);
const ROUNDS = Number(process.env.BENCH_SITUATION_ROUNDS ?? 12);
const COMMANDER = { username: 'zhihui.wang', password: 'Zhw#Command-7316' };
const MARKER = 'bench:situation';
const sql = (name: string) => readFileSync(path.resolve(__dirname, '../../gateway/reports', name), 'utf8');

export async function benchSituation(ctx: StandaloneContext, report: Report): Promise<void> {
  const gateway = await startGateway({ databaseUrl: ctx.databaseUrl });
  const db = await openPostgres(ctx.databaseUrl);
  try {
    // Open incidents and cases at random points of the main urban area, located to their grid cell like the
    // ingest pipeline and case reporting do.
    await db.query(
      `INSERT INTO incident (status, category, priority, title, geom, located_via, first_reported_at, last_reported_at)
       SELECT (ARRAY['new', 'acknowledged', 'dispatched', 'en_route', 'on_scene'])[1 + floor(random() * 5)::int],
              (ARRAY['fire', 'traffic_crash', 'medical', 'waterlogging'])[1 + floor(random() * 4)::int],
              floor(random() * 11)::smallint, $1, ST_SetSRID(ST_MakePoint(126.52 + random() * 0.26, 45.68 + random() * 0.14), 4326),
              'reported', now() - random() * interval '36 hours', now()
         FROM generate_series(1, $2::int)`,
      [MARKER, INCIDENTS],
    );
    await db.query(
      `INSERT INTO city_case (code, state, kind, category_code, major_code, description, geom, channel, idempotency_scope,
                              idempotency_key, observed_at, sla_deadline)
       SELECT 'BENCH-' || g, (ARRAY['filed', 'dispatched', 'handling', 'fed_back'])[1 + floor(random() * 4)::int], 'event',
              '0101', '01', $1, ST_SetSRID(ST_MakePoint(126.52 + random() * 0.26, 45.68 + random() * 0.14), 4326),
              'inspector', 'bench', 'bench-' || g, now(), now() + (random() - 0.3) * interval '2 days'
         FROM generate_series(1, $2::int) g`,
      [MARKER, CASES],
    );
    for (const table of ['incident', 'city_case']) {
      await db.query(
        `UPDATE ${table} t SET grid_code = g.code, street_code = g.street_code, district_code = g.district_adcode
           FROM grid_cell g WHERE t.district_code IS NULL AND ST_Intersects(g.geom, t.geom)`,
      );
      await db.query(
        `UPDATE ${table} t SET district_code = d.adcode FROM district d WHERE t.district_code IS NULL AND ST_Intersects(d.geom, t.geom)`,
      );
      await db.query(`ANALYZE ${table}`);
    }
    const cookie = await login(gateway.baseUrl, COMMANDER.username, COMMANDER.password, '10.77.0.1');
    const pdfUrl = `${gateway.baseUrl}/api/reports/situation.pdf?area=city`;
    const jsonUrl = `${gateway.baseUrl}/api/reports/situation?area=city`;
    const first = await fetch(pdfUrl, { headers: { cookie } });
    if (!first.ok) throw new Error(`situation.pdf answered ${first.status}: ${await first.text()}`);
    const bytes = (await first.arrayBuffer()).byteLength;

    const incidentsSql = sql('situation-incidents.sql');
    const casesSql = sql('situation-cases.sql');
    const rawAggregate = async () => {
      await db.query(incidentsSql, [null, null]);
      await db.query(casesSql, [null, null]);
    };
    const t0 = nowMs();
    const pdf = await sideBySide(ROUNDS, () => expectOk(send(pdfUrl, cookie), 'situation.pdf'), rawAggregate, 2);
    const json = await sideBySide(ROUNDS, () => expectOk(send(jsonUrl, cookie), 'situation'), rawAggregate, 2);
    const spent = nowMs() - t0;
    const scale = `${INCIDENTS.toLocaleString('en')} open incidents, ${CASES.toLocaleString('en')} open cases`;
    report.add({
      section: SECTION,
      figure: `whole city as PDF (figures, map image, 18 districts, ${(bytes / 1024).toFixed(0)} KB), p50 / p95 of ${ROUNDS}; ${scale}`,
      backend: 'postgis',
      value: `${fmt(pdf.subject.p50)} / ${fmt(pdf.subject.p95)}`,
      reference: `raw SQL aggregate ${fmt(pdf.reference.p50)} / ${fmt(pdf.reference.p95)}`,
      ratio: ratio(pdf.subject.p50, pdf.reference.p50),
      target: '< 5 s',
      verdict: pdf.subject.p95 < 5000 ? 'meets' : 'misses',
    });
    report.add({
      section: SECTION,
      figure: `whole city as JSON (the aggregate with units, gauges, responses), p50 / p95 of ${ROUNDS}`,
      backend: 'postgis',
      value: `${fmt(json.subject.p50)} / ${fmt(json.subject.p95)}`,
      reference: `raw SQL aggregate ${fmt(json.reference.p50)} / ${fmt(json.reference.p95)}`,
      ratio: ratio(json.subject.p50, json.reference.p50),
      target: 'info',
      verdict: 'info',
    });
    report.note(
      `${SECTION}: the PDF time is the aggregate (about the JSON time) plus the map (outlines from PostGIS, SVG rasterised by sharp) and pdfkit's layout with the Noto Sans CJK subset; measured over ${(spent / 1000).toFixed(0)} s with requests one at a time.`,
    );
  } finally {
    closeConnections();
    await db.close();
    await gateway.stop();
  }
}
