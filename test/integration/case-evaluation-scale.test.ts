import type { CaseScope } from '../../gateway/cases/service';
import { evaluate } from '../../gateway/cases/evaluation';
import { loadCaseTables } from '../../gateway/cases/tables';
import type { Db } from '../../geo/db/types';
import { openTestDb } from '../support/db';

/**
 * 综合评价 at the scale of a year of Harbin (about 556,000 cases): 500,000 filed cases in 2025, evaluated by
 * every dimension in at most two seconds each, with the totals checked against the data put in.
 */
const N = 500_000;
let db: Db;
const tables = loadCaseTables();
const ALL: CaseScope = { sql: 'TRUE', params: [] };

beforeAll(async () => {
  db = await openTestDb();
  await db.query(`DELETE FROM city_case WHERE idempotency_scope = 'scale-test'`);
  // Deterministic synthetic year: every 10th case reworked, every 20th extended, 99 % closed, 98 % of those on time.
  await db.query(
    `INSERT INTO city_case (code, state, kind, category_code, major_code, description, geom, district_code, district_name,
        street_code, street_name, grid_code, channel, idempotency_scope, idempotency_key, department_id, rework_count,
        extension_count, observed_at, reported_at, filed_at, sla_deadline, closed_at, on_time, updated_at)
     SELECT 'S' || i, CASE WHEN i % 100 = 0 THEN 'handling' ELSE 'closed' END, 'event',
            (ARRAY['SJ0102','SJ0104','SJ0504','BJ0101','SJ0401'])[1 + i % 5], 'SJ01', '合成案件',
            ST_SetSRID(ST_MakePoint(126.5 + (i % 1000) * 0.0002, 45.7 + (i / 1000) * 0.0002), 4326),
            (ARRAY['230102','230103','230104','230108','230109','230110'])[1 + i % 6], '区',
            '2301' || lpad((i % 60)::text, 5, '0'), '街道', lpad((i % 7000)::text, 15, '0'),
            (ARRAY['inspector','hotline_12319','public'])[1 + i % 3], 'scale-test', 'k' || i,
            (ARRAY['urban-mgmt','traffic-police','flood-control'])[1 + i % 3],
            CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END, CASE WHEN i % 20 = 0 THEN 1 ELSE 0 END,
            t, t, t, t + interval '4 hours',
            CASE WHEN i % 100 = 0 THEN NULL ELSE t + interval '3 hours' END,
            CASE WHEN i % 100 = 0 THEN NULL WHEN i % 50 = 1 THEN false ELSE true END, t
       FROM (SELECT i, timestamptz '2025-01-01 08:00+08' + (i % 364) * interval '1 day' + (i % 9) * interval '1 hour' AS t
               FROM generate_series(1, $1::int) AS i) s`,
    [N],
  );
  await db.query('ANALYZE city_case');
}, 600_000);

afterAll(async () => {
  await db.query(`DELETE FROM city_case WHERE idempotency_scope = 'scale-test'`);
  await db.close();
}, 600_000);

describe('evaluation over 500,000 cases', () => {
  it.each(['none', 'district', 'street', 'grid', 'department', 'category', 'channel'] as const)(
    'by %s in at most two seconds, with the right totals',
    async (by) => {
      const started = performance.now();
      const e = await evaluate(db, tables, { from: '2025-01-01', to: '2025-12-31', by, format: 'json' }, ALL);
      const ms = performance.now() - started;
      expect(e.total.filed).toBe(N);
      expect(e.total.closed).toBe(N - N / 100);
      expect(e.total.reworked).toBe(N / 10);
      expect(e.total.extended).toBe(N / 20);
      if (by !== 'none') expect(e.rows.reduce((n, r) => n + r.filed, 0)).toBe(N);
      expect(e.total.closeRate).toBeGreaterThan(0.98);
      expect(ms).toBeLessThan(2000);
    },
  );
});
