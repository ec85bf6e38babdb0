import request from 'supertest';
import type { FeedAck } from '../../contracts/incidents';
import type { SharingRequest, SharingResource } from '../../contracts/sharing';
import { tileBounds } from '../../gateway/sharing/rules';
import { freshScene, offset, postFeed, report } from '../support/feeds';
import { createAccount, createIdentityTestApp, login, TEST_PASSWORD, type IdentityTestApp } from '../support/identity';

/**
 * 条件共享 end to end over the real gateway and database: a department asks for incidents (provided by the command
 * centre), the centre approves with conditions, the requester reads exactly the granted fields and area through the
 * OGC API, exports and tiles, and nothing else; the grant ends by itself at its end; refusals carry their reason;
 * 不予共享 is never offered; 强制共享 opens without asking; every step and every use is in the audit log.
 */
let t: IdentityTestApp;
let requester: string; // handler of 城管 (urban_mgmt): incidents are not in the role's own layers
let colleague: string; // another handler of the same department
let provider: string; // leader of the command centre, which provides incidents
let outsider: string; // handler of 交警, which provides nothing here
let auditor: string;
let own: string; // this suite's own 城管 department
const incidentIds: { inside: number; outside: number } = { inside: 0, outside: 0 };
let area: [number, number, number, number];
let scenePoint: { lon: number; lat: number };
const GRANTED = ['id', 'category', 'status'];

const api = (method: 'get' | 'post', path: string, cookie: string, body?: unknown) => {
  const r = request(t.app)[method](path).set('Cookie', cookie);
  return body === undefined ? r : r.send(body as object);
};
const iso = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();
const HOUR = 3_600_000;

async function auditRows(action: string, object: string): Promise<Record<string, unknown>[]> {
  const rows = await t.db.query<{ detail: string; username: string }>(
    'SELECT detail, username FROM audit_event WHERE action = $1 AND object = $2 ORDER BY seq',
    [action, object],
  );
  return rows.map((r) => ({ ...(JSON.parse(r.detail) as Record<string, unknown>), username: r.username }));
}

const usernames: Record<'requester' | 'colleague' | 'provider' | 'outsider' | 'auditor', string> = {
  requester: '',
  colleague: '',
  provider: '',
  outsider: '',
  auditor: '',
};

/** Signs everyone in at the test clock's time (after the clock moves past the sessions' idle limit). */
async function signIn(): Promise<void> {
  const l = (u: string) => login(t.app, u, TEST_PASSWORD);
  [requester, colleague, provider, outsider, auditor] = await Promise.all([
    l(usernames.requester),
    l(usernames.colleague),
    l(usernames.provider),
    l(usernames.outsider),
    l(usernames.auditor),
  ]);
}

beforeAll(async () => {
  t = await createIdentityTestApp();
  const account = async (role: 'handler' | 'leader' | 'auditadmin', departmentId: string) =>
    (await createAccount(t.db, { role, departmentId, prefix: 'share' })).username;
  // A 城管 department of this suite's own: its grants must not open layers to other suites' urban-mgmt accounts in the
  // shared test database. It lies in a district no case is in, and is retired afterwards, so that automatic case
  // dispatch of the suites running beside this one never falls back to it.
  own = `share-urban-${Date.now().toString(36)}`;
  await t.db.query(`INSERT INTO department (id, name, kind, district_adcode) VALUES ($1, $2, 'urban_mgmt', '230199')`, [
    own,
    `城管共享测试部门 ${own}`,
  ]);
  usernames.requester = await account('handler', own);
  usernames.colleague = await account('handler', own);
  usernames.provider = await account('leader', 'command-center');
  usernames.outsider = await account('handler', 'traffic-police');
  usernames.auditor = await account('auditadmin', 'info-center');
  await signIn();
  const scene = freshScene();
  const far = offset(scene, 3000, 0);
  for (const [key, where] of [
    ['inside', scene],
    ['outside', far],
  ] as const) {
    const r = report('110', 'traffic_crash', where, scene.at);
    const res = await postFeed(t.app, '110', r.payload);
    expect(res.status).toBe(201);
    incidentIds[key] = Number((res.body as FeedAck).incidentId);
  }
  scenePoint = scene;
  area = [scene.lon - 0.005, scene.lat - 0.005, scene.lon + 0.005, scene.lat + 0.005];
});

