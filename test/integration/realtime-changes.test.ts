import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { FeedAck, IncidentListResponse, ModeState } from '../../contracts/incidents';
import { appendChanges, CATCH_UP_MAX, lockChangeLog, type ChangeInput } from '../../gateway/changes/log';
import { attachRealtime, type Realtime } from '../../gateway/realtime/server';
import { freshScene, offset, postFeed, report } from '../support/feeds';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';
import { WallClient } from '../support/realtime';
import { withSharedMode } from '../support/shared-mode';

/**
 * The change log over Socket.IO in one gateway: subscriptions by layer and area, live changes with sequence
 * numbers, catch-up after a disconnect without loss or duplicates, mode changes to every client, heartbeat.
 */
let t: IdentityTestApp;
let server: Server;
let realtime: Realtime;
let url: string;
let wallCookie: string;
let leaderCookie: string;
const clients: WallClient[] = [];

beforeAll(async () => {
  t = await createIdentityTestApp();
  server = createServer(t.app);
  realtime = attachRealtime(server, t.deps);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const w = await createAccount(t.db, { role: 'wall' });
  wallCookie = await login(t.app, w.username, w.password);
  const l = await createAccount(t.db, { role: 'leader' });
  leaderCookie = await login(t.app, l.username, l.password);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await t.state.command.ingest.flush();
  await realtime.close();
  server.closeAllConnections();
  server.close();
  await t.close();
});

async function snapshotSeq(): Promise<number> {
  const res = await request(t.app).get('/api/incidents?status=open').set('Cookie', wallCookie);
  return (res.body as IncidentListResponse).seq;
}

function wall(sub: { layers: ('incidents' | 'units' | 'gauges')[]; areas?: string[] }, since: number) {
  const c = new WallClient(url, wallCookie, { layers: sub.layers, areas: sub.areas ?? [] }, since);
  clients.push(c);
  return c;
}

it('delivers a new incident to a subscribed wall with a sequence number after the snapshot', async () => {
  const since = await snapshotSeq();
  const c = wall({ layers: ['incidents'] }, since);
  await c.ready();
  const s = freshScene();
  const ack = (await postFeed(t.app, '119', report('119', 'fire', s, s.at).payload)).body as FeedAck;
  const change = await c.waitFor((x) => x.incident?.id === ack.incidentId);
  expect(change.seq).toBeGreaterThan(since);
  expect(change.topic).toBe('incident');
  expect(change.incident!.records[0]!.sourceId).toBeTruthy();
});

it('filters by area: a district subscriber gets its district and not others', async () => {
  const daoli = '230102';
  const c = wall({ layers: ['incidents'], areas: [daoli] }, await snapshotSeq());
  await c.ready();
  const s = freshScene();
  // 中央大街 is in 道里区; 哈尔滨工程大学 (南岗区) is not.
  const inside = (await postFeed(t.app, '110', report('110', 'crime', { lon: 126.6135, lat: 45.7705 }, s.at).payload))
    .body as FeedAck;
  const outside = (await postFeed(t.app, '110', report('110', 'crime', { lon: 126.6818, lat: 45.7766 }, s.at).payload))
    .body as FeedAck;
  await c.waitFor((x) => x.incident?.id === inside.incidentId);
  await new Promise((r) => setTimeout(r, 300));
  expect(c.incidentIds().has(outside.incidentId)).toBe(false);
});

it('catches a reconnecting wall up from its last sequence: nothing lost, nothing twice, in order', async () => {
  const since = await snapshotSeq();
  const c = wall({ layers: ['incidents'] }, since);
  await c.ready();
  const s = freshScene();
  const first = (await postFeed(t.app, '120', report('120', 'medical', s, s.at).payload)).body as FeedAck;
  await c.waitFor((x) => x.incident?.id === first.incidentId);
  c.socket.disconnect();
  const missed: number[] = [];
  for (let i = 1; i <= 5; i++) {
    const p = offset(s, i * 2000, 0);
    missed.push(((await postFeed(t.app, '120', report('120', 'medical', p, s.at).payload)).body as FeedAck).incidentId);
  }
  c.socket.connect();
  for (const id of missed) await c.waitFor((x) => x.incident?.id === id);
  expect(c.duplicates).toBe(0);
  // In order after the snapshot (the catch-up overlap may also replay older changes of suites running beside this one).
  const seqs = [...c.applied.keys()].filter((seq) => seq > since);
  expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
});

