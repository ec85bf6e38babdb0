import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import { io as connect, type Socket } from 'socket.io-client';
import request from 'supertest';
import { SHARING_REQUEST_ACTION } from '../../gateway/sharing/access';
import { sharingCatalogue } from '../../gateway/sharing/catalogue';
import type { DepartmentKind, RoleId } from '../../contracts/identity';
import { CHANGE_LAYERS } from '../../contracts/incidents';
import type { Ack } from '../../contracts/realtime';
import type { Subject } from '../../gateway/policy/policy';
import { readMode } from '../../gateway/modes/service';
import { compileRoute } from '../../gateway/policy/route-pattern';
import { attachRealtime, type Realtime } from '../../gateway/realtime/server';
import { API_CAPABILITIES, ROOT_CAPABILITIES } from '../../gateway/capabilities';
import { routersOf } from '../../gateway/http/capability';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp, type TestAccount } from '../support/identity';
import { withSharedMode } from '../support/shared-mode';

/** The principals of the matrix: every role, and handlers of the department kinds the policy names. */
const PRINCIPALS: { label: string; role: RoleId; departmentId: string | null; kind: DepartmentKind | null }[] = [
  { label: 'commander', role: 'commander', departmentId: 'command-center', kind: 'command' },
  { label: 'dispatcher', role: 'dispatcher', departmentId: 'command-center', kind: 'command' },
  { label: 'inspector', role: 'inspector', departmentId: 'urban-mgmt', kind: 'urban_mgmt' },
  { label: 'handler:traffic', role: 'handler', departmentId: 'traffic-police', kind: 'traffic' },
  { label: 'handler:urban_mgmt', role: 'handler', departmentId: 'urban-mgmt', kind: 'urban_mgmt' },
  { label: 'handler:police', role: 'handler', departmentId: 'police-110', kind: 'police' },
  { label: 'handler:civil_defence', role: 'handler', departmentId: 'civil-defence', kind: 'civil_defence' },
  { label: 'leader', role: 'leader', departmentId: 'command-center', kind: 'command' },
  { label: 'planner', role: 'planner', departmentId: 'planning', kind: 'planning' },
  { label: 'sysadmin', role: 'sysadmin', departmentId: 'info-center', kind: 'it' },
  { label: 'auditadmin', role: 'auditadmin', departmentId: 'info-center', kind: 'it' },
  { label: 'wall', role: 'wall', departmentId: 'command-center', kind: 'command' },
];

let t: IdentityTestApp;
let target: TestAccount;
const cookies = new Map<string, string>();

beforeAll(async () => {
  t = await createIdentityTestApp();
  target = await createAccount(t.db, { role: 'commander', departmentId: 'command-center', prefix: 'target' });
  for (const p of PRINCIPALS) {
    const acct = await createAccount(t.db, {
      role: p.role,
      departmentId: p.departmentId,
      gridScope: p.role === 'inspector' ? ['230103'] : [],
    });
    cookies.set(p.label, await login(t.app, acct.username, acct.password));
  }
}, 120_000);
afterAll(() => t.close());

const subject = (p: (typeof PRINCIPALS)[number]): Subject => ({
  role: p.role,
  kind: p.role === 'wall' ? 'device' : 'person',
  departmentKind: p.kind,
  mustChangePassword: false,
});

/** Every route the app registers: [METHOD, path], with use-mounted middleware as [USE, prefix]. */
function registeredRoutes(): [string, string][] {
  const out: [string, string][] = [];
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; rawPath?: string; handle: unknown };
  const walk = (router: Router, prefix: string) => {
    for (const layer of router.stack as Layer[]) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods).filter((m) => m !== '_all'))
          out.push([m.toUpperCase(), prefix + layer.route.path]);
      } else if (typeof layer.handle === 'function' && 'stack' in layer.handle) {
        // A capability composes its parts as nested routers: walk those too.
        walk(layer.handle as Router, layer.rawPath === '/' ? prefix : prefix + (layer.rawPath ?? ''));
      } else if (layer.rawPath) out.push(['USE', prefix + layer.rawPath]);
    }
  };
  for (const c of API_CAPABILITIES) for (const r of routersOf(c, t.deps, t.state)) walk(r, '/api');
  for (const c of ROOT_CAPABILITIES) for (const r of routersOf(c, t.deps, t.state)) walk(r, '');
  return out;
}

/** A concrete path for a pattern: parameters become a real user id (so admin routes find their target) or `a/b`. */
const sample = (path: string) => path.replace(/:[A-Za-z_]\w*/g, target.id).replace(/\*[A-Za-z_]\w*/g, 'a/b');

