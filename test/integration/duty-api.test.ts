import request from 'supertest';
import { createAccount, createIdentityTestApp, login, TEST_PASSWORD, type IdentityTestApp } from '../support/identity';

/** Rosters over HTTP: shifts, who is on duty across shift boundaries, roster import, handovers, rights, bad input. */
const DEPT = `duty-api-${Date.now().toString(36)}`;
let t: IdentityTestApp;
let commander: string;
let handler: string;
let wall: string;
const ids: Record<'day' | 'night' | 'deputy' | 'leader', string> = { day: '', night: '', deputy: '', leader: '' };
const names: Record<string, string> = {};

beforeAll(async () => {
  t = await createIdentityTestApp();
  await t.db.query(`INSERT INTO department (id, name, kind, district_adcode) VALUES ($1, $2, 'urban_mgmt', '230199')`, [
    DEPT,
    `值班测试部门 ${DEPT}`,
  ]);
  for (const k of Object.keys(ids) as (keyof typeof ids)[]) {
    const a = await createAccount(t.db, { role: k === 'leader' ? 'leader' : 'handler', departmentId: DEPT, prefix: `d${k}` });
    ids[k] = a.id;
    names[k] = a.username;
  }
  const c = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
  commander = await login(t.app, c.username, TEST_PASSWORD);
  const h = await createAccount(t.db, { role: 'handler', departmentId: DEPT });
  handler = await login(t.app, h.username, TEST_PASSWORD);
  const w = await createAccount(t.db, { role: 'wall', departmentId: 'command-center' });
  wall = await login(t.app, w.username, w.password);
});

afterAll(async () => {
  await t.db.query('UPDATE department SET active = false WHERE id = $1', [DEPT]);
  await t.close();
});

const shift = (userId: string, dutyRole: string, startsAt: string, endsAt: string) => ({
  departmentId: DEPT,
  userId,
  dutyRole,
  startsAt,
  endsAt,
});
const nowAt = async (at: string) => {
  const res = await request(t.app)
    .get(`/api/duty/now?at=${encodeURIComponent(at)}`)
    .set('Cookie', wall);
  expect(res.status).toBe(200);
  return (
    res.body as {
      departments: { departmentId: string; shifts: { userId: string; dutyRole: string }[]; nextChangeAt: string | null }[];
    }
  ).departments.find((d) => d.departmentId === DEPT);
};

test('shifts are created by the duty desk, and "now" changes exactly at the shift boundary', async () => {
  for (const body of [
    shift(ids.day, 'officer', '2026-03-02T08:00:00+08:00', '2026-03-02T20:00:00+08:00'),
    shift(ids.leader, 'leader', '2026-03-02T08:00:00+08:00', '2026-03-03T08:00:00+08:00'),
    shift(ids.deputy, 'deputy', '2026-03-02T08:00:00+08:00', '2026-03-02T20:00:00+08:00'),
    shift(ids.night, 'officer', '2026-03-02T20:00:00+08:00', '2026-03-03T08:00:00+08:00'),
  ]) {
    const res = await request(t.app).post('/api/duty/shifts').set('Cookie', commander).send(body);
    expect(res.status).toBe(201);
  }
  const before = await nowAt('2026-03-02T19:59:59+08:00');
  expect(before!.shifts.map((s) => `${s.dutyRole}:${s.userId}`)).toEqual([
    `leader:${ids.leader}`,
    `officer:${ids.day}`,
    `deputy:${ids.deputy}`,
  ]);
  expect(before!.nextChangeAt).toBe('2026-03-02T12:00:00.000Z');
  const after = await nowAt('2026-03-02T20:00:00+08:00');
  expect(after!.shifts.map((s) => `${s.dutyRole}:${s.userId}`)).toEqual([`leader:${ids.leader}`, `officer:${ids.night}`]);
  expect(await nowAt('2026-03-03T08:00:00+08:00')).toBeUndefined();
  expect(await nowAt('2026-03-02T07:59:59+08:00')).toBeUndefined();
});

test('a roster change reaches the change log on layer duty', async () => {
  const res = await request(t.app)
    .post('/api/duty/shifts')
    .set('Cookie', commander)
    .send(shift(ids.day, 'officer', '2026-03-05T08:00:00+08:00', '2026-03-05T20:00:00+08:00'));
  expect(res.status).toBe(201);
  const rows = await t.db.query<{ topic: string; payload: { dutyShift: { id: string } } }>(
    `SELECT topic, payload FROM change_log WHERE entity = $1`,
    [(res.body as { id: string }).id],
  );
  expect(rows.map((r) => [r.topic, r.payload.dutyShift.id])).toEqual([['duty', (res.body as { id: string }).id]]);
});