afterAll(async () => {
  await t.db.query(`UPDATE department SET active = false WHERE id = $1`, [own]);
  await t.close();
});

const requestBody = (over: Record<string, unknown> = {}) => ({
  resource: 'incidents',
  purpose: '城管执法配合交通事故现场秩序维护',
  fields: ['id', 'category', 'status', 'title', 'priority'],
  area,
  validFrom: iso(-60_000),
  validUntil: iso(24 * HOUR),
  ...over,
});

const itemsUrl = (props: string, bbox: readonly number[], extra = '') =>
  `/ogc/collections/incidents/items?properties=${props}&bbox=${bbox.join(',')}&limit=1000${extra}`;

test('the catalogue gives every resource its class, legal basis and core metadata, and what the caller may do', async () => {
  const res = await api('get', '/api/sharing/resources', requester).expect(200);
  const resources = (res.body as { resources: SharingResource[] }).resources;
  expect(resources.length).toBeGreaterThanOrEqual(17);
  for (const r of resources) {
    expect(['mandatory', 'conditional', 'none']).toContain(r.sharingClass);
    for (const k of ['name', 'summary', 'legalBasis', 'updateCycle', 'coverage', 'contact'] as const)
      expect(r[k].length).toBeGreaterThan(0);
    expect(r.provider.name.length).toBeGreaterThan(1);
    expect(r.formats.length).toBeGreaterThan(0);
  }
  const by = new Map(resources.map((r) => [r.id, r]));
  expect(by.get('incidents')).toMatchObject({
    sharingClass: 'conditional',
    access: 'requestable',
    provider: { id: 'command-center' },
  });
  expect(by.get('units')).toMatchObject({ sharingClass: 'none', access: 'not_offered' });
  expect(by.get('cases')).toMatchObject({ sharingClass: 'mandatory', access: 'open' });
  expect(by.get('district')).toMatchObject({ access: 'open' });
});

test('强制共享 opens to every department without asking, and each use is audited', async () => {
  const path = '/ogc/collections/cases/items?limit=1';
  const res = await api('get', path, outsider).expect(200);
  expect(res.body.type).toBe('FeatureCollection');
  // 城管's handlers read no operational layer of their own: cases are listed for them, units and population not.
  const list = await api('get', '/ogc/collections', requester).expect(200);
  const listed = (list.body as { collections: { id: string }[] }).collections.map((c) => c.id);
  expect(listed).toContain('cases');
  expect(listed).not.toContain('units');
  expect(listed).not.toContain('population');
  const uses = await auditRows('sharing.use', 'GET /ogc/collections/cases/items');
  expect(uses.some((u) => u.resource === 'cases' && u.sharingClass === 'mandatory' && u.query === '?limit=1')).toBe(true);
});

test('不予共享 is never offered: no request, no read', async () => {
  const res = await api('post', '/api/sharing/requests', requester, requestBody({ resource: 'units', fields: ['id'] })).expect(
    403,
  );
  expect(res.body.error.message).toMatch(/不予共享/);
  const refused = (await auditRows('access.denied', 'POST /api/sharing/requests')).filter(
    (r) => r.username === usernames.requester && r.resource === 'units',
  );
  expect(refused).toHaveLength(1);
  await api('get', '/ogc/collections/units/items?limit=1', requester).expect(403);
});