describe('every route is in the policy, and every policy route exists', () => {
  it('has a policy entry for each registered Express route (a new route without one fails here)', () => {
    const missing = registeredRoutes()
      .filter(([m, p]) =>
        m === 'USE' ? !t.identity.policy.httpAction('GET', `${p}/x`) : !t.identity.policy.httpAction(m, sample(p)),
      )
      .map(([m, p]) => `${m} ${p}`);
    expect(missing).toEqual([]);
  });

  it('has no policy route that nothing serves', () => {
    const routes = registeredRoutes();
    const stale = t.identity.policy.httpRoutes
      .filter(({ pattern }) => {
        const path = sample(pattern.path);
        return !routes.some(([m, p]) =>
          m === 'USE'
            ? path.startsWith(`${p}/`) && pattern.method === 'GET'
            : m === pattern.method && compileRoute(`${m} ${p}`).test(path),
        );
      })
      .map(({ pattern }) => `${pattern.method} ${pattern.path}`);
    expect(stale).toEqual([]);
  });

  it('answers a path outside the policy with 404 before any handler runs', async () => {
    const res = await request(t.app).get('/api/admin/secret-backdoor').set('Cookie', cookies.get('sysadmin')!).expect(404);
    expect(res.body.error.message).toContain('data/policy.json');
  });
});

const httpCells = () => t.identity.policy.httpRoutes.filter(({ actionId }) => !t.identity.policy.action(actionId)?.public);
/** Cells checked, for the report. */
const tally = { httpAllowed: 0, httpDenied: 0, socketAllowed: 0, socketDenied: 0 };
afterAll(() =>
  console.log(
    `policy matrix: HTTP ${tally.httpAllowed} allowed + ${tally.httpDenied} denied cells; sockets ${tally.socketAllowed} allowed + ${tally.socketDenied} denied cells`,
  ),
);

