import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import request from 'supertest';
import type { Change, ChangesCatchUp, FeedAck } from '../../contracts/incidents';
import type { Ack } from '../../contracts/realtime';
import { attachRealtime, type Realtime } from '../../gateway/realtime/server';
import { freshScene, postFeed, report } from '../support/feeds';
import { createAccount, createIdentityTestApp, freshIp, login, type IdentityTestApp } from '../support/identity';

/**
 * One access rule per layer, whichever way it is read: the live changes of a layer (`changes:subscribe`, its replay
 * and the live batches) go to whoever may read the layer's records over HTTP, the tile announcements of a layer
 * (`layer:subscribe`) to whoever may read its tiles; and when an administrator changes an account's rights, its open
 * sockets lose at once what the new rights do not cover.
 */
let t: IdentityTestApp;
let server: Server;
let realtime: Realtime;
let url: string;
const sockets: Socket[] = [];
const cookies = new Map<string, string>();
let sysadmin: string;

const ACCOUNTS: [string, Parameters<typeof createAccount>[1]][] = [
  ['commander', { role: 'commander', departmentId: 'command-center' }],
  ['planner', { role: 'planner', departmentId: 'planning' }],
  ['inspector', { role: 'inspector', gridScope: ['230103'] }],
  ['handler:urban', { role: 'handler', departmentId: 'urban-mgmt' }],
  ['handler:flood', { role: 'handler', departmentId: 'flood-control' }],
  ['wall', { role: 'wall' }],
];

beforeAll(async () => {
  t = await createIdentityTestApp();
  server = createServer(t.app);
  realtime = attachRealtime(server, t.deps);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const [label, opts] of ACCOUNTS) {
    const a = await createAccount(t.db, opts);
    cookies.set(label, await login(t.app, a.username, a.password));
  }
  const admin = await createAccount(t.db, { role: 'sysadmin', departmentId: 'info-center' });
  sysadmin = await login(t.app, admin.username, admin.password);
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await realtime.close();
  server.closeAllConnections();
  server.close();
  await t.state.command.ingest.flush();
  await t.close();
});

function open(cookie: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(url, {
      transports: ['websocket'],
      extraHeaders: { cookie, 'x-forwarded-for': freshIp() },
      reconnection: false,
    });
    sockets.push(s);
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}
const emit = <T>(s: Socket, event: string, arg: unknown) =>
  new Promise<Ack<T>>((resolve) => (s.emit as (e: string, ...a: unknown[]) => void)(event, arg, resolve));

/** Every incident id the socket receives in `changes` batches. */
function collect(s: Socket): Set<number> {
  const seen = new Set<number>();
  s.on('changes', (batch: Change[]) => {
    for (const c of batch) if (c.incident) seen.add(c.incident.id);
  });
  return seen;
}

async function newIncident(): Promise<number> {
  const scene = freshScene();
  const res = await postFeed(t.app, '110', report('110', 'traffic_crash', scene, new Date()).payload);
  expect(res.status).toBe(201);
  return (res.body as FeedAck).incidentId;
}

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('live changes are read as the layer’s records are read over HTTP', () => {
  it('refuses a planner the incident changes (caller’s words, address) that GET /api/incidents refuses', async () => {
    const planner = cookies.get('planner')!;
    expect((await request(t.app).get('/api/incidents').set('Cookie', planner)).status).toBe(403);
    const s = await open(planner);
    const seen = collect(s);
    const live = await emit<ChangesCatchUp>(s, 'changes:subscribe', { layers: ['incidents'], since: null });
    expect(live).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/无权限.*查看警情/) } });
    // Nor by replay from the start of the log.
    const replay = await emit<ChangesCatchUp>(s, 'changes:subscribe', { layers: ['incidents'], since: 0 });
    expect(replay.ok).toBe(false);
    const id = await newIncident();
    await new Promise((r) => setTimeout(r, 1000));
    expect(seen.has(id)).toBe(false);
    // The planner's map still refreshes the incident tiles it may read (id, category, status, no personal data).
    expect((await request(t.app).get('/tiles/incidents.json').set('Cookie', planner)).status).toBe(200);
    expect(await emit(s, 'layer:subscribe', { layer: 'incidents' })).toMatchObject({ ok: true });
  });

  it('gives a commander the incident changes, live and replayed', async () => {
    const s = await open(cookies.get('commander')!);
    const seen = collect(s);
    const first = await emit<ChangesCatchUp>(s, 'changes:subscribe', { layers: ['incidents'], since: null });
    expect(first.ok).toBe(true);
    const head = first.ok ? first.data.head : 0;
    const id = await newIncident();
    await until(`incident ${id} on the commander's socket`, () => seen.has(id));
    const again = await emit<ChangesCatchUp>(s, 'changes:subscribe', { layers: ['incidents'], since: head });
    expect(again.ok && again.data.changes.some((c) => c.incident?.id === id)).toBe(true);
  });

  it.each([
    ['planner', 'units', 'GET /api/units'],
    ['handler:flood', 'units', 'GET /api/units'],
    ['planner', 'cases', 'GET /api/cases'],
    ['inspector', 'cases', 'GET /api/cases'],
    ['handler:urban', 'cases', 'GET /api/cases'],
    ['wall', 'incidents', 'GET /api/incidents'],
  ])('%s: changes of %s as %s', async (label, layer, route) => {
    const cookie = cookies.get(label)!;
    const http = await request(t.app).get(route.split(' ')[1]!).set('Cookie', cookie);
    const s = await open(cookie);
    const live = await emit(s, 'changes:subscribe', { layers: [layer], since: null });
    expect([label, layer, live.ok]).toEqual([label, layer, http.status === 200]);
  });

  it.each(['commander', 'planner', 'inspector', 'handler:urban', 'handler:flood', 'wall'])(
    '%s joins a live tile layer exactly when it may read its tiles',
    async (label) => {
      const cookie = cookies.get(label)!;
      const s = await open(cookie);
      for (const layer of ['incidents', 'units', 'cases']) {
        const tiles = await request(t.app).get(`/tiles/${layer}.json`).set('Cookie', cookie);
        const join = await emit(s, 'layer:subscribe', { layer });
        expect([label, layer, join.ok]).toEqual([label, layer, tiles.status === 200]);
      }
    },
  );
});

