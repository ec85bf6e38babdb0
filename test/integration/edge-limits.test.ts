import { io as connect, type Socket } from 'socket.io-client';
import request from 'supertest';
import type { ChannelKeyResponse } from '../../contracts/cases';
import type { Ack } from '../../contracts/realtime';
import { CALLER_LIMITS } from '../../gateway/auth/rate-limit';
import { createCaseTestApp, sampleJpeg, type CaseTestApp } from '../support/cases';
import { createAccount, login } from '../support/identity';
import { listenWithRealtime, type ListeningApp } from '../support/listen';

/**
 * What the gateway tells caches about signed-in answers, and the per-caller limits on photo uploads, Open311
 * submissions and socket events.
 */
let t: CaseTestApp;
let gateway: ListeningApp;
let url: string;

beforeAll(async () => {
  t = await createCaseTestApp();
  gateway = await listenWithRealtime(t.app, t.deps);
  url = gateway.url;
});
afterAll(async () => {
  await gateway.close();
  await t.close();
});

const errorOf = (res: { body: unknown }) => (res.body as { error: { code: string; message: string } }).error;

describe('Cache-Control on signed-in answers', () => {
  it('is no-store on /api answers to a session, and on the login answer', async () => {
    const cookie = t.users.commander!.cookie;
    for (const path of ['/api/auth/me', '/api/cases?limit=1', '/api/incidents', '/api/mode', '/api/about']) {
      const res = await request(t.app).get(path).set('Cookie', cookie);
      expect([path, res.status, res.headers['cache-control']]).toEqual([path, 200, 'no-store']);
    }
    const denied = await request(t.app).get('/api/audit/events').set('Cookie', cookie);
    expect([denied.status, denied.headers['cache-control']]).toEqual([403, 'no-store']);
    const user = await createAccount(t.db, { role: 'planner', departmentId: 'planning' });
    const res = await request(t.app).post('/api/auth/login').send({ username: user.username, password: user.password });
    expect([res.status, res.headers['cache-control']]).toEqual([200, 'no-store']);
  });

  it('leaves public answers and the tile caching rules as they were', async () => {
    const about = await request(t.app).get('/api/about');
    expect(about.headers['cache-control']).toBeUndefined();
    const tile = '/tiles/grid/14/13955/5844.mvt';
    const anonymous = await request(t.app).get(tile);
    const signedIn = await request(t.app).get(tile).set('Cookie', t.users.commander!.cookie);
    expect(signedIn.headers['cache-control']).toBe(anonymous.headers['cache-control']);
    expect(signedIn.headers['cache-control']).toMatch(/max-age/);
  });
});

describe('per-caller rate limits', () => {
  it('answers 429 in Chinese once a user has stored the most photos a minute allows, without holding back another user', async () => {
    const { limit, windowSeconds } = CALLER_LIMITS.photosStored;
    const upload = async (cookie: string, seed: number) =>
      request(t.app)
        .post('/api/cases/photos?stage=report')
        .set('Cookie', cookie)
        .set('Content-Type', 'image/jpeg')
        .send(await sampleJpeg({ seed, width: 64, height: 48 }));
    // A refused upload stores nothing and does not count against the stored-photo limit.
    for (let i = 0; i < 5; i++) {
      const refused = await request(t.app)
        .post('/api/cases/photos?stage=report')
        .set('Cookie', t.users.inspector!.cookie)
        .set('Content-Type', 'image/jpeg')
        .send(Buffer.from('not an image'));
      expect(refused.status).toBe(400);
    }
    for (let i = 0; i < limit; i++) expect((await upload(t.users.inspector!.cookie, 1000 + i)).status).toBe(201);
    const over = await upload(t.users.inspector!.cookie, 2000);
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(errorOf(over)).toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining(`照片上传过于频繁：每 ${windowSeconds} 秒最多 ${limit} 次`),
    });
    expect((await upload(t.users.handler!.cookie, 3000)).status).toBe(201);
  }, 120_000);

  it('answers 429 once a user exceeds the upload attempts a minute allows, refused ones included', async () => {
    const { limit } = CALLER_LIMITS.photoAttempts;
    const user = await createAccount(t.db, { role: 'inspector' });
    const cookie = await login(t.app, user.username, user.password);
    const attempt = () =>
      request(t.app)
        .post('/api/cases/photos?stage=report')
        .set('Cookie', cookie)
        .set('Content-Type', 'image/jpeg')
        .send(Buffer.from('not an image'));
    for (let i = 0; i < limit; i++) expect((await attempt()).status).toBe(400);
    const over = await attempt();
    expect(over.status).toBe(429);
    expect(errorOf(over).message).toContain('照片上传尝试过于频繁');
  }, 120_000);

  it('answers 429 in the Open311 error format once a channel key exceeds its limit, without holding back another key', async () => {
    const { limit } = CALLER_LIMITS.open311Posts;
    const keys: string[] = [];
    for (const name of ['甲', '乙']) {
      const res = await request(t.app)
        .post('/api/cases/channels')
        .set('Cookie', t.users.sysadmin!.cookie)
        .send({ channel: 'open311', name: `限流测试渠道${name}` });
      expect(res.status).toBe(201);
      keys.push((res.body as ChannelKeyResponse).apiKey);
    }
    // Incomplete requests (no service_code) still count: the limit guards the door, not the outcome.
    const submit = (key: string) => request(t.app).post('/open311/v2/requests.json').type('form').send(`api_key=${key}`);
    for (let i = 0; i < limit; i++) expect((await submit(keys[0]!)).status).toBe(400);
    const over = await submit(keys[0]!);
    expect(over.status).toBe(429);
    expect(over.body).toEqual([{ code: 429, description: expect.stringContaining('Open311 服务请求提交过于频繁') }]);
    expect((await submit(keys[1]!)).status).toBe(400);
  });

  it('acknowledges socket events over the per-user budget as rate_limited, and serves again after a pause', async () => {
    const { burst, perSecond } = CALLER_LIMITS.socketEvents;
    const user = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
    const cookie = await login(t.app, user.username, user.password);
    const open = async () => {
      const s: Socket = connect(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
      await new Promise<void>((resolve, reject) => {
        s.once('connect', resolve);
        s.once('connect_error', reject);
      });
      return s;
    };
    const [a, b] = [await open(), await open()];
    const other = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
    const otherSocket: Socket = connect(url, {
      transports: ['websocket'],
      extraHeaders: { cookie: await login(t.app, other.username, other.password) },
      reconnection: false,
    });
    const whoami = (s: Socket) => new Promise<Ack<unknown>>((r) => s.emit('session:whoami', r));
    try {
      // Two sockets of one user share the budget: a burst over both exceeds it.
      const acks = await Promise.all(Array.from({ length: burst + 100 }, (_, i) => whoami(i % 2 ? a : b)));
      const limited = acks.filter((x) => !x.ok);
      expect(limited.length).toBeGreaterThan(0);
      expect(acks.filter((x) => x.ok).length).toBeGreaterThanOrEqual(burst);
      expect(limited[0]).toEqual({
        ok: false,
        error: {
          code: 'rate_limited',
          message: expect.stringContaining(`实时请求过于频繁：每个用户每秒最多 ${perSecond} 个`),
        },
      });
      expect((await whoami(otherSocket)).ok).toBe(true);
      await new Promise((r) => setTimeout(r, 1000));
      expect((await whoami(a)).ok).toBe(true);
    } finally {
      for (const s of [a, b, otherSocket]) s.disconnect();
    }
  });
});
