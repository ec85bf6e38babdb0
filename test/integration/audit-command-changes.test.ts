import request from 'supertest';
import { placeUnits } from '../support/feeds';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

/** A command's audit rows say what it changed, not only which route ran: its input, and from → to. */
let t: IdentityTestApp;
beforeAll(async () => {
  t = await createIdentityTestApp();
});
afterAll(() => t.close());

/** The command's two rows (authorised, completed) by its request id; the second is written as the response ends. */
async function commandRows(action: string, res: { headers: Record<string, unknown> }) {
  const requestId = String(res.headers['x-request-id'] ?? '');
  const read = async () =>
    (
      await t.db.query<{ detail: string }>('SELECT detail FROM audit_event WHERE action = $1 AND request_id = $2 ORDER BY seq', [
        action,
        requestId,
      ])
    ).map((r) => JSON.parse(r.detail) as Record<string, unknown>);
  let rows = await read();
  for (let i = 0; rows.length < 2 && i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    rows = await read();
  }
  return rows;
}

it('records the mode change’s input and the mode from → to', async () => {
  const leader = await createAccount(t.db, { role: 'leader', departmentId: 'command-center' });
  const cookie = await login(t.app, leader.username, leader.password);
  const before = (await request(t.app).get('/api/mode').set('Cookie', cookie)).body.state as { mode: string; drill: boolean };
  const target = before.mode === 'emergency' ? 'wartime' : 'emergency';
  const res = await request(t.app)
    .post('/api/mode')
    .set('Cookie', cookie)
    .send({ mode: target, drill: true, reason: '审计测试：演练切换' });
  expect(res.status).toBe(200);
  const rows = await commandRows('mode.change', res);
  expect(rows[0]).toMatchObject({ stage: 'authorised', input: { mode: target, drill: true, reason: '审计测试：演练切换' } });
  expect(rows[1]).toMatchObject({
    stage: 'completed',
    status: 200,
    changes: { mode: { from: before.mode, to: target }, drill: { from: before.drill, to: true } },
  });
  await request(t.app)
    .post('/api/mode')
    .set('Cookie', cookie)
    .send({ mode: before.mode, drill: before.drill, reason: '审计测试：恢复' })
    .expect(200);
});

it('records a unit’s status from → to, with the note it was given', async () => {
  const commander = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
  const cookie = await login(t.app, commander.username, commander.password);
  const [unit] = await placeUnits(t.db, [{ type: 'fire_engine', agency: '119', lon: 126.63, lat: 45.75 }]);
  const res = await request(t.app)
    .post(`/api/units/${unit}/status`)
    .set('Cookie', cookie)
    .send({ status: 'out_of_service', note: '车辆保养' });
  expect(res.status).toBe(200);
  const rows = await commandRows('unit.status', res);
  expect(rows[0]).toMatchObject({ stage: 'authorised', input: { status: 'out_of_service', note: '车辆保养' } });
  expect(rows[1]).toMatchObject({
    stage: 'completed',
    changes: { unit, status: { from: 'available', to: 'out_of_service' } },
  });
});
