import { readFileSync } from 'node:fs';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import request from 'supertest';
import type { RoleId } from '../../contracts/identity';
import { CLIENT_EVENTS, type Ack } from '../../contracts/realtime';
import { ROOT } from '../support/env';
import type { ChannelKeyResponse } from '../../contracts/cases';
import type { FeedAck } from '../../contracts/incidents';
import { createCaseTestApp, reportCase, sampleJpeg, type CaseTestApp } from '../support/cases';
import { freshScene, postFeed, report } from '../support/feeds';
import { createAccount, freshIp, login } from '../support/identity';
import { listenWithRealtime, type ListeningApp } from '../support/listen';

/**
 * Hostile input at every door: each HTTP route of data/policy.json and each client→server socket event receives
 * NUL characters, lone surrogates, 10 000-deep JSON, huge strings and out-of-range numbers, in its body, query,
 * path parameters and event arguments. Every answer must be a refusal (4xx, or a failed ack), never a 5xx, and the
 * platform must serve normally afterwards.
 */

interface PolicyFile {
  actions: Record<string, { public?: boolean; allow?: string[] }>;
  http: Record<string, string>;
}
const POLICY = JSON.parse(readFileSync(path.join(ROOT, 'data', 'policy.json'), 'utf8')) as PolicyFile;

const DEEP_ARRAY = '['.repeat(10_000) + ']'.repeat(10_000);
const DEEP_OBJECT = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
const FIELDS = ['username', 'password', 'description', 'note', 'name', 'title', 'address', 'layer', 'cameraId', 'conferenceId'];
const everyField = (v: string) => JSON.stringify(Object.fromEntries(FIELDS.map((f) => [f, v])));

/** Raw JSON texts: each is sent byte for byte (a lone surrogate and 1e400 cannot pass through JSON.stringify). */
const BODIES: Record<string, string> = {
  nul: everyField('a\u0000b'),
  'nul in a key': '{"a\\u0000":"x"}',
  'lone high surrogate': everyField('x').replace(/"x"/g, '"\\ud800x"'),
  'lone low surrogate': everyField('x').replace(/"x"/g, '"x\\udfff"'),
  '10k-deep array': DEEP_ARRAY,
  '10k-deep object': DEEP_OBJECT,
  'huge string': JSON.stringify({ description: 'x'.repeat(600_000), username: 'y'.repeat(200_000) }),
  'over the body limit': JSON.stringify({ description: 'x'.repeat(1_200_000) }),
  'infinite number': '{"lon":1e400,"lat":-1e400,"limit":1e400}',
  'finite out-of-range numbers':
    '{"lon":1e308,"lat":-1e308,"limit":1e20,"since":-1e20,"radiusM":1e300,"minutes":1e300,"id":99999999999999999999,"z":-1,"mode":1e300}',
};
const QUERIES: Record<string, string> = {
  'nul in the query': 'q=%00&bbox=%00&filter=%00&limit=%00&cursor=%00',
  'nul in a query name': 'a%00b=1',
  'undecodable query': 'q=%ED%A0%80&bbox=%FF',
  'huge query value': `q=${'x'.repeat(8000)}`,
  'out-of-range query numbers': 'limit=1e400&bbox=1e308,1e308,1e309,1e309&lon=1e308&lat=-1e308&since=99999999999999999999&z=-1',
};
/** Families refused at the edge on every route, whatever the route reads. */
const MUST_REFUSE = new Set([
  'nul',
  'nul in a key',
  'lone high surrogate',
  'lone low surrogate',
  '10k-deep array',
  '10k-deep object',
  'huge string',
  'over the body limit',
  'infinite number',
  'nul in the query',
  'nul in a query name',
  'nul in a path parameter',
]);
const PATH_VALUES: Record<string, string> = {
  'nul in a path parameter': 'a%00b',
  'undecodable path parameter': '%ED%A0%80',
  'huge path parameter': 'x'.repeat(8000),
  'out-of-range path number': '99999999999999999999999',
};
const FILL: Record<string, string> = {
  id: '1',
  source: '110',
  collectionId: 'incidents',
  featureId: '1',
  photoId: '1',
  name: 'x.webm',
  path: 'x',
};

