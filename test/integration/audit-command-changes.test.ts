import request from 'supertest';
import type { ModeState } from '../../contracts/incidents';
import { ChangeHub } from '../../gateway/changes/hub';
import { changeMode } from '../../gateway/modes/service';
import { migrate } from '../../geo/db/migrate';
import { openPostgres } from '../../geo/db/postgres';
import { createScratchDb } from '../support/db';
import { freshScene, placeUnits, postFeed, report } from '../support/feeds';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';
import { withSharedMode } from '../support/shared-mode';

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
  // The mode is one row shared by every suite running now: this change keeps it as it is (the reason is new), and a
  // mode that really changes is checked on a database of its own below.
  const leader = await createAccount(t.db, { role: 'leader', departmentId: 'command-center' });
  const cookie = await login(t.app, leader.username, leader.password);
  const { current, res } = await withSharedMode(async () => {
    const current = (await request(t.app).get('/api/mode').set('Cookie', cookie)).body.state as { mode: string; drill: boolean };
    const res = await request(t.app)
      .post('/api/mode')
      .set('Cookie', cookie)
      .send({ mode: current.mode, drill: current.drill, reason: '审计测试：确认当前模式' });
    return { current, res };
  });
  expect(res.status).toBe(200);
  const rows = await commandRows('mode.change', res);
  expect(rows[0]).toMatchObject({
    stage: 'authorised',
    input: { mode: current.mode, drill: current.drill, reason: '审计测试：确认当前模式' },
  });
  expect(rows[1]).toMatchObject({
    stage: 'completed',
    status: 200,
    changes: { mode: { from: current.mode, to: current.mode }, drill: { from: current.drill, to: current.drill } },
  });
});

it('tells the handler the mode it replaces, read under the change-log lock', async () => {
  const scratch = await createScratchDb('mode_change');
  const db = await openPostgres(scratch.url);
  try {
    await migrate(db);
    const hub = new ChangeHub();
    const seen: ModeState[] = [];
    await changeMode(db, hub, { mode: 'emergency', drill: true, reason: '演练' }, 'leader.test', (p) => seen.push(p));
    await changeMode(db, hub, { mode: 'wartime', drill: false, reason: '实战' }, 'leader.test', (p) => seen.push(p));
    expect(seen.map((s) => [s.mode, s.drill])).toEqual([
      ['daily', false],
      ['emergency', true],
    ]);
  } finally {
    await db.close();
    await scratch.drop();
  }
}, 60_000);

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

it('records an incident’s state from → to', async () => {
  const commander = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
  const cookie = await login(t.app, commander.username, commander.password);
  const scene = freshScene();
  const fed = await postFeed(t.app, '110', report('110', 'traffic_crash', scene, scene.at).payload);
  expect(fed.status).toBe(201);
  const incidentId = (fed.body as { incidentId: number }).incidentId;
  const res = await request(t.app)
    .post(`/api/incidents/${incidentId}/transition`)
    .set('Cookie', cookie)
    .send({ action: 'acknowledge', note: '已电话核实' });
  expect(res.status).toBe(200);
  const rows = await commandRows('incident.command', res);
  expect(rows[0]).toMatchObject({ stage: 'authorised', input: { action: 'acknowledge', note: '已电话核实' } });
  expect(rows[1]).toMatchObject({
    changes: { incident: incidentId, action: 'acknowledge', status: { from: 'new', to: 'acknowledged' } },
  });
});
