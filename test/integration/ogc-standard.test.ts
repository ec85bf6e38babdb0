import { execFile } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import type { IssuedApiToken } from '../../contracts/identity';
import { CATALOG } from '../../geo/catalog/layers';
import type { SqlParam } from '../../geo/db/types';
import { OPENAPI_TYPE } from '../../gateway/ogc/openapi';
import { DEFAULT_LIMIT, ITEMS_PARAMS, MAX_LIMIT } from '../../gateway/ogc/params';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

/**
 * What OGC API – Features clients rely on beyond the core documents: the OpenAPI 3.0 definition (generated from the
 * catalogue), capped limits, queryables as query parameters, the older cql-text filter language, OGC exceptions
 * with WWW-Authenticate, and the API token as the password of HTTP Basic (QGIS).
 */
let t: IdentityTestApp;
let plannerCookie: string;
let planner: { username: string; password: string };
let token: string;

beforeAll(async () => {
  t = await createIdentityTestApp();
  const p = await createAccount(t.db, { role: 'planner' });
  planner = p;
  plannerCookie = await login(t.app, p.username, p.password);
  const issued = await request(t.app).post('/api/auth/tokens').set('Cookie', plannerCookie).send({ label: 'QGIS', days: 1 });
  expect(issued.status).toBe(201);
  token = (issued.body as IssuedApiToken).token;
}, 120_000);
afterAll(() => t.close());

