import request from 'supertest';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

/**
 * Failed logins from elsewhere cannot lock a person out of their usual place; each source address is throttled on
 * its own; passwords that a strength estimator finds guessable, and recently used ones, are refused in Chinese.
 */
let t: IdentityTestApp;
let n = 0;
/** Addresses of this suite only, so other suites' failures never count here. */
const address = () => `172.31.${Math.floor(++n / 250)}.${n % 250}`;

beforeAll(async () => {
  t = await createIdentityTestApp();
});
afterAll(() => t.close());

const attempt = (username: string, password: string, ip: string) =>
  request(t.app).post('/api/auth/login').set('X-Forwarded-For', ip).send({ username, password });

describe('per-source throttling instead of a lockout anyone can trigger', () => {
  it('keeps the commander’s usual address open while failures from elsewhere lock the login name', async () => {
    const commander = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
    const office = address();
    await login(t.app, commander.username, commander.password, office);
    for (let i = 0; i < 5; i++) expect((await attempt(commander.username, 'Wrong#Guess-000', address())).status).toBe(401);
    const stranger = await attempt(commander.username, commander.password, address());
    expect(stranger.status).toBe(423);
    expect(stranger.body.error.message).toMatch(/账号已锁定/);
    const fromOffice = await attempt(commander.username, commander.password, office);
    expect(fromOffice.status).toBe(200);
    // The lock still holds for everyone else.
    expect((await attempt(commander.username, commander.password, address())).status).toBe(423);
    const [row] = await t.db.query<{ detail: string }>(
      "SELECT detail FROM audit_event WHERE action = 'auth.login' AND outcome = 'ok' AND username = $1 ORDER BY seq DESC LIMIT 1",
      [commander.username],
    );
    expect(JSON.parse(row!.detail)).toMatchObject({ usualSourceWhileLocked: true });
  });

  it('still limits guessing at the usual address while the name is locked', async () => {
    const commander = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
    const office = address();
    await login(t.app, commander.username, commander.password, office);
    for (let i = 0; i < 5; i++) await attempt(commander.username, 'Wrong#Guess-000', address());
    for (let i = 0; i < 5; i++) expect((await attempt(commander.username, 'Wrong#Guess-111', office)).status).toBe(401);
    expect((await attempt(commander.username, commander.password, office)).status).toBe(423);
  });

  it('throttles one source address that tries many login names, and only that address', async () => {
    const victim = await createAccount(t.db, { role: 'dispatcher', departmentId: 'command-center' });
    const attacker = address();
    for (let i = 0; i < 10; i++) {
      expect((await attempt(`nobody.${i}.${n}`, 'Wrong#Guess-222', attacker)).status).toBe(401);
    }
    const blocked = await attempt(victim.username, victim.password, attacker);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.message).toMatch(/地址登录失败次数过多/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt(victim.username, victim.password, address())).status).toBe(200);
  });
});

describe('password strength and reuse', () => {
  const change = (cookie: string, currentPassword: string, newPassword: string) =>
    request(t.app).post('/api/auth/password').set('Cookie', cookie).send({ currentPassword, newPassword });

  it('tells the person choosing a password about the strength estimate and the history', async () => {
    const res = await request(t.app).get('/api/auth/password-policy');
    expect(res.status).toBe(200);
    expect(res.body.rules).toEqual(
      expect.arrayContaining([expect.stringContaining('强度评估（zxcvbn）至少 3/4'), '不能与最近 5 次使用过的密码相同']),
    );
  });

  it('refuses a password the estimator finds guessable, saying why in Chinese', async () => {
    const a = await createAccount(t.db, { role: 'planner' });
    const cookie = await login(t.app, a.username, a.password, address());
    const res = await change(cookie, a.password, 'Mercedes#2018');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/密码太容易被猜中（强度 [0-2]\/4，至少需要 3）/);
    expect(res.body.error.details.problems.map((p: { code: string }) => p.code)).toEqual(['guessable']);
  });

  it('refuses any of the last five passwords, in a change or an administrator’s reset', async () => {
    const a = await createAccount(t.db, { role: 'planner' });
    const admin = await createAccount(t.db, { role: 'sysadmin', departmentId: 'info-center' });
    const adminCookie = await login(t.app, admin.username, admin.password, address());
    let cookie = await login(t.app, a.username, a.password, address());
    const passwords = [a.password, 'Vr8$Kestrel-Ombu-31', 'Lq4&Tamarind-Yew-27', 'Np6*Gannet-Larch-90'];
    for (let i = 1; i < passwords.length; i++) {
      expect((await change(cookie, passwords[i - 1]!, passwords[i]!)).status).toBe(204);
    }
    const current = passwords.at(-1)!;
    const back = await change(cookie, current, passwords[0]!);
    expect(back.status).toBe(400);
    expect(back.body.error.message).toBe('密码不符合要求：新密码不能与最近 5 次使用过的密码相同');
    const reset = await request(t.app)
      .post(`/api/admin/users/${a.id}/password`)
      .set('Cookie', adminCookie)
      .send({ password: passwords[1] });
    expect(reset.status).toBe(400);
    expect(reset.body.error.message).toMatch(/最近 5 次/);
    // Five newer passwords later, the first may come back.
    const more = ['Hb3!Quokka-Aspen-64', 'Wd5^Pelican-Rowan-18'];
    let last = current;
    for (const pw of more) {
      expect((await change(cookie, last, pw)).status).toBe(204);
      last = pw;
      cookie = await login(t.app, a.username, pw, address());
    }
    expect((await change(cookie, last, passwords[0]!)).status).toBe(204);
  });
});
