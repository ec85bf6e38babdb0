import request from 'supertest';
import {
  evaluationCasesSchema,
  evaluationDepartmentsSchema,
  evaluationTrendSchema,
} from '../../contracts/cases/evaluation-detail';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

/**
 * 综合评价 in detail over HTTP, on hand-made cases filed in May 2012 (Asia/Shanghai), a month no other suite uses,
 * so the leader's city-wide answer holds only these rows:
 *
 *   case  department     state      filed  first dispatch  fed back        closed  on time  rework  returned by
 *   A     urban-mgmt     closed     05-02  05-02 10:00     05-02 14:00     05-03   yes      0
 *   B     urban-mgmt     closed     05-03  05-03 10:00     05-04 10:00     05-05   no       1
 *   C     urban-mgmt     handling   05-08  05-08 10:00     —               —       —        0
 *   D     flood-control  fed_back   05-15  05-15 10:00     05-15 12:00     —       yes      0
 *   E     —              filed      05-16  05-16 10:00     —               —       —        0       flood-control
 *   F     urban-mgmt     closed     04-20  04-20 10:00     04-20 12:00     04-21   yes      0       (April: outside May)
 *
 * Weeks of May (from Monday): 04-30 A B (filed 2, closed 2, on time 1); 05-07 C (1, 0, 0); 05-14 D E (2, 0, 0);
 * 05-21 and 05-28 empty. Months April–June: April F (1, 1, 1), May 5 (2, 1), June 0.
 * Departments in May: urban-mgmt handled 3, fed back 2, on time 1 (50 %), reworked 1, returned 0, mean (4 + 24) / 2 = 14 h;
 * flood-control handled 1, fed back 1, on time 1 (100 %), reworked 0, returned 1 (E), mean 2 h.
 */
const SCOPE_KEY = `evaluation-detail-test-${process.pid}`;
let t: IdentityTestApp;
let leader: string;
let planner: string;
const ids: Record<string, number> = {};

const at = (day: string, time = '10:00') => `2012-${day}T${time}:00+08:00`;
// prettier-ignore
const ROWS: [string, string | null, string, string, string | null, string | null, boolean | null, number][] = [
  // code department      state        filed    fed back             closed   on time rework
  ['A', 'urban-mgmt',    'closed',    '05-02', at('05-02', '14:00'), '05-03', true,  0],
  ['B', 'urban-mgmt',    'closed',    '05-03', at('05-04'),          '05-05', false, 1],
  ['C', 'urban-mgmt',    'handling',  '05-08', null,                 null,    null,  0],
  ['D', 'flood-control', 'fed_back',  '05-15', at('05-15', '12:00'), null,    true,  0],
  ['E', null,            'filed',     '05-16', null,                 null,    null,  0],
  ['F', 'urban-mgmt',    'closed',    '04-20', at('04-20', '12:00'), '04-21', true,  0],
];

beforeAll(async () => {
  t = await createIdentityTestApp();
  await t.db.query('DELETE FROM case_step WHERE case_id IN (SELECT id FROM city_case WHERE idempotency_scope = $1)', [SCOPE_KEY]);
  await t.db.query('DELETE FROM city_case WHERE idempotency_scope = $1', [SCOPE_KEY]);
  for (const [code, dept, state, filed, fedBack, closed, onTime, rework] of ROWS) {
    const [row] = await t.db.query<{ id: string }>(
      `INSERT INTO city_case (code, state, kind, category_code, major_code, description, geom, district_code, district_name,
          channel, idempotency_scope, idempotency_key, department_id, rework_count, observed_at, reported_at, filed_at,
          first_dispatched_at, dispatched_at, fed_back_at, closed_at, on_time, updated_at)
       VALUES ($1, $2, 'event', 'SJ0102', 'SJ01', '评价明细测试', ST_SetSRID(ST_MakePoint(126.63, 45.75), 4326), '230102',
          '道里区', 'inspector', $3, $1, $4, $5, $6, $6, $6, $6, $6, $7, $8, $9, $6)
       RETURNING id`,
      [`EVD-${process.pid}-${code}`, state, SCOPE_KEY, dept, rework, at(filed), fedBack, closed ? at(closed) : null, onTime],
    );
    ids[code] = Number(row!.id);
  }
  // E was dispatched to flood-control, which sent it back as wrongly dispatched (回退).
  await t.db.query(
    `INSERT INTO case_step (case_id, event, from_state, to_state, at, actor_role, data)
     VALUES ($1, 'return', 'dispatched', 'filed', $2, 'handler', '{"previousDepartmentId": "flood-control"}')`,
    [ids.E!, at('05-16', '11:00')],
  );
  const l = await createAccount(t.db, { role: 'leader', departmentId: 'command-center', prefix: 'evdleader' });
  leader = await login(t.app, l.username, l.password);
  const p = await createAccount(t.db, { role: 'planner', departmentId: 'planning', prefix: 'evdplanner' });
  planner = await login(t.app, p.username, p.password);
});

afterAll(async () => {
  await t.db.query('DELETE FROM case_step WHERE case_id IN (SELECT id FROM city_case WHERE idempotency_scope = $1)', [SCOPE_KEY]);
  await t.db.query('DELETE FROM city_case WHERE idempotency_scope = $1', [SCOPE_KEY]);
  await t.close();
});

const get = (path: string, cookie = leader) => request(t.app).get(path).set('Cookie', cookie);

