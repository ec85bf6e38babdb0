import { evaluate } from '../../gateway/cases/evaluation';
import type { CaseScope } from '../../gateway/cases/context';
import { loadCaseTables } from '../../gateway/cases/tables';
import type { Db } from '../../geo/db/types';
import { openTestDb } from '../support/db';

/**
 * 综合评价 over a generated year: 50,000 filed cases in 2025, evaluated for the whole city by every dimension, each
 * group's counts checked against the data put in. How long it takes is measured by `npm run bench -- cases`.
 */
const N = 50_000;
const SCOPE = 'evaluation-totals-test';
const DISTRICTS = ['230102', '230103', '230104', '230108', '230109', '230110'];
const CATEGORIES = ['SJ0102', 'SJ0104', 'SJ0504', 'BJ0101', 'SJ0401'];
const CHANNELS = ['inspector', 'hotline_12319', 'public'];
const DEPARTMENTS = ['urban-mgmt', 'traffic-police', 'flood-control'];
let db: Db;
const tables = loadCaseTables();
const ALL: CaseScope = { sql: 'TRUE', params: [] };

/** The counts the generated rows must give: case i is closed unless i % 100 = 0, reworked when i % 10 = 0, … */
interface Expected {
  filed: number;
  closed: number;
  onTimeClosed: number;
  reworked: number;
  extended: number;
}
const KEY_OF: Record<string, (i: number) => string> = {
  district: (i) => DISTRICTS[i % 6]!,
  street: (i) => `2301${String(i % 60).padStart(5, '0')}`,
  grid: (i) => String(i % 7000).padStart(15, '0'),
  department: (i) => DEPARTMENTS[i % 3]!,
  category: (i) => CATEGORIES[i % 5]!,
  channel: (i) => CHANNELS[i % 3]!,
};
function expected(by: string): Map<string, Expected> {
  const out = new Map<string, Expected>();
  for (let i = 1; i <= N; i++) {
    const key = by === 'none' ? 'total' : KEY_OF[by]!(i);
    const e = out.get(key) ?? { filed: 0, closed: 0, onTimeClosed: 0, reworked: 0, extended: 0 };
    e.filed++;
    if (i % 100 !== 0) e.closed++;
    if (i % 100 !== 0 && i % 50 !== 1) e.onTimeClosed++;
    // 返工案件数 counts closed cases only: the open ones (i % 100 = 0) are reworked but not closed.
    if (i % 10 === 0 && i % 100 !== 0) e.reworked++;
    if (i % 20 === 0) e.extended++;
    out.set(key, e);
  }
  return out;
}

beforeAll(async () => {
  db = await openTestDb();
  await db.query('DELETE FROM city_case WHERE idempotency_scope = $1', [SCOPE]);
  // Deterministic synthetic year: every 10th case reworked, every 20th extended, 99 % closed, 98 % of those on time.
  await db.query(
    `INSERT INTO city_case (code, state, kind, category_code, major_code, description, geom, district_code, district_name,
        street_code, street_name, grid_code, channel, idempotency_scope, idempotency_key, department_id, rework_count,
        extension_count, observed_at, reported_at, filed_at, sla_deadline, closed_at, on_time, updated_at)
     SELECT 'T' || i, CASE WHEN i % 100 = 0 THEN 'handling' ELSE 'closed' END, 'event',
            ($2::text[])[1 + i % 5], 'SJ01', '合成案件',
            ST_SetSRID(ST_MakePoint(126.5 + (i % 1000) * 0.0002, 45.7 + (i / 1000) * 0.0002), 4326),
            ($3::text[])[1 + i % 6], '区',
            '2301' || lpad((i % 60)::text, 5, '0'), '街道', lpad((i % 7000)::text, 15, '0'),
            ($4::text[])[1 + i % 3], $5, 'k' || i,
            ($6::text[])[1 + i % 3],
            CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END, CASE WHEN i % 20 = 0 THEN 1 ELSE 0 END,
            t, t, t, t + interval '4 hours',
            CASE WHEN i % 100 = 0 THEN NULL ELSE t + interval '3 hours' END,
            CASE WHEN i % 100 = 0 THEN NULL WHEN i % 50 = 1 THEN false ELSE true END, t
       FROM (SELECT i, timestamptz '2025-01-01 08:00+08' + (i % 364) * interval '1 day' + (i % 9) * interval '1 hour' AS t
               FROM generate_series(1, $1::int) AS i) s`,
    [N, CATEGORIES, DISTRICTS, CHANNELS, SCOPE, DEPARTMENTS],
  );
  await db.query('ANALYZE city_case');
}, 300_000);

afterAll(async () => {
  await db.query('DELETE FROM city_case WHERE idempotency_scope = $1', [SCOPE]);
  await db.close();
}, 300_000);

describe('evaluation over a generated year of 50,000 cases', () => {
  it.each(['none', 'district', 'street', 'grid', 'department', 'category', 'channel'] as const)(
    'by %s: the city total and every group match the data put in',
    async (by) => {
      const e = await evaluate(db, tables, { from: '2025-01-01', to: '2025-12-31', by, format: 'json' }, ALL);
      expect(e.total).toMatchObject({
        filed: N,
        due: N,
        closed: N - N / 100,
        onTimeClosed: expected('none').get('total')!.onTimeClosed,
        reworked: N / 10 - N / 100,
        extended: N / 20,
        closeRate: (N - N / 100) / N,
        reworkRate: Math.round(((N / 10 - N / 100) / (N - N / 100)) * 10000) / 10000,
        extensionRate: 0.05,
      });
      if (by === 'none') {
        expect(e.rows).toEqual([]);
        return;
      }
      const want = expected(by);
      expect(e.rows).toHaveLength(want.size);
      for (const r of e.rows) {
        const w = want.get(r.key);
        expect(w).toBeDefined();
        expect({ key: r.key, filed: r.filed, due: r.due, closed: r.closed, onTimeClosed: r.onTimeClosed }).toEqual({
          key: r.key,
          filed: w!.filed,
          due: w!.filed,
          closed: w!.closed,
          onTimeClosed: w!.onTimeClosed,
        });
        expect([r.reworked, r.extended]).toEqual([w!.reworked, w!.extended]);
        expect(r.name).toBeTruthy();
      }
      // Largest groups first.
      expect(e.rows.map((r) => r.filed)).toEqual([...e.rows.map((r) => r.filed)].sort((a, b) => b - a));
      expect(e.rows.reduce((n, r) => n + r.filed, 0)).toBe(N);
    },
  );

  it('counts only the cases filed in the period', async () => {
    const e = await evaluate(db, tables, { from: '2025-03-01', to: '2025-03-31', by: 'none', format: 'json' }, ALL);
    const { count } = (
      await db.query<{ count: string }>(
        `SELECT count(*) FROM city_case WHERE idempotency_scope = $1
            AND filed_at >= timestamptz '2025-03-01 00:00+08' AND filed_at < timestamptz '2025-04-01 00:00+08'`,
        [SCOPE],
      )
    )[0]!;
    expect(e.total.filed).toBe(Number(count));
    expect(e.total.filed).toBeGreaterThan(0);
    expect(e.total.filed).toBeLessThan(N / 6);
  });
});
