import request from 'supertest';
import type { ApiTokenSummary, IssuedApiToken } from '../../contracts/identity';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

/**
 * API tokens let GIS clients read the OGC API and vector tiles without a browser session, as the person who issued
 * them and within that person's layer rights; everything else still needs a session.
 */
let t: IdentityTestApp;
let plannerCookie: string;
let plannerId: string;

beforeAll(async () => {
  t = await createIdentityTestApp();
  const p = await createAccount(t.db, { role: 'planner' });
  plannerId = p.id;
  plannerCookie = await login(t.app, p.username, p.password);
});
afterAll(() => t.close());

async function issue(cookie: string, body: object = { label: 'QGIS 规划科', days: 30 }) {
  return request(t.app).post('/api/auth/tokens').set('Cookie', cookie).send(body);
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

it('issues a token once, lists it without the secret, and audits the issue', async () => {
  const res = await issue(plannerCookie);
  expect(res.status).toBe(201);
  const issued = res.body as IssuedApiToken;
  expect(issued.token).toMatch(/^hgt_[A-Za-z0-9_-]{43}$/);
  expect(Date.parse(issued.expiresAt) - Date.parse(issued.createdAt)).toBe(30 * 86_400_000);
  const list = await request(t.app).get('/api/auth/tokens').set('Cookie', plannerCookie);
  const mine = (list.body as (ApiTokenSummary & { token?: string })[]).find((x) => x.id === issued.id);
  expect(mine).toMatchObject({ label: 'QGIS 规划科', revokedAt: null });
  expect(mine?.token).toBeUndefined();
  expect(JSON.stringify(list.body)).not.toContain(issued.token);
  const [stored] = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM api_token WHERE id = $1', [issued.id]);
  expect(stored!.token_hash).not.toContain(issued.token.slice(4));
  const [audit] = await t.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_event WHERE action = 'api_token.issue' AND object = $1",
    [`api_token ${issued.id}`],
  );
  expect(audit!.n).toBe(1);
});

it('reads a non-public collection and live tiles with the token, as its owner', async () => {
  const { token } = (await issue(plannerCookie)).body as IssuedApiToken;
  const anonymous = await request(t.app).get('/ogc/collections/incidents/items?limit=1');
  expect(anonymous.status).toBe(401);
  const items = await request(t.app).get('/ogc/collections/incidents/items?limit=1').set(bearer(token));
  expect(items.status).toBe(200);
  expect(items.body.type).toBe('FeatureCollection');
  const tile = await request(t.app).get('/tiles/incidents/10/872/367.mvt').set(bearer(token));
  expect([200, 204]).toContain(tile.status);
  // The owner's rights, not more: planners may not see unit positions.
  const units = await request(t.app).get('/tiles/units/10/872/367.mvt').set(bearer(token));
  expect(units.status).toBe(403);
  const [used] = await t.db.query<{ last_used_at: Date | null }>(
    'SELECT last_used_at FROM api_token WHERE token_hash IS NOT NULL AND user_id = $1 ORDER BY last_used_at DESC NULLS LAST LIMIT 1',
    [plannerId],
  );
  expect(used!.last_used_at).not.toBeNull();
});

it('is read-only and limited to /ogc and /tiles: other requests are told to log in', async () => {
  const { token } = (await issue(plannerCookie)).body as IssuedApiToken;
  const analysis = await request(t.app)
    .post('/api/analysis/buffer')
    .set(bearer(token))
    .send({ geometry: { type: 'Point', coordinates: [126.63, 45.75] }, distanceM: 100 });
  expect(analysis.status).toBe(401);
  expect(analysis.body.error.message).toMatch(/API 令牌只能用于读取/);
  const me = await request(t.app).get('/api/auth/me').set(bearer(token));
  expect(me.status).toBe(401);
  const issueWithToken = await request(t.app).post('/api/auth/tokens').set(bearer(token)).send({ label: 'x' });
  expect(issueWithToken.status).toBe(401);
});

it('refuses unknown, malformed, revoked and expired tokens and tokens of disabled accounts, saying so', async () => {
  const unknown = await request(t.app)
    .get('/ogc/collections/incidents/items')
    .set(bearer(`hgt_${'A'.repeat(43)}`));
  expect(unknown.status).toBe(401);
  expect(unknown.body.error.message).toMatch(/无效、已过期或已撤销/);
  const malformed = await request(t.app).get('/ogc/collections/incidents/items').set('Authorization', 'Basic abc');
  expect(malformed.status).toBe(401);
  expect(malformed.body.error.message).toMatch(/Bearer/);

  const revokedToken = (await issue(plannerCookie)).body as IssuedApiToken;
  const del = await request(t.app).delete(`/api/auth/tokens/${revokedToken.id}`).set('Cookie', plannerCookie);
  expect(del.status).toBe(200);
  expect(del.body.revokedAt).not.toBeNull();
  expect((await request(t.app).get('/ogc/collections/incidents/items').set(bearer(revokedToken.token))).status).toBe(401);

  const expiring = (await issue(plannerCookie)).body as IssuedApiToken;
  // Expired a second before the identity's clock (the test clock, not the database's).
  const expiredAt = new Date(t.clock.now().getTime() - 1000);
  await t.db.query('UPDATE api_token SET created_at = $2, expires_at = $3 WHERE id = $1', [
    expiring.id,
    new Date(expiredAt.getTime() - 2 * 86_400_000),
    expiredAt,
  ]);
  expect((await request(t.app).get('/ogc/collections/incidents/items').set(bearer(expiring.token))).status).toBe(401);

  const other = await createAccount(t.db, { role: 'planner' });
  const otherCookie = await login(t.app, other.username, other.password);
  const otherToken = (await issue(otherCookie)).body as IssuedApiToken;
  expect((await request(t.app).get('/ogc/collections/incidents/items').set(bearer(otherToken.token))).status).toBe(200);
  await t.db.query('UPDATE app_user SET disabled_at = now() WHERE id = $1', [other.id]);
  expect((await request(t.app).get('/ogc/collections/incidents/items').set(bearer(otherToken.token))).status).toBe(401);
});

it("cannot revoke someone else's token, and rejects bad input with the reason", async () => {
  const other = await createAccount(t.db, { role: 'commander' });
  const otherCookie = await login(t.app, other.username, other.password);
  const theirs = (await issue(otherCookie)).body as IssuedApiToken;
  const res = await request(t.app).delete(`/api/auth/tokens/${theirs.id}`).set('Cookie', plannerCookie);
  expect(res.status).toBe(404);
  expect((await request(t.app).get('/ogc/collections/incidents/items').set(bearer(theirs.token))).status).toBe(200);

  for (const [body, reason] of [
    [{ label: '', days: 10 }, /label/],
    [{ label: 'x', days: 0 }, /days/],
    [{ label: 'x', days: 366 }, /days/],
    [{ label: 'x', days: 1.5 }, /days/],
    [{ label: 'x', admin: true }, /admin|unrecognized/i],
    [{}, /label/],
  ] as const) {
    const bad = await issue(plannerCookie, body);
    expect([bad.status, JSON.stringify(bad.body)]).toEqual([400, expect.stringMatching(reason)]);
  }
  expect((await request(t.app).delete('/api/auth/tokens/not-a-uuid').set('Cookie', plannerCookie)).status).toBe(400);
  expect((await issue('')).status).toBe(401);
});
