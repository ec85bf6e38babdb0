import request from 'supertest';
import type { RoadCondition } from '../../contracts/routing';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

/**
 * Road conditions are lifted by whoever is responsible for them: a handler department (交警, 防汛) lifts the ones it
 * set itself, the command centre (commander, dispatcher, leader) any, including those placed from agency records.
 */
let t: IdentityTestApp;
const cookies = new Map<string, string>();
const placed: number[] = [];

const ACCOUNTS: [string, Parameters<typeof createAccount>[1]][] = [
  ['commander', { role: 'commander', departmentId: 'command-center' }],
  ['dispatcher', { role: 'dispatcher', departmentId: 'command-center' }],
  ['traffic', { role: 'handler', departmentId: 'traffic-police' }],
  ['traffic2', { role: 'handler', departmentId: 'traffic-police' }],
  ['flood', { role: 'handler', departmentId: 'flood-control' }],
];

beforeAll(async () => {
  t = await createIdentityTestApp();
  for (const [label, opts] of ACCOUNTS) {
    const a = await createAccount(t.db, opts);
    cookies.set(label, await login(t.app, a.username, a.password));
  }
});
afterAll(async () => {
  for (const id of placed) await request(t.app).delete(`/api/geo/road-conditions/${id}`).set('Cookie', cookies.get('commander')!);
  await t.close();
});

async function place(who: string, lon: number): Promise<RoadCondition> {
  const res = await request(t.app)
    .post('/api/geo/road-conditions')
    .set('Cookie', cookies.get(who)!)
    .send({ lon, lat: 45.76, factor: 1.5, reason: 'jest 路面积水（责任部门）' });
  expect(res.status).toBe(201);
  placed.push((res.body as RoadCondition).id);
  return res.body as RoadCondition;
}
const lift = (who: string, id: number) =>
  request(t.app).delete(`/api/geo/road-conditions/${id}`).set('Cookie', cookies.get(who)!);
const active = async (id: number) =>
  ((await request(t.app).get('/api/geo/road-conditions')).body.conditions as RoadCondition[]).some((c) => c.id === id);

it('lets 防汛 not lift a condition 交警 set, and 交警 lift its own', async () => {
  const c = await place('traffic', 126.63);
  const refused = await lift('flood', c.id);
  expect(refused.status).toBe(403);
  expect(refused.body.error.message).toMatch(/无权限.*本部门/);
  expect(await active(c.id)).toBe(true);
  const lifted = await lift('traffic2', c.id);
  expect(lifted.status).toBe(200);
  expect(await active(c.id)).toBe(false);
});

it('keeps a condition the command centre set from handlers, and lets the centre lift any', async () => {
  const centre = await place('commander', 126.632);
  expect((await lift('traffic', centre.id)).status).toBe(403);
  expect((await lift('dispatcher', centre.id)).status).toBe(200);
  const handlers = await place('flood', 126.634);
  expect((await lift('commander', handlers.id)).status).toBe(200);
});

it('answers 404 for an unknown condition, whoever asks', async () => {
  expect((await lift('flood', 987654321)).status).toBe(404);
});