test('request → approval with conditions → exactly the granted fields and area → the grant ends by itself', async () => {
  // Before any grant: incidents are refused to 城管.
  await api('get', itemsUrl(GRANTED.join(','), area), requester).expect(403);

  const asked = await api('post', '/api/sharing/requests', requester, requestBody()).expect(201);
  const req = asked.body as SharingRequest;
  expect(req).toMatchObject({ state: 'pending', direction: 'outgoing', provider: { id: 'command-center' } });
  // A second open request for the same resource waits for the first.
  await api('post', '/api/sharing/requests', colleague, requestBody()).expect(409);

  const incoming = await api('get', '/api/sharing/requests', provider).expect(200);
  expect((incoming.body as { requests: SharingRequest[] }).requests.find((r) => r.id === req.id)?.direction).toBe('incoming');
  // Only the providing department answers.
  await api('post', `/api/sharing/requests/${req.id}/decision`, outsider, { decision: 'refuse', reason: '不是我部门' }).expect(
    403,
  );
  await api('post', `/api/sharing/requests/${req.id}/decision`, requester, { decision: 'refuse', reason: '自己答复' }).expect(
    403,
  );
  // Never more than was asked.
  const decision = {
    decision: 'approve',
    fields: GRANTED,
    area,
    validFrom: req.validFrom,
    validUntil: iso(HOUR),
    conditions: '仅用于现场秩序维护，不得转交第三方',
  };
  const more = await api('post', `/api/sharing/requests/${req.id}/decision`, provider, {
    ...decision,
    fields: [...GRANTED, 'street_name'],
  }).expect(400);
  expect(more.body.error.message).toMatch(/street_name/);
  await api('post', `/api/sharing/requests/${req.id}/decision`, provider, {
    ...decision,
    area: [area[0] - 1, area[1], area[2], area[3]],
  }).expect(400);
  const approved = await api('post', `/api/sharing/requests/${req.id}/decision`, provider, decision).expect(200);
  expect(approved.body).toMatchObject({ state: 'approved', granted: { fields: GRANTED, conditions: decision.conditions } });
  await api('post', `/api/sharing/requests/${req.id}/decision`, provider, decision).expect(409);

  // The grant serves the requesting department: granted fields inside the granted area, nothing else.
  const cat = await api('get', '/api/sharing/resources', colleague).expect(200);
  expect((cat.body as { resources: SharingResource[] }).resources.find((r) => r.id === 'incidents')?.access).toBe('granted');
  const page = await api('get', itemsUrl(GRANTED.join(','), area), colleague).expect(200);
  const ids = (page.body.features as { id: number; properties: Record<string, unknown> }[]).map((f) => f.id);
  expect(ids).toContain(incidentIds.inside);
  expect(ids).not.toContain(incidentIds.outside);
  for (const f of page.body.features as { properties: Record<string, unknown> }[]) {
    expect(Object.keys(f.properties).every((k) => GRANTED.includes(k))).toBe(true);
  }
  const [inBox] = await t.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM incident WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4326))',
    area,
  );
  expect(page.body.numberMatched).toBe(inBox!.n);
  // A smaller box and a filter on granted fields are inside the grant too; an export as well.
  const inner = [area[0] + 0.001, area[1] + 0.001, area[2] - 0.001, area[3] - 0.001];
  await api('get', itemsUrl('id,status', inner, `&filter=${encodeURIComponent("category = 'traffic_crash'")}`), colleague).expect(
    200,
  );
  const csv = await api('get', itemsUrl(GRANTED.join(','), area, '&f=csv'), colleague).expect(200);
  expect(csv.text.split('\n')[0]).not.toMatch(/title|priority|street_name/);

  // Beyond the grant: refused with the grant's limits named.
  const beyond = [
    itemsUrl('id,title', area), // a field asked but not granted
    itemsUrl(GRANTED.join(','), [area[0] - 0.01, area[1], area[2], area[3]]), // outside the area
    `/ogc/collections/incidents/items?properties=id&limit=10`, // no area
    `/ogc/collections/incidents/items?bbox=${area.join(',')}`, // every field
    itemsUrl('id', area, `&filter=${encodeURIComponent("title LIKE '%火%'")}`), // probing a hidden field
    itemsUrl('id', area, '&sortby=-priority'),
    itemsUrl('id', area, '&datetime=2020-01-01T00:00:00Z/..'), // first_reported_at was not granted
    `/ogc/collections/incidents/items/${incidentIds.inside}`, // a whole feature
  ];
  for (const url of beyond) {
    const res = await api('get', url, colleague);
    expect([url, res.status]).toEqual([url, 403]);
    expect(res.body.error.message).toMatch(/共享授权/);
  }
  // Tiles: a tile carries fields that were not granted (title, priority…), so none is served under this grant.
  const tile = await api('get', '/tiles/incidents/16/56000/23000.mvt', colleague);
  expect(tile.status).toBe(403);
  expect(tile.body.error.message).toMatch(/未授权的字段/);
  // Another department has no grant.
  const other = await createAccount(t.db, { role: 'handler', departmentId: 'planning', prefix: 'share' });
  await api('get', itemsUrl(GRANTED.join(','), area), await login(t.app, other.username, TEST_PASSWORD)).expect(403);

  // Every step and every use audited.
  expect(await auditRows('sharing.request', `sharing_request ${req.id}`)).toHaveLength(1);
  const [approval] = await auditRows('sharing.approve', `sharing_request ${req.id}`);
  expect(approval).toMatchObject({ fields: GRANTED, conditions: decision.conditions });
  const uses = (await auditRows('sharing.use', 'GET /ogc/collections/incidents/items')).filter((u) => u.request === req.id);
  expect(uses.length).toBeGreaterThanOrEqual(3);
  const refusals = await t.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_event WHERE action = 'access.denied' AND detail LIKE $1",
    [`%超出共享授权%`],
  );
  expect(refusals[0]!.n).toBeGreaterThanOrEqual(beyond.length);

  // The grant ends by itself: an hour later the same read is refused, and the request shows as expired.
  t.clock.advance(HOUR + 1000);
  await signIn();
  await api('get', itemsUrl(GRANTED.join(','), area), colleague).expect(403);
  const after = await api('get', '/api/sharing/requests', requester).expect(200);
  expect((after.body as { requests: SharingRequest[] }).requests.find((r) => r.id === req.id)).toMatchObject({
    state: 'approved',
    expired: true,
  });
  const later = await api('get', '/api/sharing/resources', requester).expect(200);
  expect((later.body as { resources: SharingResource[] }).resources.find((r) => r.id === 'incidents')?.access).toBe(
    'requestable',
  );
});