const basic = (user: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const count = async (sql: string, params: SqlParam[] = []) =>
  Number((await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n);

/** Checks a definition against the official OpenAPI 3.0 JSON Schema (in its own process, see the script). */
function validateOpenApi(text: string): Promise<{ valid: boolean; errors?: unknown }> {
  const tsx = path.join(process.cwd(), 'node_modules', '.bin', 'tsx');
  const script = path.join(__dirname, 'ogc-clients', 'validate-openapi.ts');
  return new Promise((resolve, reject) => {
    const child = execFile(tsx, [script], (err, stdout) =>
      err ? reject(err) : resolve(JSON.parse(stdout) as { valid: boolean; errors?: unknown }),
    );
    child.stdin!.end(text);
  });
}

/** Reads a response body as bytes, whatever its type. */
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};

interface Param {
  name: string;
  in: string;
  schema: { type?: string; enum?: string[]; maximum?: number; default?: unknown; format?: string };
}
interface ApiDoc {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, { get: { parameters: ({ $ref: string } | Param)[]; security?: unknown[] } }>;
  components: { parameters: Record<string, Param> };
}
const resolve = (doc: ApiDoc, p: { $ref: string } | Param): Param =>
  '$ref' in p ? doc.components.parameters[p.$ref.split('/').pop()!]! : p;
const itemsParams = (doc: ApiDoc, id: string) =>
  new Map(doc.paths[`/collections/${id}/items`]!.get.parameters.map((p) => resolve(doc, p)).map((p) => [p.name, p]));

describe('the OpenAPI definition', () => {
  it('is linked from the landing page and valid OpenAPI 3.0 by the official schema', async () => {
    const landing = await request(t.app).get('/ogc').expect(200);
    const links = landing.body.links as { rel: string; type: string; href: string }[];
    const desc = links.find((l) => l.rel === 'service-desc');
    expect(desc?.type).toBe('application/vnd.oai.openapi+json;version=3.0');
    expect(links.find((l) => l.rel === 'service-doc')?.type).toBe('text/html');
    const res = await request(t.app).get(new URL(desc!.href).pathname).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe(OPENAPI_TYPE);
    const text = (res.body as Buffer).toString('utf8');
    const doc = JSON.parse(text) as ApiDoc;
    expect(doc.openapi).toMatch(/^3\.0\./);
    expect(await validateOpenApi(text)).toEqual({ valid: true });
    expect(doc.servers[0]!.url).toMatch(/\/ogc$/);
  });

  it('describes every path, and for each readable collection its items with limits, filter languages and queryables', async () => {
    const doc = (await request(t.app).get('/ogc/api').expect(200)).body as ApiDoc;
    for (const path of [
      '/',
      '/api',
      '/conformance',
      '/collections',
      '/collections/{collectionId}',
      '/collections/{collectionId}/queryables',
      '/collections/{collectionId}/items',
      '/collections/{collectionId}/items/{featureId}',
    ])
      expect(doc.paths[path]).toBeDefined();
    // Every /ogc route of the access policy is described.
    const routes = Object.keys(t.identity.policy.file.http)
      .filter((r) => r === 'GET /ogc' || r.startsWith('GET /ogc/'))
      .map((r) => r.slice('GET /ogc'.length).replace(/:(\w+)/g, '{$1}') || '/');
    expect(routes.length).toBeGreaterThan(8);
    for (const path of routes) expect([path, doc.paths[path] !== undefined]).toEqual([path, true]);
    const publicLayers = CATALOG.filter((l) => l.public);
    for (const layer of publicLayers) {
      const params = itemsParams(doc, layer.id);
      expect(params.get('limit')?.schema).toMatchObject({ type: 'integer', maximum: MAX_LIMIT, default: DEFAULT_LIMIT });
      expect(params.get('filter-lang')?.schema.enum).toEqual(['cql2-text', 'cql-text']);
      expect(params.has('datetime')).toBe(layer.temporalColumn !== undefined);
      for (const p of layer.properties) {
        if (p.type === 'geometry' || (ITEMS_PARAMS as readonly string[]).includes(p.name)) continue;
        const q = params.get(p.name);
        expect(q?.in).toBe('query');
        const type = p.type === 'timestamp' || p.type === 'date' ? 'string' : p.type;
        expect(q?.schema.type).toBe(type);
      }
    }
    // Anonymous callers are not told about the collections they may not read.
    expect(doc.paths['/collections/incidents/items']).toBeUndefined();
    // A planner's token opens incidents (not units), and the path says it needs authentication.
    const mine = (await request(t.app).get('/ogc/api').set(basic(planner.username, token)).expect(200)).body as ApiDoc;
    expect(mine.paths['/collections/incidents/items']?.get.security?.length).toBeGreaterThan(0);
    expect(mine.paths['/collections/units/items']).toBeUndefined();
    expect(itemsParams(mine, 'incidents').get('priority')?.schema.type).toBe('integer');
  });

  it('has a service-doc page for people, without scripts, and refuses other formats as an OGC exception', async () => {
    const res = await request(t.app).get('/ogc/api').query({ f: 'html' }).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('GET /collections/{collectionId}/items');
    expect(res.text).toContain('GET /collections/poi/items');
    expect(res.text).toContain(`[1 … ${MAX_LIMIT}]`);
    expect(res.text).not.toMatch(/<script/i);
    const bad = await request(t.app).get('/ogc/api').query({ f: 'yaml' }).expect(400);
    expect(bad.body).toMatchObject({ code: 'InvalidParameterValue' });
    expect(bad.body.description).toMatch(/^参数 f 有误：/);
  });
});

describe('items as the standard asks', () => {
  it('caps a limit above the maximum instead of refusing it', async () => {
    const total = await count('base_building');
    const res = await request(t.app)
      .get('/ogc/collections/buildings/items')
      .query({ limit: '100000', properties: '' })
      .expect(200);
    expect(res.body.numberReturned).toBe(Math.min(total, MAX_LIMIT));
    expect(res.body.numberMatched).toBe(total);
    if (total > MAX_LIMIT) {
      const next = (res.body.links as { rel: string; href: string }[]).find((l) => l.rel === 'next');
      expect(new URL(next!.href).searchParams.get('offset')).toBe(String(MAX_LIMIT));
    }
    const huge = await request(t.app)
      .get('/ogc/collections/poi/items')
      .query({ limit: '9'.repeat(40) })
      .expect(200);
    expect(huge.body.numberReturned).toBe(Math.min(await count('poi'), MAX_LIMIT));
    await request(t.app).get('/ogc/collections/poi/items').query({ limit: '0' }).expect(400);
  });

  it('takes queryables as query parameters, alone and with a filter, like SQL', async () => {
    const police = await count("poi WHERE category = 'police'");
    expect(police).toBeGreaterThan(2);
    const byParam = await request(t.app).get('/ogc/collections/poi/items').query({ category: 'police' }).expect(200);
    expect(byParam.body.numberMatched).toBe(police);
    expect(
      (byParam.body.features as { properties: { category: string } }[]).every((f) => f.properties.category === 'police'),
    ).toBe(true);
    const both = await request(t.app)
      .get('/ogc/collections/poi/items')
      .query({ category: 'police', filter: "name LIKE '%派出所%'" })
      .expect(200);
    expect(both.body.numberMatched).toBe(await count("poi WHERE category = 'police' AND name LIKE '%派出所%'"));
    const none = await request(t.app).get('/ogc/collections/poi/items').query({ category: "police' OR 'a'='a" }).expect(200);
    expect(none.body.numberMatched).toBe(0);
    // Typed: an integer property takes integers only; the refusal names the parameter.
    const urgent = await request(t.app)
      .get('/ogc/collections/incidents/items')
      .set('Authorization', `Bearer ${token}`)
      .query({ priority: '1', drill: 'false' })
      .expect(200);
    expect(urgent.body.numberMatched).toBeLessThanOrEqual(await count('incident WHERE priority = 1 AND NOT drill'));
    const wrong = await request(t.app)
      .get('/ogc/collections/incidents/items')
      .set('Authorization', `Bearer ${token}`)
      .query({ priority: 'high' })
      .expect(400);
    expect(wrong.body).toMatchObject({ code: 'InvalidParameterValue' });
    expect(wrong.body.description).toMatch(/^参数 priority 有误：/);
    await request(t.app).get('/ogc/collections/poi/items').query({ drill: 'true' }).expect(400);
    const when = await request(t.app).get('/ogc/collections/warnings/items').query({ sent_at: 'yesterday' }).expect(400);
    expect(when.body.description).toMatch(/^参数 sent_at 有误：/);
    const sent = await request(t.app)
      .get('/ogc/collections/warnings/items')
      .query({ sent_at: '2024-05-01T08:00:00Z', drill: 'false' })
      .expect(200);
    expect(sent.body.numberMatched).toBe(
      await count("warning_area WHERE sent_at = '2024-05-01T08:00:00Z'::timestamptz AND NOT drill"),
    );
  });

  it('reads filter-lang=cql-text (GDAL 3.6) as CQL2 text', async () => {
    const filter = "(category = 'police') AND (name LIKE '%派出所%')";
    const old = await request(t.app).get('/ogc/collections/poi/items').query({ filter, 'filter-lang': 'cql-text' }).expect(200);
    const cql2 = await request(t.app).get('/ogc/collections/poi/items').query({ filter, 'filter-lang': 'cql2-text' }).expect(200);
    expect(old.body.numberMatched).toBe(cql2.body.numberMatched);
    expect(old.body.numberMatched).toBe(await count("poi WHERE category = 'police' AND name LIKE '%派出所%'"));
    const json = await request(t.app).get('/ogc/collections/poi/items').query({ filter, 'filter-lang': 'cql2-json' }).expect(400);
    expect(json.body.description).toMatch(/cql2-text 或 cql-text/);
  });
});

describe('errors and authentication', () => {
  it('answers 401 with the OGC exception and WWW-Authenticate (Basic only for clients that are not the web page)', async () => {
    const res = await request(t.app).get('/ogc/collections/incidents/items').unset('Sec-Fetch-Site').expect(401);
    expect(res.body).toMatchObject({ code: 'NotAuthenticated', error: { code: 'unauthenticated' } });
    expect(res.body.description).toMatch(/API 令牌/);
    const challenges = String(res.headers['www-authenticate']);
    expect(challenges).toMatch(/Bearer realm="[^"]+"/);
    expect(challenges).toMatch(/Basic realm="[^"]+", charset="UTF-8"/);
    const fromPage = await request(t.app).get('/ogc/collections/incidents/items').set('Sec-Fetch-Mode', 'cors').expect(401);
    expect(String(fromPage.headers['www-authenticate'])).not.toMatch(/Basic/);
    expect(String(fromPage.headers['www-authenticate'])).toMatch(/Bearer/);
  });

  it('answers unknown paths and collections as OGC NotFound', async () => {
    const path = await request(t.app).get('/ogc/nothing-here').expect(404);
    expect(path.body).toMatchObject({ code: 'NotFound' });
    const collection = await request(t.app).get('/ogc/collections/nope/items').expect(404);
    expect(collection.body).toMatchObject({ code: 'NotFound' });
    expect(collection.body.description).toContain('nope');
  });

  it('accepts the API token as the Basic password with the owner’s rights, on the OGC API and tiles, and audits its use', async () => {
    const items = await request(t.app)
      .get('/ogc/collections/incidents/items')
      .query({ limit: '1', f: 'geojson' })
      .set(basic('anything', token))
      .expect(200);
    expect(items.body.type).toBe('FeatureCollection');
    const [audit] = await t.db.query<{ username: string | null }>(
      "SELECT username FROM audit_event WHERE action = 'data.export' AND request_id = $1",
      [String(items.headers['x-request-id'])],
    );
    expect(audit?.username).toBe(planner.username);
    const [used] = await t.db.query<{ last_used_at: Date | null }>(
      'SELECT max(last_used_at) AS last_used_at FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE u.username = $1',
      [planner.username],
    );
    expect(used?.last_used_at).not.toBeNull();
    const tile = await request(t.app).get('/tiles/incidents/10/872/367.mvt').set(basic(planner.username, token));
    expect([200, 204]).toContain(tile.status);
    // The owner's rights, not more: planners may not see units.
    await request(t.app).get('/ogc/collections/units/items').set(basic(planner.username, token)).expect(403);
    expect((await request(t.app).get('/tiles/units/10/872/367.mvt').set(basic(planner.username, token))).status).toBe(403);
    // Read-only, and only on the OGC API and tiles.
    expect((await request(t.app).get('/api/incidents').set(basic(planner.username, token))).status).toBe(401);
  });

  it('refuses a login password, a malformed header and a revoked token sent as Basic, saying why', async () => {
    const password = await request(t.app).get('/ogc/collections/incidents/items').set(basic(planner.username, planner.password));
    expect(password.status).toBe(401);
    expect(password.body.description).toMatch(/不接受登录密码/);
    expect(String(password.headers['www-authenticate'])).toMatch(/Basic/);
    const malformed = await request(t.app).get('/ogc/collections/incidents/items').set('Authorization', 'Basic ***');
    expect(malformed.status).toBe(401);
    const noColon = await request(t.app)
      .get('/ogc/collections/incidents/items')
      .set('Authorization', `Basic ${Buffer.from(token).toString('base64')}`);
    expect(noColon.status).toBe(401);
    const issued = await request(t.app).post('/api/auth/tokens').set('Cookie', plannerCookie).send({ label: 'revoked', days: 1 });
    const revoked = issued.body as IssuedApiToken;
    await request(t.app).delete(`/api/auth/tokens/${revoked.id}`).set('Cookie', plannerCookie).expect(200);
    const res = await request(t.app).get('/ogc/collections/incidents/items').set(basic('x', revoked.token));
    expect(res.status).toBe(401);
    expect(res.body.description).toMatch(/无效、已过期或已撤销/);
  });
});
