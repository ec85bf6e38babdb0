import request from 'supertest';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

/** A command's audit rows say what it changed, not only which route ran: its input, and from → to. */
let t: IdentityTestApp;
beforeAll(async () => {
  t = await createIdentityTestApp();
});
afterAll(() => t.close());

async function modeRows(requestId: string) {
  return (
    await t.db.query<{ detail: string }>(
      "SELECT detail FROM audit_event WHERE action = 'mode.change' AND request_id = $1 ORDER BY seq",
      [requestId],
    )
  ).map((r) => JSON.parse(r.detail) as Record<string, unknown>);
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
  const requestId = String(res.headers['x-request-id'] ?? '');
  let rows = await modeRows(requestId);
  for (let i = 0; rows.length < 2 && i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    rows = await modeRows(requestId);
  }
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
