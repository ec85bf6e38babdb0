import request from 'supertest';
import type { ApiTokenSummary, IssuedApiToken } from '../../contracts/identity';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp, type TestAccount } from '../support/identity';

/**
 * API tokens are credentials like sessions: ending a person's credentials (forced logout, password change or reset,
 * disabling) ends their tokens too, and the system administrator can see and revoke another person's tokens.
 */
let t: IdentityTestApp;
let adminCookie: string;

beforeAll(async () => {
  t = await createIdentityTestApp();
  const admin = await createAccount(t.db, { role: 'sysadmin', departmentId: 'info-center' });
  adminCookie = await login(t.app, admin.username, admin.password);
});
afterAll(() => t.close());

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const readWith = (token: string) => request(t.app).get('/ogc/collections/incidents/items?limit=1').set(bearer(token));

async function plannerWithToken(): Promise<{ account: TestAccount; cookie: string; token: IssuedApiToken }> {
  const account = await createAccount(t.db, { role: 'planner' });
  const cookie = await login(t.app, account.username, account.password);
  const res = await request(t.app).post('/api/auth/tokens').set('Cookie', cookie).send({ label: 'QGIS 规划科', days: 30 });
  expect(res.status).toBe(201);
  const token = res.body as IssuedApiToken;
  expect((await readWith(token.token)).status).toBe(200);
  return { account, cookie, token };
}

async function auditDetail(action: string, object: string): Promise<Record<string, unknown>> {
  const [row] = await t.db.query<{ detail: string }>(
    'SELECT detail FROM audit_event WHERE action = $1 AND object = $2 ORDER BY seq DESC LIMIT 1',
    [action, object],
  );
  expect(row).toBeDefined();
  return JSON.parse(row!.detail) as Record<string, unknown>;
}

describe('ending a person’s credentials ends their API tokens', () => {
  it('forced logout (强制下线) revokes the tokens and says how many in the audit row', async () => {
    const { account, token } = await plannerWithToken();
    const res = await request(t.app).post(`/api/admin/users/${account.id}/revoke-sessions`).set('Cookie', adminCookie);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sessionsEnded: 1, apiTokensRevoked: 1 });
    expect((await readWith(token.token)).status).toBe(401);
    expect(await auditDetail('session.revoke', `user ${account.username}`)).toMatchObject({ apiKeysRevoked: 1 });
  });

  it('changing one’s own password revokes one’s tokens', async () => {
    const { account, cookie, token } = await plannerWithToken();
    const res = await request(t.app)
      .post('/api/auth/password')
      .set('Cookie', cookie)
      .send({ currentPassword: account.password, newPassword: 'Vr8$Kestrel-Ombu-31' });
    expect(res.status).toBe(204);
    expect((await readWith(token.token)).status).toBe(401);
    expect(await auditDetail('password.change', `user ${account.username}`)).toMatchObject({ apiKeysRevoked: 1 });
  });

  it('a password reset by the administrator revokes the tokens', async () => {
    const { account, token } = await plannerWithToken();
    const res = await request(t.app)
      .post(`/api/admin/users/${account.id}/password`)
      .set('Cookie', adminCookie)
      .send({ password: 'Tmp#Walrus-Quince-58' });
    expect(res.status).toBe(204);
    expect((await readWith(token.token)).status).toBe(401);
    expect(await auditDetail('user.password_reset', `user ${account.username}`)).toMatchObject({ apiKeysRevoked: 1 });
  });

  it('disabling revokes the tokens for good: enabling the account again does not bring them back', async () => {
    const { account, token } = await plannerWithToken();
    const off = await request(t.app).patch(`/api/admin/users/${account.id}`).set('Cookie', adminCookie).send({ disabled: true });
    expect(off.status).toBe(200);
    expect((await readWith(token.token)).status).toBe(401);
    const on = await request(t.app).patch(`/api/admin/users/${account.id}`).set('Cookie', adminCookie).send({ disabled: false });
    expect(on.status).toBe(200);
    expect((await readWith(token.token)).status).toBe(401);
    const [row] = await t.db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM api_token WHERE id = $1', [token.id]);
    expect(row!.revoked_at).not.toBeNull();
  });
});

describe('the system administrator sees and revokes another person’s tokens', () => {
  it('lists a user’s tokens without their secret, audited', async () => {
    const { account, token } = await plannerWithToken();
    const res = await request(t.app).get(`/api/admin/users/${account.id}/tokens`).set('Cookie', adminCookie);
    expect(res.status).toBe(200);
    const tokens = (res.body as { tokens: (ApiTokenSummary & { token?: string })[] }).tokens;
    expect(tokens.map((x) => x.id)).toEqual([token.id]);
    expect(tokens[0]).toMatchObject({ label: 'QGIS 规划科', revokedAt: null });
    expect(JSON.stringify(res.body)).not.toContain(token.token);
    expect(await auditDetail('api_token.admin_read', `user ${account.username}`)).toMatchObject({ count: 1 });
  });

  it('revokes one token of another user, which stops it at once; the owner’s other tokens go on', async () => {
    const { account, cookie, token } = await plannerWithToken();
    const second = (await request(t.app).post('/api/auth/tokens').set('Cookie', cookie).send({ label: 'GDAL 脚本', days: 10 }))
      .body as IssuedApiToken;
    const res = await request(t.app).delete(`/api/admin/users/${account.id}/tokens/${token.id}`).set('Cookie', adminCookie);
    expect(res.status).toBe(200);
    expect((res.body as { token: ApiTokenSummary }).token.revokedAt).not.toBeNull();
    expect((await readWith(token.token)).status).toBe(401);
    expect((await readWith(second.token)).status).toBe(200);
    expect(await auditDetail('api_token.admin_revoke', `api_token ${token.id}`)).toMatchObject({
      owner: account.username,
      label: 'QGIS 规划科',
    });
  });

  it('refuses a token of another user under the wrong user, unknown ids, and other roles', async () => {
    const a = await plannerWithToken();
    const b = await plannerWithToken();
    const crossed = await request(t.app)
      .delete(`/api/admin/users/${a.account.id}/tokens/${b.token.id}`)
      .set('Cookie', adminCookie);
    expect(crossed.status).toBe(404);
    expect(crossed.body.error.message).toMatch(/令牌/);
    expect((await readWith(b.token.token)).status).toBe(200);
    const badId = await request(t.app).delete(`/api/admin/users/${a.account.id}/tokens/not-a-uuid`).set('Cookie', adminCookie);
    expect(badId.status).toBe(400);
    const planner = await request(t.app).get(`/api/admin/users/${b.account.id}/tokens`).set('Cookie', a.cookie);
    expect(planner.status).toBe(403);
    const plannerRevoke = await request(t.app)
      .delete(`/api/admin/users/${b.account.id}/tokens/${b.token.id}`)
      .set('Cookie', a.cookie);
    expect(plannerRevoke.status).toBe(403);
    expect((await readWith(b.token.token)).status).toBe(200);
  });

  it('does not manage the tokens of privileged accounts (separation of duties)', async () => {
    const auditor = await createAccount(t.db, { role: 'auditadmin', departmentId: 'info-center' });
    const res = await request(t.app).get(`/api/admin/users/${auditor.id}/tokens`).set('Cookie', adminCookie);
    expect(res.status).toBe(403);
  });
});