test('a refusal carries its reason, grants nothing, and is audited; administrators read the register', async () => {
  const asked = await api('post', '/api/sharing/requests', requester, requestBody({ validUntil: iso(2 * HOUR) })).expect(201);
  const id = (asked.body as SharingRequest).id;
  const noReason = await api('post', `/api/sharing/requests/${id}/decision`, provider, {
    decision: 'refuse',
    reason: ' ',
  }).expect(400);
  expect(noReason.body.error.message).toMatch(/拒绝理由/);
  const refused = await api('post', `/api/sharing/requests/${id}/decision`, provider, {
    decision: 'refuse',
    reason: '用途与所申请字段不相称',
  }).expect(200);
  expect(refused.body).toMatchObject({ state: 'refused', refusalReason: '用途与所申请字段不相称', granted: null });
  await api('get', itemsUrl(GRANTED.join(','), area), requester).expect(403);
  expect(await auditRows('sharing.refuse', `sharing_request ${id}`)).toEqual([
    expect.objectContaining({ reason: '用途与所申请字段不相称' }),
  ]);
  const register = await api('get', '/api/sharing/requests', auditor).expect(200);
  expect((register.body as { requests: SharingRequest[] }).requests.find((r) => r.id === id)?.direction).toBe('other');
  await api('post', '/api/sharing/requests', auditor, requestBody()).expect(403);
});

