import request from 'supertest';
import {
  createAccount,
  createIdentityTestApp,
  freshIp,
  login,
  uniqueName,
  type IdentityTestApp,
  type TestAccount,
} from '../support/identity';

let t: IdentityTestApp;
let admin: string;
let auditor: TestAccount;
let auditorCookie: string;

beforeAll(async () => {
  t = await createIdentityTestApp();
  const a = await createAccount(t.db, { role: 'sysadmin', departmentId: 'info-center' });
  admin = await login(t.app, a.username, a.password);
  auditor = await createAccount(t.db, { role: 'auditadmin', departmentId: 'info-center' });
  auditorCookie = await login(t.app, auditor.username, auditor.password);
});
afterAll(() => t.close());

const as = (cookie: string) => ({
  get: (p: string) => request(t.app).get(p).set('Cookie', cookie),
  post: (p: string, body: object = {}) => request(t.app).post(p).set('Cookie', cookie).send(body),
  patch: (p: string, body: object) => request(t.app).patch(p).set('Cookie', cookie).send(body),
});
const newUser = (over: object = {}) => ({
  username: uniqueName('new'),
  displayName: '新用户',
  role: 'dispatcher',
  departmentId: 'command-center',
  password: 'Initial#Pass-4417',
  ...over,
});

describe('user administration (系统管理员)', () => {
  it('creates a user who must change the initial password; the audit row holds no password', async () => {
    const body = newUser();
    const res = await as(admin).post('/api/admin/users', body).expect(201);
    expect(res.body.user).toMatchObject({
      username: body.username,
      role: 'dispatcher',
      mustChangePassword: true,
      disabled: false,
    });
    const [row] = await t.db.query<{ detail: string; role: string }>(
      `SELECT detail, role FROM audit_event WHERE action = 'user.create' AND object = $1`,
      [`user ${body.username}`],
    );
    expect(row!.role).toBe('sysadmin');
    expect(row!.detail).not.toContain('Initial#Pass-4417');
    const cookie = await login(t.app, body.username, body.password);
    expect((await as(cookie).get('/api/auth/me').expect(200)).body.user.mustChangePassword).toBe(true);
  });

  it.each([
    [{ password: 'password1234' }, 400, '常见'],
    [{ password: 'short1!A' }, 400, '至少需要 12 个字符'],
    [{ role: 'handler', departmentId: null }, 400, '必须指定所属部门'],
    [{ role: 'wall' }, 400, '设备账号'],
    [{ kind: 'device' }, 400, '设备账号只能使用'],
    [{ departmentId: 'no-such-dept' }, 400, '不存在'],
    [{ username: 'Bad Name' }, 400, 'username'],
    [
      { role: 'root' },
      400,
      'role 须为 commander、dispatcher、inspector、handler、leader、planner、sysadmin、auditadmin、wall 之一',
    ],
    [{ role: 'auditadmin' }, 403, '三员分立'],
    [{ role: 'sysadmin' }, 403, '三员分立'],
  ])('refuses %j with %i and says why', async (over, status, text) => {
    const res = await as(admin).post('/api/admin/users', newUser(over)).expect(status);
    expect(res.body.error.message).toContain(text);
  });

  it('refuses a taken login name with 409', async () => {
    const body = newUser();
    await as(admin).post('/api/admin/users', body).expect(201);
    expect((await as(admin).post('/api/admin/users', body).expect(409)).body.error.message).toContain('已被占用');
  });

  it('changes a role with its own audit row, effective on the next request', async () => {
    const u = await createAccount(t.db, { role: 'planner', departmentId: 'planning' });
    const cookie = await login(t.app, u.username, u.password);
    await as(cookie).get('/api/admin/departments').expect(403);
    await as(admin).patch(`/api/admin/users/${u.id}`, { role: 'leader', departmentId: 'command-center' }).expect(200);
    await as(cookie).get('/api/admin/departments').expect(200);
    const [row] = await t.db.query<{ detail: string }>(
      `SELECT detail FROM audit_event WHERE action = 'role.change' AND object = $1`,
      [`user ${u.username}`],
    );
    expect(JSON.parse(row!.detail)).toEqual({ from: 'planner', to: 'leader' });
  });

  it('keeps its hands off privileged accounts and itself (separation of duties)', async () => {
    for (const [method, path, body] of [
      ['patch', `/api/admin/users/${auditor.id}`, { displayName: 'x' }],
      ['post', `/api/admin/users/${auditor.id}/password`, { password: 'Takeover#Pass-9921' }],
      ['post', `/api/admin/users/${auditor.id}/revoke-sessions`, {}],
      ['post', `/api/admin/users/${auditor.id}/unlock`, {}],
    ] as const) {
      const res = await (method === 'patch' ? as(admin).patch(path, body) : as(admin).post(path, body)).expect(403);
      expect(res.body.error.message).toContain('三员分立');
    }
    const me = (await as(admin).get('/api/auth/me').expect(200)).body.user;
    expect((await as(admin).patch(`/api/admin/users/${me.id}`, { displayName: 'x' }).expect(403)).body.error.message).toContain(
      '自己',
    );
    await as(auditorCookie).get('/api/auth/me').expect(200);
  });

  it('resets a password: the user’s sessions end and the new password must be changed', async () => {
    const u = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
    const cookie = await login(t.app, u.username, u.password);
    await as(admin).post(`/api/admin/users/${u.id}/password`, { password: 'password' }).expect(400);
    await as(admin).post(`/api/admin/users/${u.id}/password`, { password: 'Reset#Secret-5530' }).expect(204);
    await as(cookie).get('/api/auth/me').expect(401);
    const fresh = await login(t.app, u.username, 'Reset#Secret-5530');
    expect((await as(fresh).get('/api/auth/me')).body.user.mustChangePassword).toBe(true);
  });

  it('unlocks a locked account', async () => {
    const u = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
    for (let i = 0; i < 5; i++)
      await request(t.app)
        .post('/api/auth/login')
        .set('X-Forwarded-For', freshIp())
        .send({ username: u.username, password: 'Bad#guess-xyz1' });
    const listed = (await as(admin).get('/api/admin/users').expect(200)).body.users.find((x: { id: string }) => x.id === u.id);
    expect(listed.lockedUntil).not.toBeNull();
    await as(admin).post(`/api/admin/users/${u.id}/unlock`).expect(204);
    await login(t.app, u.username, u.password);
  });

  it('answers 404 for an unknown user and 400 for a bad patch', async () => {
    await as(admin).patch('/api/admin/users/00000000-0000-0000-0000-000000000000', { displayName: 'x' }).expect(404);
    await as(admin).patch('/api/admin/users/not-a-uuid', { displayName: 'x' }).expect(404);
    const u = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
    expect((await as(admin).patch(`/api/admin/users/${u.id}`, {}).expect(400)).body.error.message).toContain(
      '没有要修改的内容：请至少给出一个字段',
    );
    expect((await as(admin).patch(`/api/admin/users/${u.id}`, { password: 'x' }).expect(400)).body.error.message).toMatch(
      /password|Unrecognized/i,
    );
  });

  it('lists the roles from the policy, privileged ones not grantable', async () => {
    const roles = (await as(admin).get('/api/admin/roles').expect(200)).body.roles;
    expect(roles.find((r: { id: string }) => r.id === 'auditadmin')).toMatchObject({ name: '审计管理员', grantable: false });
    expect(roles.find((r: { id: string }) => r.id === 'wall')).toMatchObject({ device: true, grantable: true });
  });
});

