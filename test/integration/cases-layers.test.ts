import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { io as connect } from 'socket.io-client';
import request from 'supertest';
import type { TileInvalidation } from '../../contracts/realtime';
import { TILE_LAYERS_BY_ID, tilesDrawingPoint } from '../../geo/tiles';
import { createCaseTestApp, reportCase, type CaseTestApp } from '../support/cases';
import { freshIp } from '../support/identity';
import { WallClient, type WallSocket } from '../support/realtime';
import { listenWithRealtime, type ListeningApp } from '../support/listen';

/**
 * City-management cases as a planners' layer: the `cases` collection (without descriptions or reporters), its
 * aggregation per unit and its live tiles, announced when a case is reported.
 */
let t: CaseTestApp;
let gateway: ListeningApp;
let url: string;
const sockets: WallSocket[] = [];
const clients: WallClient[] = [];
let since: Date;
const reported: { id: number; lon: number; lat: number }[] = [];

beforeAll(async () => {
  t = await createCaseTestApp();
  gateway = await listenWithRealtime(t.app, t.deps);
  url = gateway.url;
  since = new Date(Date.now() - 1000);
}, 180_000);
afterAll(async () => {
  for (const s of sockets) s.close();
  for (const c of clients) c.close();
  await gateway.close();
  await t.close();
});

const casesLayer = TILE_LAYERS_BY_ID.get('cases')!;

it('announces the tiles of a newly reported case, and the street-level tile draws it', async () => {
  const socket: WallSocket = connect(url, {
    transports: ['websocket'],
    extraHeaders: { cookie: t.users.commander!.cookie, 'x-forwarded-for': freshIp() },
  });
  sockets.push(socket);
  const updates: TileInvalidation[] = [];
  socket.on('tiles:invalidate', (u) => updates.push(u));
  expect(await new Promise((resolve) => socket.emit('layer:subscribe', { layer: 'cases' }, resolve))).toMatchObject({ ok: true });
  // An inspector may not read the whole cases layer's tiles, so may not join it either: no tile ids reach them.
  const inspectorSocket: WallSocket = connect(url, {
    transports: ['websocket'],
    extraHeaders: { cookie: t.users.inspector!.cookie, 'x-forwarded-for': freshIp() },
  });
  sockets.push(inspectorSocket);
  const inspectorUpdates: TileInvalidation[] = [];
  inspectorSocket.on('tiles:invalidate', (u) => inspectorUpdates.push(u));
  expect(await new Promise((resolve) => inspectorSocket.emit('layer:subscribe', { layer: 'cases' }, resolve))).toMatchObject({
    ok: false,
    error: { code: 'forbidden' },
  });

  const res = await reportCase(t, t.users.inspector!.cookie);
  expect([200, 201]).toContain(res.status);
  const id = res.body.case.id;
  const [row] = await t.db.query<{ lon: number; lat: number }>(
    'SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM city_case WHERE id = $1',
    [id],
  );
  reported.push({ id, lon: row!.lon, lat: row!.lat });
  const expected = tilesDrawingPoint(casesLayer, row!.lon, row!.lat);
  const end = Date.now() + 5000;
  while (!updates.some((u) => u.layer === 'cases' && expected.every((x) => u.tiles.includes(x)))) {
    if (Date.now() > end) throw new Error(`no tiles:invalidate for case ${id}: ${JSON.stringify(updates)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(inspectorUpdates).toEqual([]);
  const home = expected.find((x) => x.startsWith('16/'))!;
  const tile = await request(t.app)
    .get(`/tiles/cases/${home}.mvt`)
    .set('Cookie', t.users.planner!.cookie)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  expect(tile.status).toBe(200);
  const layer = new VectorTile(new PbfReader(tile.body as Buffer)).layers.cases!;
  const ids = Array.from({ length: layer.length }, (_, i) => layer.feature(i).id);
  expect(ids).toContain(id);
  // An inspector reads cases row by row under the case scope, not the whole layer.
  expect((await request(t.app).get(`/tiles/cases/${home}.mvt`).set('Cookie', t.users.inspector!.cookie)).status).toBe(403);
});

it('serves the cases collection to planners without descriptions or reporters, filtered by report time', async () => {
  for (let i = 0; i < 11; i++) {
    const res = await reportCase(t, t.users.inspector!.cookie, { categoryCode: i % 2 ? 'SJ0102' : 'BJ0101' });
    if (![200, 201].includes(res.status)) throw new Error(`report failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const window = `${since.toISOString()}/..`;
  const res = await request(t.app)
    .get('/ogc/collections/cases/items')
    .query({ datetime: window, limit: '1000' })
    .set('Cookie', t.users.planner!.cookie);
  expect(res.status).toBe(200);
  const [{ n }] = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM city_case WHERE reported_at >= $1', [
    since,
  ])) as [{ n: number }];
  expect(res.body.numberMatched).toBe(n);
  expect(n).toBeGreaterThanOrEqual(12);
  const keys = new Set((res.body.features as { properties: object }[]).flatMap((f) => Object.keys(f.properties)));
  expect(keys.has('category_code')).toBe(true);
  for (const personal of ['description', 'reporter_id', 'reporter_name', 'contact']) expect(keys.has(personal)).toBe(false);
  expect((await request(t.app).get('/ogc/collections/cases').set('Cookie', t.users.inspector!.cookie)).status).toBe(403);
});

