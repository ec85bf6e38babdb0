import { evaluate } from '../../gateway/cases/evaluation';
import type { CaseScope } from '../../gateway/cases/context';
import { loadCaseTables } from '../../gateway/cases/tables';
import type { Db } from '../../geo/db/types';
import { openTestDb } from '../support/db';

/**
 * 综合评价 indicator definitions on a handful of cases whose figures are worked out by hand below: every rate's
 * numerator is a subset of its denominator (返工率 counts closed cases reworked at least once, over 结案数).
 *
 * Period: March 2019 (Asia/Shanghai), so the period ends at 2019-04-01 00:00+08.
 *
 *   case  department     state     filed   deadline  closed  on time  rework  extension
 *   A     urban-mgmt     closed    03-01   03-05     03-05   yes      0       0
 *   B     urban-mgmt     closed    03-02   03-10     03-10   yes      1       0
 *   C     flood-control  closed    03-03   03-12     03-12   no       2       1
 *   D     urban-mgmt     handling  03-04   03-20     —       —        1       0   reworked, still open, overdue
 *   E     flood-control  dispatched 03-05  04-10     —       —        3       1   reworked, open, not yet due
 *   F     flood-control  fed_back  03-06   03-25     —       yes      0       2
 *   G     —              voided    03-07   03-28     —       —        0       0   voided while suspended
 *   H     flood-control  closed    03-08   03-30     04-03   yes      1       0   closed after the period
 *   I     urban-mgmt     closed    02-20   02-25     03-02   yes      1       0   filed before the period
 *
 * City total (cohort A–H, I is outside it):
 *   立案数 8; 应结案数 = closed in the period or deadline passed, voided excluded = A B C D F H = 6;
 *   结案数 A B C = 3; 结案率 3/6 = 0.5; 按期结案数 A B = 2; 按期结案率 2/6 = 0.3333;
 *   返工案件数 = closed and reworked = B C = 2 (D, E, H were reworked but are not closed in the period);
 *   返工率 2/3 = 0.6667 (the old count, B C D E H = 5 over 3, gave 166.67 %);
 *   延期案件数 C E F = 3; 延期率 3/8 = 0.375.
 * By department:
 *   urban-mgmt    A B D:     filed 3, due 3, closed 2, on time 2, reworked 1 (B), extended 0
 *   flood-control C E F H:   filed 4, due 3 (C F H), closed 1, on time 0, reworked 1 (C), extended 3
 *   none          G:         filed 1, due 0, closed 0, on time 0, reworked 0, extended 0
 */
const SCOPE_KEY = 'evaluation-definitions-test';
const SCOPE: CaseScope = { sql: 'c.idempotency_scope = $1', params: [SCOPE_KEY] };
const tables = loadCaseTables();
let db: Db;

interface Fixture {
  code: string;
  department: string | null;
  state: string;
  filed: string;
  deadline: string | null;
  closed: string | null;
  onTime: boolean | null;
  rework: number;
  extension: number;
}
const at = (day: string | null) => (day ? `2019-${day}T10:00:00+08:00` : null);
// prettier-ignore
const ROWS: [string, string | null, string, string, string | null, string | null, boolean | null, number, number][] = [
  // code department       state         filed    deadline closed   on time rework extension
  ['A', 'urban-mgmt',    'closed',     '03-01', '03-05', '03-05', true,  0, 0],
  ['B', 'urban-mgmt',    'closed',     '03-02', '03-10', '03-10', true,  1, 0],
  ['C', 'flood-control', 'closed',     '03-03', '03-12', '03-12', false, 2, 1],
  ['D', 'urban-mgmt',    'handling',   '03-04', '03-20', null,    null,  1, 0],
  ['E', 'flood-control', 'dispatched', '03-05', '04-10', null,    null,  3, 1],
  ['F', 'flood-control', 'fed_back',   '03-06', '03-25', null,    true,  0, 2],
  ['G', null,            'voided',     '03-07', '03-28', null,    null,  0, 0],
  ['H', 'flood-control', 'closed',     '03-08', '03-30', '04-03', true,  1, 0],
  ['I', 'urban-mgmt',    'closed',     '02-20', '02-25', '03-02', true,  1, 0],
];
const CASES: Fixture[] = ROWS.map(([code, department, state, filed, deadline, closed, onTime, rework, extension]) => ({
  code,
  department,
  state,
  filed,
  deadline,
  closed,
  onTime,
  rework,
  extension,
}));

beforeAll(async () => {
  db = await openTestDb();
  await db.query('DELETE FROM city_case WHERE idempotency_scope = $1', [SCOPE_KEY]);
  for (const c of CASES) {
    await db.query(
      `INSERT INTO city_case (code, state, kind, category_code, major_code, description, geom, channel, idempotency_scope,
          idempotency_key, department_id, rework_count, extension_count, observed_at, reported_at, filed_at, sla_started_at,
          sla_deadline, closed_at, on_time, updated_at)
       VALUES ($1, $2, 'event', 'SJ0102', 'SJ01', '口径测试', ST_SetSRID(ST_MakePoint(126.63, 45.75), 4326), 'inspector', $3,
          $1, $4, $5, $6, $7, $7, $7, $7, $8, $9, $10, $7)`,
      [
        `EVAL-${c.code}`,
        c.state,
        SCOPE_KEY,
        c.department,
        c.rework,
        c.extension,
        at(c.filed),
        at(c.deadline),
        at(c.closed),
        c.onTime,
      ],
    );
  }
});

afterAll(async () => {
  await db.query('DELETE FROM city_case WHERE idempotency_scope = $1', [SCOPE_KEY]);
  await db.close();
});

const MARCH = { from: '2019-03-01', to: '2019-03-31', format: 'json' as const };

describe('evaluation indicator definitions on hand-computed cases', () => {
  it('gives the city total worked out by hand, each rate at most 100 %', async () => {
    const e = await evaluate(db, tables, { ...MARCH, by: 'none' }, SCOPE);
    expect(e.total).toEqual({
      key: 'total',
      name: '合计',
      filed: 8,
      due: 6,
      closed: 3,
      closeRate: 0.5,
      onTimeClosed: 2,
      onTimeRate: 0.3333,
      reworked: 2,
      reworkRate: 0.6667,
      extended: 3,
      extensionRate: 0.375,
    });
  });

  it('gives each department the figures worked out by hand', async () => {
    const e = await evaluate(db, tables, { ...MARCH, by: 'department' }, SCOPE);
    const byKey = Object.fromEntries(e.rows.map((r) => [r.key, r]));
    expect(byKey['urban-mgmt']).toMatchObject({
      filed: 3,
      due: 3,
      closed: 2,
      closeRate: 0.6667,
      onTimeClosed: 2,
      onTimeRate: 0.6667,
      reworked: 1,
      reworkRate: 0.5,
      extended: 0,
      extensionRate: 0,
    });
    expect(byKey['flood-control']).toMatchObject({
      filed: 4,
      due: 3,
      closed: 1,
      closeRate: 0.3333,
      onTimeClosed: 0,
      onTimeRate: 0,
      reworked: 1,
      reworkRate: 1,
      extended: 3,
      extensionRate: 0.75,
    });
    expect(byKey['']).toMatchObject({
      name: '（未定）',
      filed: 1,
      due: 0,
      closed: 0,
      closeRate: null,
      onTimeRate: null,
      reworked: 0,
      reworkRate: null,
      extended: 0,
      extensionRate: 0,
    });
    expect(e.rows).toHaveLength(3);
  });
});