describe('evaluation trend', () => {
  it('counts the cases filed in each week of May, empty weeks as zero', async () => {
    const res = await get('/api/cases/evaluation/trend?from=2012-05-01&to=2012-05-31&interval=week');
    expect(res.status).toBe(200);
    const body = evaluationTrendSchema.parse(res.body);
    expect(body.points).toEqual([
      { start: '2012-04-30', filed: 2, closed: 2, onTimeClosed: 1 },
      { start: '2012-05-07', filed: 1, closed: 0, onTimeClosed: 0 },
      { start: '2012-05-14', filed: 2, closed: 0, onTimeClosed: 0 },
      { start: '2012-05-21', filed: 0, closed: 0, onTimeClosed: 0 },
      { start: '2012-05-28', filed: 0, closed: 0, onTimeClosed: 0 },
    ]);
  });

  it('counts by month over a quarter', async () => {
    const res = await get('/api/cases/evaluation/trend?from=2012-04-01&to=2012-06-30&interval=month');
    expect(res.status).toBe(200);
    expect(evaluationTrendSchema.parse(res.body).points).toEqual([
      { start: '2012-04-01', filed: 1, closed: 1, onTimeClosed: 1 },
      { start: '2012-05-01', filed: 5, closed: 2, onTimeClosed: 1 },
      { start: '2012-06-01', filed: 0, closed: 0, onTimeClosed: 0 },
    ]);
  });
});

describe('drill-down from a row to its cases', () => {
  it('lists the cases of one department, newest filed first, with the total', async () => {
    const res = await get('/api/cases/evaluation/cases?from=2012-05-01&to=2012-05-31&by=department&key=urban-mgmt');
    expect(res.status).toBe(200);
    const body = evaluationCasesSchema.parse(res.body);
    expect(body.total).toBe(3);
    expect(body.cases.map((c) => c.id)).toEqual([ids.C, ids.B, ids.A]);
    const b = body.cases.find((c) => c.id === ids.B)!;
    expect(b).toMatchObject({ state: 'closed', onTime: false, reworked: true, departmentId: 'urban-mgmt' });
    expect(b.categoryName).not.toBe('SJ0102');
  });

  it('lists the row of cases without a department for the empty key, and limits the list but not the total', async () => {
    const none = evaluationCasesSchema.parse(
      (await get('/api/cases/evaluation/cases?from=2012-05-01&to=2012-05-31&by=department&key=')).body,
    );
    expect(none.cases.map((c) => c.id)).toEqual([ids.E]);
    const limited = evaluationCasesSchema.parse(
      (await get('/api/cases/evaluation/cases?from=2012-05-01&to=2012-05-31&by=district&key=230102&limit=2')).body,
    );
    expect(limited.total).toBe(5);
    expect(limited.cases.map((c) => c.id)).toEqual([ids.E, ids.D]);
  });
});

describe('handling department assessment', () => {
  it('gives each department the figures worked out by hand', async () => {
    const res = await get('/api/cases/evaluation/departments?from=2012-05-01&to=2012-05-31');
    expect(res.status).toBe(200);
    const body = evaluationDepartmentsSchema.parse(res.body);
    expect(body.departments).toHaveLength(2);
    const by = Object.fromEntries(body.departments.map((d) => [d.departmentId, d]));
    expect(by['urban-mgmt']).toMatchObject({
      handled: 3,
      fedBack: 2,
      onTime: 1,
      onTimeRate: 0.5,
      reworked: 1,
      returned: 0,
      avgHandlingHours: 14,
    });
    expect(by['flood-control']).toMatchObject({
      handled: 1,
      fedBack: 1,
      onTime: 1,
      onTimeRate: 1,
      reworked: 0,
      returned: 1,
      avgHandlingHours: 2,
    });
    expect(by['urban-mgmt']!.name).toMatch(/\p{Script=Han}/u);
    // Most handled first.
    expect(body.departments[0]!.departmentId).toBe('urban-mgmt');
  });
});

describe('access and hostile input', () => {
  it('refuses a role without case.evaluate', async () => {
    for (const path of ['trend', 'cases', 'departments']) {
      const res = await get(`/api/cases/evaluation/${path}?from=2012-05-01&to=2012-05-31`, planner);
      expect(res.status).toBe(403);
    }
  });

  it.each([
    ['trend?from=2012-05-01&to=2012-05-31&interval=year', /week 或 month/],
    ['trend?from=2012-05-01&to=2015-09-01', /统计时段最长三年/],
    ['trend?from=2012-05-31&to=2012-05-01', /参数 to 不能早于 from/],
    ['cases?from=2012-05-01&to=2012-05-31&limit=999999', /1 到 500/],
    ['cases?from=2012-05-01&to=2012-05-31&limit=-1', /1 到 500/],
    ['cases?from=2012-05-01&to=2012-05-31&by=district&key=%00', /不允许/],
    ['cases?from=2012-05-01&to=2012-05-31&by=district&key=%ED%A0%80', /./],
    [`cases?from=2012-05-01&to=2012-05-31&by=district&key=${'x'.repeat(65)}`, /最长 64/],
    ['cases?from=2012-05-01&to=2012-05-31&by=owner', /维度/],
    ['departments?from=2012-13-45&to=2012-05-31', /./],
    ['departments?from=%00&to=2012-05-31', /不允许/],
    ['departments?from=2012-05-01&to=2012-05-31&x=1', /./],
    ['cases?from=2012-05-01&to=2012-05-31&by=district&key=%E5%8C%BA%20%27%3B--', /不允许的字符/],
  ])('answers %s with a 400 and a clear message', async (path, message) => {
    const res = await get(`/api/cases/evaluation/${path}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(message);
  });
});