it('asks a wall more than CATCH_UP_MAX changes behind to reload the snapshot instead of replaying them', async () => {
  const since = await snapshotSeq();
  // A burst of readings of one gauge while the wall was away: one more change than a catch-up replays.
  const at0 = Date.parse('2025-07-01T00:00:00Z');
  const burst: ChangeInput[] = Array.from({ length: CATCH_UP_MAX + 1 }, (_, i) => ({
    topic: 'gauge',
    entity: '10800400',
    district: '230102',
    payload: {
      gauge: {
        stationId: '10800400',
        name: '哈尔滨',
        river: '松花江',
        lon: 126.6175,
        lat: 45.7862,
        waterLevelM: 116 + (i % 100) / 100,
        rainfallMm: null,
        warningLevelM: 118.1,
        at: new Date(at0 + i * 60_000).toISOString(),
        overWarning: false,
      },
    },
  }));
  await t.db.transaction(async (tx) => {
    await lockChangeLog(tx);
    await appendChanges(tx, burst);
  });
  const c = wall({ layers: ['gauges'] }, since);
  const ack = await c.ready();
  expect(ack).toMatchObject({ reset: true, changes: [] });
  expect(ack.head).toBeGreaterThanOrEqual(since + CATCH_UP_MAX + 1);
});

it('asks a wall ahead of the log (a database restored from an older backup) to reload the snapshot', async () => {
  const c = wall({ layers: ['incidents'] }, 10 ** 12);
  const ack = await c.ready();
  expect(ack.reset).toBe(true);
});

it('refuses a layer the role may not see', async () => {
  const planner = await createAccount(t.db, { role: 'planner' });
  const cookie = await login(t.app, planner.username, planner.password);
  const c = new WallClient(url, cookie, { layers: ['units'], areas: [] }, 0, { reconnection: false });
  clients.push(c);
  await expect(c.ready()).rejects.toThrow(/规划/);
});

it('sends a mode change to every client at once and a heartbeat every two seconds', async () => {
  const a = wall({ layers: ['incidents'] }, await snapshotSeq());
  const b = wall({ layers: ['units'] }, await snapshotSeq());
  await Promise.all([a.ready(), b.ready()]);
  // The mode row is shared with the suites running beside this one.
  await withSharedMode(async () => {
    // Every mode change each client receives; the previous holder's switch back may still be on its way.
    const seen = [a, b].map((c) => {
      const list: ModeState[] = [];
      c.socket.on('mode:changed', (m: ModeState) => list.push(m));
      return list;
    });
    const res = await request(t.app)
      .post('/api/mode')
      .set('Cookie', leaderCookie)
      .send({ mode: 'emergency', drill: true, reason: '防汛演练' });
    expect(res.status).toBe(200);
    const { seq } = res.body as ModeState;
    for (const list of seen) {
      for (let i = 0; i < 200 && !list.some((m) => m.seq >= seq); i++) await new Promise((r) => setTimeout(r, 50));
      expect(list.find((m) => m.seq === seq)).toMatchObject({ mode: 'emergency', drill: true, seq });
      // Nothing after it arrived before it.
      expect(list.filter((m) => m.seq > seq)).toEqual([]);
    }
    await request(t.app).post('/api/mode').set('Cookie', leaderCookie).send({ mode: 'daily', drill: false, reason: '演练结束' });
  });
  const before = a.heads;
  await new Promise((r) => setTimeout(r, 4500));
  expect(a.heads - before).toBeGreaterThanOrEqual(2);
  // The shared mode may be held a while by the suites beside this one (drills, the policy matrix per mode).
}, 240_000);