test('an overlapping shift of the same person is refused; edit and cancel work', async () => {
  const clash = await request(t.app)
    .post('/api/duty/shifts')
    .set('Cookie', commander)
    .send(shift(ids.day, 'deputy', '2026-03-02T19:00:00+08:00', '2026-03-02T23:00:00+08:00'));
  expect(clash.status).toBe(409);
  expect((clash.body as { error: { message: string } }).error.message).toContain('重叠');
  const created = await request(t.app)
    .post('/api/duty/shifts')
    .set('Cookie', commander)
    .send(shift(ids.deputy, 'deputy', '2026-03-04T08:00:00+08:00', '2026-03-04T20:00:00+08:00'));
  const id = (created.body as { id: string }).id;
  const moved = await request(t.app)
    .patch(`/api/duty/shifts/${id}`)
    .set('Cookie', commander)
    .send({ endsAt: '2026-03-04T18:00:00+08:00' });
  expect(moved.status).toBe(200);
  expect((moved.body as { endsAt: string }).endsAt).toBe('2026-03-04T10:00:00.000Z');
  const backwards = await request(t.app)
    .patch(`/api/duty/shifts/${id}`)
    .set('Cookie', commander)
    .send({ endsAt: '2026-03-04T07:00:00+08:00' });
  expect(backwards.status).toBe(400);
  expect((backwards.body as { error: { message: string } }).error.message).toBe('结束时间须晚于开始时间');
  const cancelled = await request(t.app).delete(`/api/duty/shifts/${id}`).set('Cookie', commander);
  expect(cancelled.status).toBe(200);
  expect((cancelled.body as { cancelledAt: string | null }).cancelledAt).not.toBeNull();
  expect((await request(t.app).delete(`/api/duty/shifts/${id}`).set('Cookie', commander)).status).toBe(409);
  const list = await request(t.app)
    .get(`/api/duty/shifts?departmentId=${DEPT}&from=2026-03-04T00:00:00Z&to=2026-03-05T00:00:00Z`)
    .set('Cookie', commander);
  expect((list.body as { shifts: unknown[] }).shifts).toEqual([]);
});

test('bad shifts are refused in Chinese; a handler may read but not plan the roster', async () => {
  const bad = await request(t.app)
    .post('/api/duty/shifts')
    .set('Cookie', commander)
    .send({ ...shift(ids.day, 'boss', 'tomorrow', '2026-03-02T20:00:00+08:00') });
  expect(bad.status).toBe(400);
  expect((bad.body as { error: { message: string } }).error.message).toMatch(/值班角色.*\n?.*|时间须为 ISO 8601/);
  const long = await request(t.app)
    .post('/api/duty/shifts')
    .set('Cookie', commander)
    .send(shift(ids.day, 'officer', '2026-04-01T00:00:00Z', '2026-04-05T00:00:00Z'));
  expect((long.body as { error: { message: string } }).error.message).toContain('72 小时');
  expect(
    (
      await request(t.app)
        .post('/api/duty/shifts')
        .set('Cookie', handler)
        .send(shift(ids.day, 'officer', '2026-04-01T00:00:00Z', '2026-04-01T08:00:00Z'))
    ).status,
  ).toBe(403);
  expect((await request(t.app).get('/api/duty/now').set('Cookie', handler)).status).toBe(200);
});

test('a CSV roster with Chinese role names imports whole, or not at all when a row is wrong', async () => {
  const csv = [
    '部门,用户名,角色,开始,结束,备注',
    `${DEPT},${names.day},值班员,2026-03-10T08:00:00+08:00,2026-03-10T20:00:00+08:00,白班`,
    `${DEPT},${names.deputy},备班,2026-03-10T08:00:00+08:00,2026-03-10T20:00:00+08:00,`,
  ].join('\n');
  const ok = await request(t.app).post('/api/duty/shifts/import').set('Cookie', commander).send({ csv });
  expect(ok.status).toBe(201);
  expect(
    (ok.body as { imported: number; shifts: { dutyRole: string; note: string }[] }).shifts.map((s) => [s.dutyRole, s.note]),
  ).toEqual([
    ['officer', '白班'],
    ['deputy', ''],
  ]);
  const wrong = `${csv.split('\n')[0]}\n${DEPT},${names.night},值班员,2026-03-11T08:00:00+08:00,2026-03-11T20:00:00+08:00,\n${DEPT},nobody.here,值班员,2026-03-11T08:00:00+08:00,2026-03-11T20:00:00+08:00,`;
  const refused = await request(t.app).post('/api/duty/shifts/import').set('Cookie', commander).send({ csv: wrong });
  expect(refused.status).toBe(400);
  expect((refused.body as { error: { message: string } }).error.message).toContain('第 3 行：用户「nobody.here」不存在');
  const list = await request(t.app)
    .get(`/api/duty/shifts?departmentId=${DEPT}&from=2026-03-11T00:00:00Z&to=2026-03-12T00:00:00Z`)
    .set('Cookie', commander);
  expect((list.body as { shifts: unknown[] }).shifts).toEqual([]);
});

test('a handover is written by one shift and taken over once by the next', async () => {
  const h = await request(t.app)
    .post('/api/duty/handovers')
    .set('Cookie', commander)
    .send({ departmentId: DEPT, note: '道外区积水点仍在抽排。', openItems: ['靖宇街泵站待复核'] });
  expect(h.status).toBe(201);
  const id = (h.body as { id: string }).id;
  expect((await request(t.app).post(`/api/duty/handovers/${id}/receive`).set('Cookie', commander)).status).toBe(409);
  const taken = await request(t.app).post(`/api/duty/handovers/${id}/receive`).set('Cookie', handler);
  expect(taken.status).toBe(200);
  expect((taken.body as { receivedAt: string | null }).receivedAt).not.toBeNull();
  expect((await request(t.app).post(`/api/duty/handovers/${id}/receive`).set('Cookie', handler)).status).toBe(409);
  const list = await request(t.app).get(`/api/duty/handovers?departmentId=${DEPT}`).set('Cookie', handler);
  expect((list.body as { handovers: { openItems: string[] }[] }).handovers.map((x) => x.openItems)).toEqual([
    ['靖宇街泵站待复核'],
  ]);
  const empty = await request(t.app)
    .post('/api/duty/handovers')
    .set('Cookie', commander)
    .send({ departmentId: DEPT, note: '   ' });
  expect((empty.body as { error: { message: string } }).error.message).toContain('请填写交接内容');
});