const ROLE_ORDER = [
  'commander',
  'dispatcher',
  'leader',
  'sysadmin',
  'auditadmin',
  'planner',
  'inspector',
  'handler',
  'wall',
] as const;
const DEPARTMENT: Record<(typeof ROLE_ORDER)[number], string> = {
  commander: 'command-center',
  dispatcher: 'command-center',
  leader: 'command-center',
  sysadmin: 'info-center',
  auditadmin: 'info-center',
  planner: 'planning',
  inspector: 'urban-mgmt',
  handler: 'traffic-police',
  wall: 'command-center',
};

let t: CaseTestApp;
let gateway: ListeningApp;
let url: string;
const cookies = new Map<string, string>();

/** The role whose session a route is called with: the first role its action grants (traffic police for handlers). */
function roleFor(actionId: string): RoleId | null {
  const action = POLICY.actions[actionId];
  if (!action || action.public) return null;
  const allow = action.allow ?? [];
  for (const role of ROLE_ORDER) {
    if (allow.includes(role) || (role === 'commander' && allow.includes('*'))) return role;
    if (role === 'handler' && allow.some((a) => a === 'handler:traffic')) return role;
  }
  throw new Error(`no test role for action ${actionId}`);
}

async function cookieFor(role: RoleId): Promise<string> {
  const known = cookies.get(role);
  if (known) return known;
  const account = await createAccount(t.db, { role, departmentId: DEPARTMENT[role as (typeof ROLE_ORDER)[number]] });
  const cookie = await login(t.app, account.username, account.password);
  cookies.set(role, cookie);
  return cookie;
}

const fill = (pattern: string, hostile?: string) => {
  let used = false;
  return pattern.replace(/[:*](\w+)/g, (_m, name: string) => {
    if (hostile !== undefined && !used) {
      used = true;
      return hostile;
    }
    return FILL[name] ?? '1';
  });
};

interface Probe {
  route: string;
  family: string;
  method: string;
  path: string;
  query?: string;
  body?: string;
}

function probes(): Probe[] {
  const out: Probe[] = [];
  for (const route of Object.keys(POLICY.http)) {
    const [method, pattern] = route.split(' ') as [string, string];
    const base = { route, method, path: fill(pattern) };
    for (const [family, query] of Object.entries(QUERIES)) out.push({ ...base, family, query });
    if (/[:*]\w+/.test(pattern)) {
      for (const [family, value] of Object.entries(PATH_VALUES)) out.push({ ...base, family, path: fill(pattern, value) });
    }
    if (method !== 'GET') for (const [family, body] of Object.entries(BODIES)) out.push({ ...base, family, body });
  }
  return out;
}

async function send(p: Probe): Promise<{ status: number; body: unknown }> {
  const role = roleFor(POLICY.http[p.route]!);
  const target = `${p.path}${p.query ? `?${p.query}` : ''}`;
  let req = request(url)[p.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](target);
  req = req.set('X-Forwarded-For', freshIp());
  if (role) req = req.set('Cookie', await cookieFor(role));
  if (p.body !== undefined) req = req.set('Content-Type', 'application/json').send(p.body);
  const res = await req;
  return { status: res.status, body: res.body as unknown };
}

async function health(): Promise<{ status: number; state: unknown }> {
  const res = await request(url).get('/api/health');
  return { status: res.status, state: (res.body as { status?: unknown }).status };
}

beforeAll(async () => {
  t = await createCaseTestApp();
  gateway = await listenWithRealtime(t.app, t.deps);
  url = gateway.url;
});
afterAll(async () => {
  await gateway.close();
  await t.close();
});