it.each(['grid', 'street', 'district'])('aggregates the cases by %s as the units around their points say', async (by) => {
  const res = await request(t.app)
    .post('/api/analysis/aggregate')
    .set('Cookie', t.users.planner!.cookie)
    .send({ collection: 'cases', by, from: since.toISOString() });
  expect(res.status).toBe(200);
  const unitOf =
    by === 'district'
      ? `COALESCE((SELECT s.district_adcode FROM street s WHERE ST_Intersects(s.geom, c.geom) LIMIT 1),
                  (SELECT d.adcode FROM district d WHERE ST_Intersects(d.geom, c.geom) LIMIT 1))`
      : `(SELECT u.code FROM ${by === 'grid' ? 'grid_cell' : 'street'} u WHERE ST_Intersects(u.geom, c.geom) LIMIT 1)`;
  const rows = await t.db.query<{ code: string; n: number }>(
    `SELECT code, count(*)::int AS n FROM (SELECT ${unitOf} AS code FROM city_case c WHERE c.reported_at >= $1) x
      WHERE code IS NOT NULL GROUP BY 1`,
    [since],
  );
  const got = new Map(
    (res.body.features as { properties: { code: string; count: number } }[]).map((f) => [f.properties.code, f.properties.count]),
  );
  expect(got).toEqual(new Map(rows.map((r) => [r.code, r.n])));
  const categories = (res.body.features as { properties: { byCategory: Record<string, number> } }[]).flatMap((f) =>
    Object.keys(f.properties.byCategory),
  );
  expect(new Set(categories)).toEqual(new Set(['SJ0102', 'BJ0101']));
});

it("sends live case changes and their replay only within each subscriber's case scope", async () => {
  const head = Number((await t.db.query<{ seq: string }>('SELECT COALESCE(max(seq), 0) AS seq FROM change_log'))[0]!.seq);
  const mine = new WallClient(url, t.users.inspector!.cookie, { layers: ['cases'], areas: [] }, head);
  const everyone = new WallClient(url, t.users.dispatcher!.cookie, { layers: ['cases'], areas: [] }, head);
  clients.push(mine, everyone);
  await Promise.all([mine.ready(), everyone.ready()]);
  const other = (await reportCase(t, t.users.inspector2!.cookie)).body.case.id;
  const own = (await reportCase(t, t.users.inspector!.cookie)).body.case.id;
  // The dispatcher (scope: all) sees both; the inspector (own reports and grid) only their own.
  await everyone.waitFor((c) => c.case?.id === other);
  await everyone.waitFor((c) => c.case?.id === own);
  await mine.waitFor((c) => c.case?.id === own);
  expect([...mine.applied.values()].some((c) => c.case?.id === other)).toBe(false);
  // A late subscriber replaying from the same point gets the same, scoped.
  const late = new WallClient(url, t.users.inspector!.cookie, { layers: ['cases'], areas: [] }, head);
  clients.push(late);
  const replay = await late.ready();
  const ids = replay.changes.map((c) => c.case?.id);
  expect(ids).toContain(own);
  expect(ids).not.toContain(other);
});