async function call(method: string, path: string, cookie?: string) {
  const req = request(t.app)[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete' | 'put'](path);
  if (cookie) req.set('Cookie', cookie);
  return method === 'GET' ? req : req.send({});
}

describe('HTTP: the generated role × route matrix', () => {
  it('lets anyone reach the public routes and nobody anonymous reach the others (401)', async () => {
    for (const { pattern, actionId } of t.identity.policy.httpRoutes) {
      if (pattern.method === 'POST' && pattern.path === '/api/auth/login') continue;
      const res = await call(pattern.method, sample(pattern.path));
      const isPublic = t.identity.policy.action(actionId)?.public === true;
      expect([`${pattern.method} ${pattern.path}`, isPublic ? ![401, 403].includes(res.status) : res.status === 401]).toEqual([
        `${pattern.method} ${pattern.path}`,
        true,
      ]);
    }
  });

  it.each(PRINCIPALS.map((p) => [p.label, p] as const))(
    'enforces every cell for %s: allowed → handled, denied → 403 with the reason',
    async (_label, p) => {
      const cookie = cookies.get(p.label)!;
      // Some grants change with the system mode (policy-modes.test.ts): hold the mode still and decide in it.
      await withSharedMode(async () => {
        const mode = (await readMode(t.db)).mode;
        for (const { pattern, actionId } of httpCells()) {
          const allowed = t.identity.policy.authorize(subject(p), actionId, mode).allowed;
          const res = await call(pattern.method, sample(pattern.path), cookie);
          const cell = `${p.label} ${pattern.method} ${pattern.path}`;
          tally[allowed ? 'httpAllowed' : 'httpDenied']++;
          if (allowed) {
            expect([cell, res.status]).not.toEqual([cell, 401]);
            expect([cell, res.status]).not.toEqual([cell, 403]);
            expect([cell, res.status < 500]).toEqual([cell, true]);
            expect(String(res.body?.error?.message ?? '')).not.toContain('data/policy.json');
          } else {
            expect([cell, res.status]).toEqual([cell, 403]);
            expect(res.body.error.code).toBe('forbidden');
            expect(res.body.error.message).toContain(t.identity.policy.action(actionId)!.label);
            expect(res.body.error.details).toEqual({ action: actionId });
          }
        }
      });
    },
  );

  it('audits every denial with the user, role, action and request id', async () => {
    const res = await request(t.app).get('/api/audit/events').set('Cookie', cookies.get('sysadmin')!).expect(403);
    const [row] = await t.db.query<{ role: string; outcome: string; object: string; detail: string }>(
      `SELECT role, outcome, object, detail FROM audit_event WHERE action = 'access.denied' AND request_id = $1`,
      [String(res.headers['x-request-id'])],
    );
    expect(row).toMatchObject({ role: 'sysadmin', outcome: 'denied', object: 'GET /api/audit/events' });
    expect(JSON.parse(row!.detail)).toMatchObject({ action: 'audit.read' });
  });
});

/** Client events that succeed with the arguments the matrix sends (none, a layer, a change-log subscription). */
const SIMPLE_EVENTS = ['session:', 'layer:', 'changes:'];
/** The action of each change layer's HTTP read (GET /api/incidents…), which its live changes share. */
const CHANGE_READ: Record<(typeof CHANGE_LAYERS)[number], string> = {
  incidents: 'incident.read',
  units: 'unit.read',
  gauges: 'gauge.read',
  cases: 'case.read',
  sirens: 'airdefense.siren.read',
  responses: 'response.read',
  response_tasks: 'response_task.read',
  warnings: 'warning.read',
  duty: 'duty.read',
  shelters: 'shelter.read',
};
/** Live tile layers read under another `layers` entry than their own id (as their HTTP tiles are). */
const TILE_GUARD: Record<string, string> = { cases: 'case_statistics' };

describe('sockets: the same matrix for events and layers', () => {
  let server: Server;
  let realtime: Realtime;
  let url: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = createServer(t.app);
    realtime = attachRealtime(server, t.deps);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await realtime.close();
  });

  const open = (cookie: string) =>
    new Promise<Socket>((resolve, reject) => {
      const s = connect(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
      sockets.push(s);
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });
  const emit = <T>(s: Socket, event: string, ...args: unknown[]) =>
    new Promise<Ack<T>>((resolve) => (s.emit as (e: string, ...a: unknown[]) => void)(event, ...args, resolve));

  it.each(PRINCIPALS.map((p) => [p.label, p] as const))('enforces every event and layer cell for %s', async (_label, p) => {
    const s = await open(cookies.get(p.label)!);
    // changes:subscribe is asked for a change layer the role may see, when there is one (layers are checked next).
    const changeLayer = CHANGE_LAYERS.find((l) => t.identity.policy.authorize(subject(p), CHANGE_READ[l]).allowed) ?? null;
    const argsOf = (event: string): unknown[] =>
      event.startsWith('layer:')
        ? [{ layer: 'grid' }]
        : event === 'changes:subscribe'
          ? [{ layers: [changeLayer ?? 'incidents'], since: null }]
          : [];
    for (const [event, actionId] of Object.entries(t.identity.policy.file.socket)) {
      const actionAllowed = t.identity.policy.authorize(subject(p), actionId).allowed;
      const allowed = actionAllowed && (event !== 'changes:subscribe' || changeLayer !== null);
      const ack = await emit(s, event, ...argsOf(event));
      tally[allowed ? 'socketAllowed' : 'socketDenied']++;
      // Session, layer and change-log events succeed without arguments; the others (media, conferences) need real
      // ones, so an allowed role gets its handler's own answer (bad request, not joined…), never a refusal.
      const passedPolicy = SIMPLE_EVENTS.some((prefix) => event.startsWith(prefix))
        ? ack.ok
        : ack.ok || ack.error.code !== 'forbidden';
      expect([p.label, event, passedPolicy]).toEqual([p.label, event, allowed]);
      if (!allowed && !ack.ok) {
        expect(ack.error.code).toBe('forbidden');
        if (!actionAllowed) expect(ack.error.message).toContain(t.identity.policy.action(actionId)!.label);
      }
    }
    if (!t.identity.policy.authorize(subject(p), 'map.view').allowed) return;
    for (const layer of Object.keys(t.identity.policy.file.layers)) {
      // The role's `layers` entry, or a 强制共享 layer (data/sharing.json) open to every department's people who take
      // part in sharing (every principal here has a department).
      const mandatory = sharingCatalogue().get(layer)?.sharingClass === 'mandatory';
      const sharing =
        mandatory && subject(p).kind === 'person' && t.identity.policy.authorize(subject(p), SHARING_REQUEST_ACTION).allowed;
      const allowed = t.identity.policy.layer(subject(p), TILE_GUARD[layer] ?? layer).allowed || sharing;
      const ack = await emit(s, 'layer:subscribe', { layer });
      tally[allowed ? 'socketAllowed' : 'socketDenied']++;
      expect([p.label, layer, ack.ok]).toEqual([p.label, layer, allowed]);
      if (!ack.ok) expect(ack.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining(layer) });
      if ((CHANGE_LAYERS as readonly string[]).includes(layer)) {
        const readable = t.identity.policy.authorize(subject(p), CHANGE_READ[layer as keyof typeof CHANGE_READ]).allowed;
        const live = await emit(s, 'changes:subscribe', { layers: [layer], since: null });
        tally[readable ? 'socketAllowed' : 'socketDenied']++;
        expect([p.label, `changes:${layer}`, live.ok]).toEqual([p.label, `changes:${layer}`, readable]);
      }
    }
  });

  it('refuses unknown events and malformed commands with a reason', async () => {
    const s = await open(cookies.get('commander')!);
    expect(await emit(s, 'case:explode')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await emit(s, 'layer:subscribe', { layer: 'NOT A LAYER!' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await emit(s, 'layer:subscribe', { layer: 'unknown_layer' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });
});