describe('hostile input over HTTP', () => {
  it('POST /api/auth/login with a NUL in the username is refused with a 4xx naming the field', async () => {
    const res = await request(url)
      .post('/api/auth/login')
      .set('X-Forwarded-For', freshIp())
      .send({ username: 'admin\u0000', password: 'whatever-password' });
    expect(res.status).toBe(400);
    expect((res.body as { error: { message: string } }).error.message).toBe('字段 username 含有不允许的控制字符 (U+0000)');
  });

  it('answers every route of the policy without a 5xx, refusing every unsafe text with a 4xx, and the platform stays healthy', async () => {
    const before = await health();
    const all = probes();
    expect(all.length).toBeGreaterThan(500);
    const failures: string[] = [];
    const slow: string[] = [];
    for (const p of all) {
      const started = Date.now();
      const res = await send(p);
      const ms = Date.now() - started;
      // A route may ignore a query parameter or body field it does not read; a text the edge refuses never passes.
      if (res.status >= 500 || (res.status < 400 && MUST_REFUSE.has(p.family))) {
        failures.push(`${p.route} [${p.family}] → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
      // A stall, not a slow route: a probe over 2 s is compared with the same route asked plainly, just after. The
      // first probe a route does not refuse may also be its first real answer (a situation PDF filling its outline
      // cache), so a slow probe is sent once more and counts only if it is slow again.
      if (ms > 2000) {
        const [method, pattern] = p.route.split(' ') as [string, string];
        const plainStarted = Date.now();
        await send({ route: p.route, family: 'plain', method, path: fill(pattern) });
        const plain = Date.now() - plainStarted;
        if (ms > 3 * plain + 1000) {
          const againStarted = Date.now();
          await send(p);
          const again = Date.now() - againStarted;
          if (again > 3 * plain + 1000) {
            slow.push(`${p.route} [${p.family}] took ${ms} ms and ${again} ms again, asked plainly ${plain} ms`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(slow).toEqual([]);

    expect(await health()).toEqual(before);
    const me = await request(url)
      .get('/api/auth/me')
      .set('Cookie', await cookieFor('commander'));
    expect(me.status).toBe(200);
    const fresh = await createAccount(t.db, { role: 'dispatcher', departmentId: 'command-center' });
    await expect(login(t.app, fresh.username, fresh.password)).resolves.toMatch(/^hb_sid=/);
  }, 600_000);
});

describe('the inputs the review found answering 500', () => {
  const message = (res: { body: unknown }) => (res.body as { error?: { message?: string } }).error?.message;

  it('a case description, a case note and an incident note with NUL or a lone surrogate get a 400 naming the field', async () => {
    const described = await reportCase(t, t.users.inspector!.cookie, { description: '井盖缺失\u0000' });
    expect(described.status).toBe(400);
    expect((described.body as unknown as { error: { message: string } }).error.message).toBe(
      '字段 description 含有不允许的控制字符 (U+0000)',
    );

    const reported = await reportCase(t, t.users.inspector!.cookie);
    expect(reported.status).toBe(201);
    const note = await request(url)
      .post(`/api/cases/${reported.body.case.id}/accept`)
      .set('Cookie', t.users.dispatcher!.cookie)
      .set('Content-Type', 'application/json')
      .send('{"note":"已受理\\ud800"}');
    expect(note.status).toBe(400);
    expect(message(note)).toBe('字段 note 含有不成对的代理项 (U+D800)，不是有效的 Unicode 文本');

    const scene = freshScene();
    const feed = await postFeed(t.app, '110', report('110', 'traffic_crash', scene, scene.at).payload);
    expect(feed.status).toBe(201);
    const transition = await request(url)
      .post(`/api/incidents/${(feed.body as FeedAck).incidentId}/transition`)
      .set('Cookie', t.users.commander!.cookie)
      .send({ action: 'acknowledge', note: '收到\u0000' });
    expect(transition.status).toBe(400);
    expect(message(transition)).toBe('字段 note 含有不允许的控制字符 (U+0000)');
  });

  it('a text field of a multipart photo upload with NUL gets a 400 naming the field', async () => {
    const res = await request(url)
      .post('/api/cases/photos?stage=report')
      .set('Cookie', t.users.inspector!.cookie)
      .field('note', '现场\u0000')
      .attach('photo', await sampleJpeg(), 'scene.jpg');
    expect(res.status).toBe(400);
    expect(message(res)).toBe('字段 note 含有不允许的控制字符 (U+0000)');
  });

  it('an Open311 form and an OGC item id with NUL get a 400 in their own error formats', async () => {
    const channel = await request(url)
      .post('/api/cases/channels')
      .set('Cookie', t.users.sysadmin!.cookie)
      .send({ channel: 'hotline_12319', name: '12319 城管热线（异常输入测试）' });
    expect(channel.status).toBe(201);
    const p = t.nextPoint();
    const form = await request(url)
      .post('/open311/v2/requests.json')
      .type('form')
      .send(
        `api_key=${(channel.body as ChannelKeyResponse).apiKey}&service_code=SJ0102&lat=${p.lat}&long=${p.lon}&description=%E5%9E%83%E5%9C%BE%00`,
      );
    expect(form.status).toBe(400);
    expect(form.body).toEqual([{ code: 400, description: '字段 description 含有不允许的控制字符 (U+0000)' }]);

    const item = await request(url).get('/ogc/collections/incidents/items/1%00');
    expect(item.status).toBe(400);
    expect(message(item)).toBe('路径段 "1\\u0000" 含有不允许的控制字符 (U+0000)');
  });
});

describe('hostile input over Socket.IO', () => {
  const opened: Socket[] = [];
  afterAll(() => opened.forEach((s) => s.disconnect()));

  async function open(role: RoleId): Promise<Socket> {
    const account = await createAccount(t.db, { role, departmentId: DEPARTMENT[role as (typeof ROLE_ORDER)[number]] });
    const cookie = await login(t.app, account.username, account.password);
    const s = connect(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
    opened.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('connect_error', reject);
    });
    return s;
  }

  let nextAckId = 100_000;
  /** Sends an event as raw Socket.IO text (so any JSON can be sent) and resolves with its acknowledgement. */
  function emitRaw(s: Socket, event: string, argsJson: string): Promise<Ack<unknown>> {
    const id = nextAckId++;
    const engine = s.io.engine;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ack for ${event} within 5 s`)), 5000);
      const onMessage = (data: unknown) => {
        const text = String(data);
        if (!text.startsWith(`3${id}[`)) return;
        clearTimeout(timer);
        engine.off('message', onMessage);
        resolve((JSON.parse(text.slice(`3${id}`.length)) as [Ack<unknown>])[0]);
      };
      engine.on('message', onMessage);
      engine.send(`2${id}[${JSON.stringify(event)},${argsJson}]`);
    });
  }

  it('refuses every unsafe text in any client event by a failed ack, never drops an ack, and the socket keeps working', async () => {
    const failures: string[] = [];
    for (const [family, body] of Object.entries(BODIES)) {
      if (family === 'over the body limit') continue; // above Socket.IO's 1 MB frame limit: the transport closes
      const s = await open('commander');
      for (const event of CLIENT_EVENTS) {
        const ack = await emitRaw(s, event, body).catch((err: Error) => err);
        if (ack instanceof Error || (ack.ok && MUST_REFUSE.has(family)))
          failures.push(`${event} [${family}] → ${ack instanceof Error ? ack.message : 'ok'}`);
      }
      const me = await new Promise<Ack<{ username: string }>>((r) => s.emit('session:whoami', r));
      if (!me.ok) failures.push(`session:whoami after ${family} → ${me.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('refuses deep event arguments before parsing them, and closes a connection whose handshake nests too deep', async () => {
    const s = await open('commander');
    const half = 128 * 1024;
    const ack = await emitRaw(s, 'changes:subscribe', '['.repeat(half) + ']'.repeat(half));
    expect(ack).toEqual({ ok: false, error: { code: 'bad_request', message: '请求内容嵌套层数超过上限 32 层' } });

    let auth: Record<string, unknown> = { username: 'wall' };
    for (let i = 0; i < 100; i++) auth = { a: auth };
    const deep = connect(url, { transports: ['websocket'], auth, reconnection: false });
    opened.push(deep);
    const outcome = await new Promise<string>((resolve) => {
      deep.once('connect', () => resolve('connected'));
      deep.once('connect_error', () => resolve('refused'));
      deep.io.once('close', () => resolve('refused'));
      setTimeout(() => resolve('no answer'), 5000);
    });
    expect(outcome).toBe('refused');
  });

  it('names the field of a NUL in event arguments', async () => {
    const s = await open('commander');
    const ack = await new Promise<Ack<unknown>>((r) => s.emit('layer:subscribe', { layer: 'incidents\u0000' }, r));
    expect(ack).toEqual({ ok: false, error: { code: 'bad_request', message: '字段 layer 含有不允许的控制字符 (U+0000)' } });
  });

  it('refuses handshake credentials holding a NUL before they reach the login', async () => {
    const s = connect(url, {
      transports: ['websocket'],
      auth: { username: 'wall\u0000', password: 'x' },
      reconnection: false,
    });
    opened.push(s);
    const err = await new Promise<Error & { data?: unknown }>((resolve) => s.once('connect_error', resolve));
    expect(err.data).toEqual({ code: 'bad_request', message: '握手参数 auth.username 含有不允许的控制字符 (U+0000)' });
  });
});