test('hostile and wrong input is refused with a reason, never a 500', async () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ resource: 'nonexistent' }, /信息资源目录中没有/],
    [{ resource: 'incidents', fields: ['id', 'no_such_field'] }, /no_such_field/],
    [{ fields: [] }, /至少选择一个字段/],
    [{ fields: ['id', 'id'] }, /不能重复/],
    [{ fields: ['DROP TABLE'] }, /字段名/],
    [{ area: [0, 0, 1, 1] }, /哈尔滨市域/],
    [{ area: [126.7, 45.8, 126.6, 45.7] }, /西界/],
    [{ area: [1e308, 45, 126, 46] }, /哈尔滨市域/],
    [{ area: 'all' }, /范围/],
    [{ purpose: 'x'.repeat(501) }, /用途至多/],
    [{ purpose: '  ' }, /用途/],
    [{ validFrom: 'yesterday' }, /ISO 8601/],
    [{ validUntil: iso(-HOUR) }, /结束时间须晚于/],
    [{ validFrom: iso(0), validUntil: iso(400 * 24 * HOUR) }, /至多 366 天/],
    [{ resource: 'district' }, /无需申请/],
    [{ resource: 'cases', fields: ['id'] }, /无需申请/],
  ];
  for (const [over, message] of bad) {
    const res = await api('post', '/api/sharing/requests', requester, requestBody(over));
    expect([JSON.stringify(over).slice(0, 80), res.status]).toEqual([
      JSON.stringify(over).slice(0, 80),
      res.status >= 400 && res.status < 500 ? res.status : 'not 4xx',
    ]);
    expect(res.body.error.message).toMatch(message);
  }
  for (const body of [
    '{"resource":"incidents","purpose":"\\ud800 lone","fields":["id"]}',
    '{"resource":"incidents","purpose":"用途说明","fields":["id"],"area":[1e400,45,126,46]}',
    '{"resource":"incidents","purpose":"a\\u0000b","fields":["id"]}',
  ]) {
    const raw = await request(t.app)
      .post('/api/sharing/requests')
      .set('Cookie', requester)
      .set('Content-Type', 'application/json')
      .send(body);
    expect([body, raw.status]).toEqual([body, 400]);
  }
  await api('post', '/api/sharing/requests/not-a-uuid/decision', provider, { decision: 'refuse', reason: '理由充分' }).expect(
    400,
  );
  await api('post', '/api/sharing/requests/00000000-0000-4000-8000-000000000000/decision', provider, {
    decision: 'refuse',
    reason: '理由充分',
  }).expect(404);
  await api('post', '/api/sharing/requests/00000000-0000-4000-8000-000000000000/decision', provider, {
    decision: 'maybe',
  }).expect(400);
});

test('a grant of every field a tile carries serves the tiles inside its area, and no tile beyond it', async () => {
  const z = 16;
  const n = 2 ** z;
  const x = Math.floor(((scenePoint.lon + 180) / 360) * n);
  const latRad = (scenePoint.lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(latRad) + 1 / Math.cos(latRad)) / Math.PI) / 2) * n);
  const [w, s, e, nn] = tileBounds(z, x, y);
  const tileArea = [w - 0.0001, s - 0.0001, e + 0.0001, nn + 0.0001];
  const planner = await createAccount(t.db, { role: 'handler', departmentId: 'planning', prefix: 'share' });
  const cookie = await login(t.app, planner.username, TEST_PASSWORD);
  const tileFields = ['id', 'status', 'category', 'priority', 'title', 'district_code', 'drill'];
  await api('get', `/tiles/incidents/${z}/${x}/${y}.mvt`, cookie).expect(403);
  const asked = await api('post', '/api/sharing/requests', cookie, requestBody({ fields: tileFields, area: tileArea })).expect(
    201,
  );
  const body = asked.body as SharingRequest;
  await api('post', `/api/sharing/requests/${body.id}/decision`, provider, {
    decision: 'approve',
    fields: tileFields,
    area: tileArea,
    validFrom: body.validFrom,
    validUntil: body.validUntil,
    conditions: '仅限现场图层叠加显示',
  }).expect(200);
  const inside = await api('get', `/tiles/incidents/${z}/${x}/${y}.mvt`, cookie);
  expect(inside.status).toBe(200);
  expect(inside.headers['content-type']).toMatch(/vnd.mapbox-vector-tile/);
  const beyond = await api('get', `/tiles/incidents/${z}/${x + 1}/${y}.mvt`, cookie).expect(403);
  expect(beyond.body.error.message).toMatch(/超出共享授权的范围/);
  await api('get', `/tiles/incidents/${z - 1}/${Math.floor(x / 2)}/${Math.floor(y / 2)}.mvt`, cookie).expect(403);
  const uses = await t.db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM audit_event WHERE action = 'sharing.use' AND object = $1 AND detail LIKE $2",
    [`GET /tiles/incidents/${z}/${x}/${y}.mvt`, `%${body.id}%`],
  );
  expect(uses[0]!.n).toBe(1);
});
