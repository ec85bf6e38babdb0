import request from 'supertest';
import { tokenDigest } from '../../gateway/auth/sessions';
import {
  createAccount,
  createIdentityTestApp,
  freshIp,
  login,
  sessionCookie,
  setCookies,
  uniqueName,
  type IdentityTestApp,
  type TestAccount,
} from '../support/identity';

const MIN = 60_000;
let t: IdentityTestApp;
let user: TestAccount;

beforeAll(async () => {
  t = await createIdentityTestApp();
  user = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
});
afterAll(() => t.close());

const attempt = (username: string, password: string, ip = freshIp()) =>
  request(t.app).post('/api/auth/login').set('X-Forwarded-For', ip).send({ username, password });

describe('POST /api/auth/login', () => {
  it('answers 200 with the user and an HttpOnly, SameSite=Strict session cookie', async () => {
    const res = await attempt(user.username, user.password).expect(200);
    expect(res.body.user).toMatchObject({ username: user.username, role: 'commander', roleName: '指挥员', kind: 'person' });
    expect(res.body.user.actions).toContain('road_condition.write');
    expect(res.body.session.idleExpiresAt).not.toBeNull();
    const cookie = setCookies(res).find((c) => c.startsWith('hb_sid='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(JSON.stringify(res.body)).not.toContain(cookie.split(';')[0]!.slice(7));
  });

  it('accepts the login name in any case and with surrounding spaces', async () => {
    await attempt(` ${user.username.toUpperCase()} `, user.password).expect(200);
  });

  it('answers a wrong password and an unknown name identically (401, same body)', async () => {
    const wrong = await attempt(user.username, 'Wrong#Passw0rd-1').expect(401);
    const unknown = await attempt(uniqueName('nobody'), 'Wrong#Passw0rd-1').expect(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
    expect(wrong.body.error.code).toBe('unauthenticated');
    expect(Object.keys(wrong.body.error).sort()).toEqual(Object.keys(unknown.body.error).sort());
    await t.identity.lockout.reset(user.username);
  });

  it('spends the same password-hashing time on unknown names (no enumeration by timing)', async () => {
    // Known and unknown names take turns, so a change in the machine's load affects both medians alike.
    const timings = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 7; i++) {
      for (const kind of ['known', 'unknown'] as const) {
        const t0 = performance.now();
        await attempt(kind === 'known' ? user.username : uniqueName('nobody'), 'Wrong#Passw0rd-1').expect(401);
        timings[kind].push(performance.now() - t0);
        await t.identity.lockout.reset(user.username);
      }
    }
    const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[3]!;
    const known = median(timings.known);
    const unknown = median(timings.unknown);
    // Without the dummy verification an unknown name would answer in a few milliseconds instead of ~one scrypt.
    expect(unknown).toBeGreaterThan(known * 0.5);
    expect(known).toBeGreaterThan(unknown * 0.5);
  });

  it.each([
    [{}, 'username 必填'],
    [{ username: 'a' }, 'password 必填'],
    [{ username: 'a', password: 'x'.repeat(300) }, 'password 不能超过 256 个字符'],
    [{ username: 42, password: 'x' }, 'username'],
  ])('rejects the body %j with 400 and says why', async (body, text) => {
    const res = await request(t.app).post('/api/auth/login').set('X-Forwarded-For', freshIp()).send(body).expect(400);
    expect(res.body.error.message).toContain(text);
  });

  it('never logs a password, token or cookie in the audit log', async () => {
    const secret = 'Never#Logged-7731';
    await attempt(user.username, secret).expect(401);
    await t.identity.lockout.reset(user.username);
    const rows = await t.db.query<{ blob: string }>(
      `SELECT concat_ws('|', username, object, detail, source_ip, request_id) AS blob FROM audit_event WHERE username = $1`,
      [user.username],
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(r.blob).not.toContain(secret);
      expect(r.blob).not.toContain(user.password);
      expect(r.blob).not.toMatch(/hb_sid/);
    }
  });
});

describe('lockout: 5 failures within 15 minutes lock the name for 15 minutes (HTTP 423)', () => {
  let victim: TestAccount;
  beforeEach(async () => {
    victim = await createAccount(t.db, { role: 'dispatcher', departmentId: 'command-center' });
  });

  it('locks after the fifth failure, refuses even the right password while locked, and unlocks after 15 minutes', async () => {
    for (let i = 1; i <= 4; i++) {
      const res = await attempt(victim.username, `Bad#guess-${i}xyz`).expect(401);
      expect(res.body.error.message).toBe('用户名或密码错误');
    }
    const fifth = await attempt(victim.username, 'Bad#guess-5xyz').expect(401);
    expect(fifth.body.error.message).toContain('账号已锁定 15 分钟');
    const locked = await attempt(victim.username, victim.password).expect(423);
    expect(locked.body.error.code).toBe('locked');
    expect(locked.body.error.message).toContain('账号已锁定');
    expect(Number(locked.headers['retry-after'])).toBe(15 * 60);

    t.clock.advance(15 * MIN - 1000);
    await attempt(victim.username, victim.password).expect(423);
    t.clock.advance(1000);
    await attempt(victim.username, victim.password).expect(200);
  });

  it('counts only failures inside one 15-minute window', async () => {
    for (let i = 0; i < 4; i++) await attempt(victim.username, 'Bad#guess-xyz1').expect(401);
    t.clock.advance(15 * MIN); // the window that started at the first failure has closed
    for (let i = 0; i < 4; i++) await attempt(victim.username, 'Bad#guess-xyz1').expect(401);
    await attempt(victim.username, victim.password).expect(200);
  });

  it('locks at five failures spread up to 14:59 apart', async () => {
    await attempt(victim.username, 'Bad#guess-xyz1').expect(401);
    for (let i = 0; i < 3; i++) {
      t.clock.advance(4 * MIN);
      await attempt(victim.username, 'Bad#guess-xyz1').expect(401);
    }
    t.clock.advance(3 * MIN - 1000); // 14:59 after the first failure
    await attempt(victim.username, 'Bad#guess-xyz1').expect(401);
    await attempt(victim.username, victim.password).expect(423);
  });

  it('resets the count on a successful login (consecutive failures only)', async () => {
    for (let i = 0; i < 4; i++) await attempt(victim.username, 'Bad#guess-xyz1').expect(401);
    await attempt(victim.username, victim.password).expect(200);
    for (let i = 0; i < 4; i++) await attempt(victim.username, 'Bad#guess-xyz1').expect(401);
    await attempt(victim.username, victim.password).expect(200);
  });

  it('locks unknown names exactly like known ones (no enumeration through the lockout)', async () => {
    const ghost = uniqueName('ghost');
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 6; i++) {
      known.push((await attempt(victim.username, 'Bad#guess-xyz1')).status);
      unknown.push((await attempt(ghost, 'Bad#guess-xyz1')).status);
    }
    expect(unknown).toEqual(known);
    expect(known).toEqual([401, 401, 401, 401, 401, 423]);
  });

  it('does not extend the lock with attempts made while locked', async () => {
    for (let i = 0; i < 5; i++) await attempt(victim.username, 'Bad#guess-xyz1');
    t.clock.advance(10 * MIN);
    await attempt(victim.username, 'Bad#guess-xyz1').expect(423);
    t.clock.advance(5 * MIN);
    await attempt(victim.username, victim.password).expect(200);
  });

  it('audits failed, locked and successful logins with the source IP and request id', async () => {
    for (let i = 0; i < 5; i++) await attempt(victim.username, 'Bad#guess-xyz1', '10.99.0.7');
    await attempt(victim.username, victim.password, '10.99.0.7').expect(423);
    const rows = await t.db.query<{ outcome: string; source_ip: string; request_id: string; detail: string }>(
      `SELECT outcome, source_ip, request_id, detail FROM audit_event WHERE action = 'auth.login' AND username = $1 ORDER BY seq`,
      [victim.username],
    );
    expect(rows.map((r) => r.outcome)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed', 'locked']);
    expect(rows.every((r) => r.source_ip === '10.99.0.7' && /^[0-9a-f-]{36}$/.test(r.request_id))).toBe(true);
    expect(JSON.parse(rows[4]!.detail)).toMatchObject({ reason: 'bad_password', failures: 5, channel: 'http' });
  });
});

describe('per-IP login rate limit', () => {
  it('answers 429 with Retry-After once one address exceeds the limit', async () => {
    const ip = freshIp();
    const limit = t.identity.policy.loginRateLimit.perIp;
    // Successful logins count too (failures from one address meet the stricter per-source lockout first).
    for (let i = 0; i < limit; i++) await attempt(user.username, user.password, ip).expect(200);
    const res = await attempt(user.username, user.password, ip).expect(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(res.body.error.message).toContain('登录请求过于频繁');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await attempt(user.username, user.password, freshIp()).expect(200);
  });
});

describe('sessions', () => {
  it('expires after 30 minutes idle, and activity keeps it alive', async () => {
    const cookie = await login(t.app, user.username, user.password);
    t.clock.advance(29 * MIN);
    await request(t.app).get('/api/auth/me').set('Cookie', cookie).expect(200); // passive: does not renew
    await request(t.app).post('/api/auth/renew').set('Cookie', cookie).expect(200);
    t.clock.advance(29 * MIN);
    await request(t.app).get('/api/auth/me').set('Cookie', cookie).expect(200);
    t.clock.advance(1 * MIN);
    const res = await request(t.app).get('/api/auth/me').set('Cookie', cookie).expect(401);
    expect(res.body.error.message).toBe('会话已超时，请重新登录');
    const [row] = await t.db.query<{ revoke_reason: string }>('SELECT revoke_reason FROM auth_session WHERE token_hash = $1', [
      tokenDigest(cookie.slice('hb_sid='.length)),
    ]);
    expect(row!.revoke_reason).toBe('expired');
  });

  it('ends after 12 hours however active', async () => {
    const cookie = await login(t.app, user.username, user.password);
    for (let h = 0; h < 12 * 3; h++) {
      t.clock.advance(20 * MIN);
      const res = await request(t.app).post('/api/auth/renew').set('Cookie', cookie);
      expect(res.status).toBe(h < 12 * 3 - 1 ? 200 : 401);
    }
  });

  it('gives device (wall) accounts no idle timeout but the absolute one', async () => {
    const wall = await createAccount(t.db, { role: 'wall', departmentId: 'command-center' });
    const res = await request(t.app).post('/api/auth/login').set('X-Forwarded-For', freshIp()).send(wall).expect(200);
    expect(res.body.session.idleExpiresAt).toBeNull();
    const cookie = sessionCookie(res)!;
    t.clock.advance(11 * 60 * MIN);
    await request(t.app).get('/api/auth/me').set('Cookie', cookie).expect(200);
    t.clock.advance(60 * MIN);
    await request(t.app).get('/api/auth/me').set('Cookie', cookie).expect(401);
  });

  it('logout ends the session at once and clears the cookie; logging out twice is harmless', async () => {
    const cookie = await login(t.app, user.username, user.password);
    const out = await request(t.app).post('/api/auth/logout').set('Cookie', cookie).expect(204);
    expect(setCookies(out).join()).toMatch(/hb_sid=;/);
    await request(t.app).get('/api/auth/me').set('Cookie', cookie).expect(401);
    await request(t.app).post('/api/auth/logout').set('Cookie', cookie).expect(204);
    await request(t.app).post('/api/auth/logout').expect(204);
  });

  it('refuses a forged or malformed session cookie with 401', async () => {
    for (const c of ['hb_sid=abc', `hb_sid=${'A'.repeat(43)}`, 'hb_sid=']) {
      await request(t.app).get('/api/auth/me').set('Cookie', c).expect(401);
    }
  });
});

describe('password change', () => {
  it('requires the current password, applies the policy, and ends the other sessions', async () => {
    const acct = await createAccount(t.db, { role: 'planner', departmentId: 'planning' });
    const a = await login(t.app, acct.username, acct.password);
    const b = await login(t.app, acct.username, acct.password);
    let res = await request(t.app)
      .post('/api/auth/password')
      .set('Cookie', a)
      .send({ currentPassword: 'Wrong#Pass-111', newPassword: 'Fresh#Secret-8842' })
      .expect(403);
    expect(res.body.error.message).toBe('当前密码不正确');
    res = await request(t.app)
      .post('/api/auth/password')
      .set('Cookie', a)
      .send({ currentPassword: acct.password, newPassword: 'password123' })
      .expect(400);
    expect(res.body.error.details.problems.map((p: { code: string }) => p.code)).toEqual(
      expect.arrayContaining(['too_short', 'common']),
    );
    await request(t.app)
      .post('/api/auth/password')
      .set('Cookie', a)
      .send({ currentPassword: acct.password, newPassword: 'Fresh#Secret-8842' })
      .expect(204);
    await request(t.app).get('/api/auth/me').set('Cookie', a).expect(200);
    const ended = await request(t.app).get('/api/auth/me').set('Cookie', b).expect(401);
    expect(ended.body.error.message).toContain('密码已修改');
    await attempt(acct.username, acct.password).expect(401);
    await attempt(acct.username, 'Fresh#Secret-8842').expect(200);
  });

  it('lets an account that must change its password do only that', async () => {
    const acct = await createAccount(t.db, { role: 'commander', departmentId: 'command-center', mustChangePassword: true });
    const c = await login(t.app, acct.username, acct.password);
    const me = await request(t.app).get('/api/auth/me').set('Cookie', c).expect(200);
    expect(me.body.user.mustChangePassword).toBe(true);
    const denied = await request(t.app).post('/api/geo/road-conditions').set('Cookie', c).send({}).expect(403);
    expect(denied.body.error.message).toContain('须先修改密码');
    await request(t.app)
      .post('/api/auth/password')
      .set('Cookie', c)
      .send({ currentPassword: acct.password, newPassword: 'Fresh#Secret-8842' })
      .expect(204);
    const after = await request(t.app).post('/api/geo/road-conditions').set('Cookie', c).send({});
    expect([400, 422]).toContain(after.status);
  });
});
