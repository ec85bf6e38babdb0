import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { io as connect, type Socket } from 'socket.io-client';
import { readSeed } from '../../gateway/auth/seed';
import { ROOT, testDatabaseUrl } from '../support/env';
import { startGateway, type GatewayProcess } from '../support/gateway-process';

/**
 * The real gateway process (gateway/main.ts) with the demo seed: the interfaces the acceptance checks use —
 * `POST /api/auth/login` → 200 + cookie, 401, 423; `POST /api/auth/logout`; Socket.IO on the same port;
 * `npm run audit:verify` exit 0 — and no session token in its log.
 */
let g: GatewayProcess;
const demo = readSeed();
const commander = demo.find((u) => u.role === 'commander')!;

beforeAll(async () => {
  g = await startGateway({ DATABASE_URL: testDatabaseUrl(), IDENTITY_SEED: 'demo', LOG_LEVEL: 'info' });
}, 300_000);
afterAll(() => g?.stop());

const post = (p: string, body?: object, cookie?: string) =>
  fetch(`${g.url}${p}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
      // With a session cookie, a state change must name its origin (as the browser does).
      ...(cookie ? { cookie, origin: g.url } : {}),
    },
    body: body ? JSON.stringify(body) : null,
  });

describe('the gateway process', () => {
  it('seeds the named demo accounts, each able to log in with the password the README prints', async () => {
    for (const u of demo) {
      const res = await post('/api/auth/login', { username: u.username, password: u.password });
      expect([u.username, res.status]).toEqual([u.username, 200]);
      const body = (await res.json()) as { user: { role: string } };
      expect(body.user.role).toBe(u.role);
    }
  });

  it('ships no admin/admin and refuses bad credentials with 401', async () => {
    expect((await post('/api/auth/login', { username: 'admin', password: 'admin' })).status).toBe(401);
    expect((await post('/api/auth/login', { username: commander.username, password: 'nope' })).status).toBe(401);
  });

  it('logs in, opens a socket with the cookie, and logout disconnects it within a second', async () => {
    const res = await post('/api/auth/login', { username: commander.username, password: commander.password });
    expect(res.status).toBe(200);
    const cookie = res.headers
      .getSetCookie()
      .find((c) => c.startsWith('hb_sid='))!
      .split(';')[0]!;
    const socket: Socket = connect(g.url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const gone = new Promise<number>((resolve) => socket.once('disconnect', () => resolve(Date.now())));
    const t0 = Date.now();
    expect((await post('/api/auth/logout', undefined, cookie)).status).toBe(204);
    expect((await gone) - t0).toBeLessThan(1000);
    expect(g.output()).not.toContain(cookie.slice('hb_sid='.length));
  });

  it('leaves an audit chain that npm run audit:verify accepts (exit 0)', async () => {
    const r = await promisify(execFile)(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/audit-verify.ts'],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: testDatabaseUrl() },
      },
    );
    expect(r.stdout).toContain('audit chain intact');
  });
});