describe('a change of rights reaches open sockets at once', () => {
  it('stops incident changes to a commander made planner, and tells the client', async () => {
    const account = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
    const cookie = await login(t.app, account.username, account.password);
    const victim = await open(cookie);
    const control = await open(cookies.get('commander')!);
    const seen = collect(victim);
    const controlSeen = collect(control);
    const changed: { user: { role: string }; message: string }[] = [];
    victim.on('session:changed', (info: { user: { role: string }; message: string }) => changed.push(info));
    for (const s of [victim, control])
      expect((await emit(s, 'changes:subscribe', { layers: ['incidents'], since: null })).ok).toBe(true);
    const before = await newIncident();
    await until('the first incident on both sockets', () => seen.has(before) && controlSeen.has(before));

    const patched = await request(t.app)
      .patch(`/api/admin/users/${account.id}`)
      .set('Cookie', sysadmin)
      .send({ role: 'planner', departmentId: 'planning' });
    expect(patched.status).toBe(200);
    await until('session:changed on the demoted socket', () => changed.length > 0, 3000);
    expect(changed[0]!.user.role).toBe('planner');
    expect(changed[0]!.message).toMatch(/权限已变更/);

    const after = await newIncident();
    await until('the second incident on the control socket', () => controlSeen.has(after));
    await new Promise((r) => setTimeout(r, 500));
    expect(seen.has(after)).toBe(false);
    expect(victim.connected).toBe(true);
  });

  it('stops them to the handlers of a department whose kind is changed from 消防 to 城管', async () => {
    const dept = `fire-test-${Date.now().toString(36)}`;
    const created = await request(t.app)
      .post('/api/admin/departments')
      .set('Cookie', sysadmin)
      // A district no case lies in: once it is a 城管 department it must not outrank the city's own in automatic case
      // dispatch for the suites running beside this one (they fall back to a department of the 小类's kind).
      .send({ id: dept, name: `消防测试中队 ${dept}`, kind: 'fire', districtAdcode: '230199' });
    expect(created.status).toBe(201);
    const account = await createAccount(t.db, { role: 'handler', departmentId: dept });
    const s = await open(await login(t.app, account.username, account.password));
    const seen = collect(s);
    const changed: unknown[] = [];
    s.on('session:changed', (info: unknown) => changed.push(info));
    expect((await emit(s, 'changes:subscribe', { layers: ['incidents'], since: null })).ok).toBe(true);
    const before = await newIncident();
    await until('the first incident on the fire handler’s socket', () => seen.has(before));
    const patched = await request(t.app)
      .patch(`/api/admin/departments/${dept}`)
      .set('Cookie', sysadmin)
      .send({ kind: 'urban_mgmt' });
    expect(patched.status).toBe(200);
    await until('session:changed after the department kind changed', () => changed.length > 0, 3000);
    const after = await newIncident();
    await new Promise((r) => setTimeout(r, 1000));
    expect(seen.has(after)).toBe(false);
    const retired = await request(t.app).patch(`/api/admin/departments/${dept}`).set('Cookie', sysadmin).send({ active: false });
    expect(retired.status).toBe(200);
  });

  it('ends the sockets of a disabled account', async () => {
    const account = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
    const s = await open(await login(t.app, account.username, account.password));
    expect((await emit(s, 'changes:subscribe', { layers: ['incidents'], since: null })).ok).toBe(true);
    const gone = new Promise<string>((resolve) => s.on('disconnect', (reason) => resolve(reason)));
    const patched = await request(t.app).patch(`/api/admin/users/${account.id}`).set('Cookie', sysadmin).send({ disabled: true });
    expect(patched.status).toBe(200);
    expect(await gone).toBe('io server disconnect');
  });
});