describe('department administration', () => {
  it('lists the seeded departments: command centre, 110, 119, 120, flood, civil defence, traffic, city management', async () => {
    const ids = (await as(admin).get('/api/admin/departments').expect(200)).body.departments.map((d: { id: string }) => d.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'command-center',
        'police-110',
        'fire-119',
        'ems-120',
        'flood-control',
        'civil-defence',
        'traffic-police',
        'urban-mgmt',
      ]),
    );
  });

  it('creates, renames and deactivates a department; an inactive one takes no new members', async () => {
    // In a district no case lies in, so that while it is active it never outranks the city's own 城管 department in
    // automatic case dispatch for the suites running beside this one.
    const id = uniqueName('dept').replace('.', '-');
    await as(admin)
      .post('/api/admin/departments', { id, name: `测试部门 ${id}`, kind: 'urban_mgmt', districtAdcode: '230199' })
      .expect(201);
    await as(admin).post('/api/admin/departments', { id, name: 'x', kind: 'urban_mgmt' }).expect(409);
    await as(admin).post('/api/admin/departments', { id: 'x!', name: 'x', kind: 'navy' }).expect(400);
    const renamed = await as(admin)
      .patch(`/api/admin/departments/${id}`, { name: `改名 ${id}`, active: false })
      .expect(200);
    expect(renamed.body.department).toMatchObject({ name: `改名 ${id}`, active: false });
    const res = await as(admin)
      .post('/api/admin/users', newUser({ role: 'handler', departmentId: id }))
      .expect(400);
    expect(res.body.error.message).toContain('已停用');
    await as(admin).patch('/api/admin/departments/nope-nope', { name: 'x' }).expect(404);
  });
});
