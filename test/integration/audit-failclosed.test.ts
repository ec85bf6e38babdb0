import { randomBytes } from 'node:crypto';
import request from 'supertest';
import {
  createAccount,
  createIdentityTestApp,
  expectChainIntact,
  login,
  uniqueName,
  type IdentityTestApp,
} from '../support/identity';

/**
 * Fail closed: when the audit row cannot be written, the action it would record does not happen.
 * A trigger makes audit inserts fail for one client address only, so other tests sharing the database
 * are not affected.
 */
const POISONED_IP = '10.254.254.254';
const fn = `test_audit_fail_${randomBytes(4).toString('hex')}`;
let t: IdentityTestApp;
let admin: string;
let commander: string;

beforeAll(async () => {
  t = await createIdentityTestApp();
  const a = await createAccount(t.db, { role: 'sysadmin', departmentId: 'info-center' });
  admin = await login(t.app, a.username, a.password);
  const c = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
  commander = await login(t.app, c.username, c.password);
  await t.db.exec(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.source_ip = '${POISONED_IP}' THEN RAISE EXCEPTION 'simulated audit storage failure'; END IF; RETURN NEW; END $$;
    CREATE TRIGGER ${fn} BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION ${fn}();`);
});
afterAll(async () => {
  await t.db.exec(`DROP TRIGGER IF EXISTS ${fn} ON audit_event; DROP FUNCTION IF EXISTS ${fn}();`);
  await t.close();
});

describe('audit failure = action failure', () => {
  it('creates no user when the user.create audit row fails (no half-written record)', async () => {
    const username = uniqueName('failclosed');
    const res = await request(t.app)
      .post('/api/admin/users')
      .set('Cookie', admin)
      .set('X-Forwarded-For', POISONED_IP)
      .send({ username, displayName: 'x', role: 'dispatcher', departmentId: 'command-center', password: 'Initial#Pass-4417' })
      .expect(503);
    expect(res.body.error.message).toContain('审计');
    expect(await t.db.query('SELECT 1 FROM app_user WHERE username = $1', [username])).toEqual([]);
  });

  it('does not run a command whose audit row fails', async () => {
    // A reason no other suite writes, since suites run side by side on the same database.
    const reason = `积水 ${uniqueName('failclosed')}`;
    const res = await request(t.app)
      .post('/api/geo/road-conditions')
      .set('Cookie', commander)
      .set('X-Forwarded-For', POISONED_IP)
      .send({ lon: 126.63, lat: 45.76, kind: 'closed', reason })
      .expect(503);
    expect(res.body.error.code).toBe('unavailable');
    expect(await t.db.query('SELECT id FROM road_condition WHERE reason = $1', [reason])).toEqual([]);
  });

  it('opens no session when the login audit row fails', async () => {
    const u = await createAccount(t.db, { role: 'leader', departmentId: 'command-center' });
    const res = await request(t.app)
      .post('/api/auth/login')
      .set('X-Forwarded-For', POISONED_IP)
      .send({ username: u.username, password: u.password })
      .expect(503);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await t.db.query('SELECT 1 FROM auth_session WHERE user_id = $1', [u.id])).toEqual([]);
  });

  it('the chain stays intact through the failures', async () => {
    const a = await createAccount(t.db, { role: 'auditadmin', departmentId: 'info-center' });
    const cookie = await login(t.app, a.username, a.password);
    const verified = await request(t.app).post('/api/audit/verify').set('Cookie', cookie).expect(200);
    await expectChainIntact(t.db, verified.body);
    expect(verified.body).toMatchObject({ ok: true });
  });
});
