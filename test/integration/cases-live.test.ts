import request from 'supertest';
import type { CaseListResponse } from '../../contracts/cases';
import { caseEvent, createCaseTestApp, reportCase, type CaseTestApp } from '../support/cases';
import { WallClient } from '../support/realtime';
import { listenWithRealtime, type ListeningApp } from '../support/listen';

/**
 * Cases reach walls and consoles live: a client subscribed to the `cases` layer after a list snapshot receives
 * each report and workflow event as a change with the case summary, in order; a role without the layer cannot
 * subscribe to it.
 */
let t: CaseTestApp;
let gateway: ListeningApp;
let url: string;
const clients: WallClient[] = [];

beforeAll(async () => {
  t = await createCaseTestApp();
  gateway = await listenWithRealtime(t.app, t.deps);
  url = gateway.url;
});
afterAll(async () => {
  for (const c of clients) c.close();
  await gateway.close();
  await t.close();
});

it('delivers a reported case and each of its steps to a wall subscribed to the cases layer', async () => {
  const snapshot = (await request(t.app).get('/api/cases').set('Cookie', t.users.wall!.cookie)).body as CaseListResponse;
  const wall = new WallClient(url, t.users.wall!.cookie, { layers: ['cases'], areas: [] }, snapshot.seq);
  clients.push(wall);
  await wall.ready();
  const r = await reportCase(t, t.users.inspector!.cookie);
  expect(r.status).toBe(201);
  const id = r.body.case.id;
  const reported = await wall.waitFor((c) => c.case?.id === id);
  expect(reported).toMatchObject({ topic: 'case', district: r.body.case.place.district!.code });
  expect(reported.case!.state).toBe('reported');
  expect(reported.seq).toBeGreaterThan(snapshot.seq);
  await caseEvent(t, t.users.dispatcher!.cookie, id, 'accept');
  await caseEvent(t, t.users.dispatcher!.cookie, id, 'file');
  await caseEvent(t, t.users.dispatcher!.cookie, id, 'dispatch');
  const dispatched = await wall.waitFor((c) => c.case?.id === id && c.case.state === 'dispatched');
  expect(dispatched.case!.sla.deadline).not.toBeNull();
  const states = [...wall.applied.values()].filter((c) => c.case?.id === id).map((c) => c.case!.state);
  expect(states).toEqual(['reported', 'pending_filing', 'filed', 'dispatched']);
  expect(wall.duplicates).toBe(0);
});

it('refuses the cases layer to a role the policy does not grant it', async () => {
  const planner = new WallClient(url, t.users.planner!.cookie, { layers: ['cases'], areas: [] }, 0, { reconnection: false });
  clients.push(planner);
  await expect(planner.ready()).rejects.toThrow(/cases|forbidden|图层/);
});
