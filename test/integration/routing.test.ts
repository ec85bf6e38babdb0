import request from 'supertest';
import type { NearestResponse, RoadCondition, RouteResponse } from '../../contracts';
import { RoutingService } from '../../geo/routing/service';
import { pgRoutingEdgesSql } from '../../geo/routing/pgrouting-reference';
import { createTestApp, type TestApp } from '../support/app';
import { createAccount, login } from '../support/identity';

const CENTRE = { lon: 126.63, lat: 45.76 }; // 南岗区, central Harbin
const FAR = { lon: 126.68, lat: 45.72 }; // 香坊区, about 6 km south-east
const REASON = 'jest 路面积水';
const routeQuery = (a: { lon: number; lat: number }, b: { lon: number; lat: number }) => ({
  from: `${a.lon},${a.lat}`,
  to: `${b.lon},${b.lat}`,
});

let t: TestApp;
/** Session cookie of a 指挥员 (commander), whom the access policy lets set and clear road conditions. */
let commander: string;
beforeAll(async () => {
  t = await createTestApp();
  const account = await createAccount(t.db, { role: 'commander', prefix: 'routing' });
  commander = await login(t.app, account.username, account.password);
});
afterAll(async () => {
  // Leave no condition of this suite active for suites that load the graph later.
  await t.db.query(`UPDATE road_condition SET cleared_at = now() WHERE cleared_at IS NULL AND reason LIKE 'jest%'`);
  await t.close();
});

async function route(a: { lon: number; lat: number }, b: { lon: number; lat: number }): Promise<RouteResponse> {
  return (await request(t.app).get('/api/geo/route').query(routeQuery(a, b)).expect(200)).body as RouteResponse;
}
async function addCondition(body: object): Promise<RoadCondition> {
  return (await request(t.app).post('/api/geo/road-conditions').set('Cookie', commander).send(body).expect(201))
    .body as RoadCondition;
}
async function clearCondition(id: number): Promise<RoadCondition> {
  return (await request(t.app).delete(`/api/geo/road-conditions/${id}`).set('Cookie', commander).expect(200))
    .body as RoadCondition;
}

describe('GET /api/geo/nearest', () => {
  it('ranks the 3 fire stations that reach central Harbin soonest by road', async () => {
    const res = await request(t.app)
      .get('/api/geo/nearest')
      .query({ ...CENTRE, kind: 'fire_station', k: 3 })
      .expect(200);
    const body = res.body as NearestResponse;
    const stations = new Set(
      (await t.db.query<{ id: string }>(`SELECT id FROM poi WHERE category = 'fire_station'`)).map((r) => r.id),
    );
    expect(body).toMatchObject({ kind: 'fire_station', by: 'drive', origin: CENTRE });
    expect(body.origin.snap!.distanceM).toBeLessThan(100);
    expect(body.results).toHaveLength(3);
    const fastest = 130 / 3.6; // no speed in the model exceeds the top of the plausible tagged range
    for (const f of body.results) {
      expect(stations.has(f.id)).toBe(true);
      expect(f.driveTimeS).toBeGreaterThan(0);
      expect(f.driveTimeS).toBeLessThan(30 * 60);
      expect(f.driveTimeS!).toBeGreaterThanOrEqual(f.straightLineM / fastest);
      expect(f.distanceM!).toBeGreaterThanOrEqual(f.straightLineM * 0.99);
    }
    const times = body.results.map((f) => f.driveTimeS!);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('by=straight agrees with a full-scan geodesic ranking in PostGIS and adds drive times', async () => {
    const res = await request(t.app)
      .get('/api/geo/nearest')
      .query({ ...CENTRE, kind: 'hospital', k: 5, by: 'straight' })
      .expect(200);
    const body = res.body as NearestResponse;
    const truth = await t.db.query<{ id: string; d: number }>(
      `SELECT id, ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS d
       FROM poi WHERE category = 'medical_hospital' ORDER BY d LIMIT 5`,
      [CENTRE.lon, CENTRE.lat],
    );
    expect(body.results.map((f) => f.id)).toEqual(truth.map((r) => r.id));
    body.results.forEach((f, i) => expect(f.straightLineM).toBeCloseTo(truth[i]!.d, 0));
    expect(body.results.filter((f) => f.driveTimeS !== null).length).toBeGreaterThan(0);
  });

  it.each([
    [
      { ...CENTRE, kind: 'volcano' },
      400,
      'unknown_kind',
      'kind 须为 hospital、fire_station、police、shelter、school、government、fuel_station 之一',
    ],
    [
      { ...CENTRE },
      400,
      'unknown_kind',
      'kind 须为 hospital、fire_station、police、shelter、school、government、fuel_station 之一',
    ],
    [{ lon: 'abc', lat: 45.76, kind: 'hospital' }, 400, 'invalid_coordinates', 'lon 须为有限数'],
    [{ lon: 'Infinity', lat: 45.76, kind: 'hospital' }, 400, 'invalid_coordinates', '有限数（不能为空、NaN 或 Infinity）'],
    [{ lon: 126.63, kind: 'hospital' }, 400, 'invalid_coordinates', 'lat'],
    [{ ...CENTRE, kind: 'hospital', k: 0 }, 400, 'bad_request', 'k 至少为 1'],
    [{ ...CENTRE, kind: 'hospital', k: 21 }, 400, 'bad_request', 'k 至多为 20'],
    [{ ...CENTRE, kind: 'hospital', k: 2.5 }, 400, 'bad_request', 'k 须为整数'],
    [{ ...CENTRE, kind: 'hospital', by: 'air' }, 400, 'bad_request', 'by 须为 drive、straight 之一'],
    [{ lon: 100, lat: 30, kind: 'hospital' }, 422, 'outside_area', '(100, 30) 在哈尔滨范围之外'],
    [{ lon: 127.5, lat: 45.3, kind: 'hospital' }, 422, 'far_from_road', '位置 (127.5, 45.3) 距离最近的可通行道路超过 2000 米'],
  ])('rejects %j with %i %s', async (query, status, code, text) => {
    const res = await request(t.app).get('/api/geo/nearest').query(query).expect(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toContain(text);
  });
});

describe('GET /api/geo/route', () => {
  it('agrees with pgr_dijkstra node to node within 1 %', async () => {
    await t.db.query('CREATE EXTENSION IF NOT EXISTS pgrouting');
    // Start nodes of trunk and primary edges, spread over the city by a stable pseudo-random order.
    const nodes = await t.db.query<{ node: number; lon: number; lat: number }>(
      `SELECT source AS node, ST_X(ST_StartPoint(geom)) AS lon, ST_Y(ST_StartPoint(geom)) AS lat
       FROM road_edge WHERE class_id IN (104, 106) ORDER BY md5(gid::text) LIMIT 8`,
    );
    const pairs = [
      [0, 1],
      [2, 3],
      [4, 5],
      [6, 7],
      [1, 6],
    ] as const;
    for (const [i, j] of pairs) {
      const a = nodes[i]!;
      const b = nodes[j]!;
      const [pgr] = await t.db.query<{ agg_cost: number }>(
        `SELECT agg_cost FROM pgr_dijkstra($1, $2::bigint, $3::bigint, true) WHERE edge = -1`,
        [pgRoutingEdgesSql(), a.node, b.node],
      );
      expect(pgr).toBeDefined();
      const mine = await route(a, b);
      expect(mine.from.distanceM).toBe(0);
      expect(mine.to.distanceM).toBe(0);
      expect(Math.abs(mine.driveTimeS - pgr!.agg_cost) / pgr!.agg_cost).toBeLessThan(0.01);
    }
  });

  it('returns a line from the start to the end with a drive time and distance', async () => {
    const r = await route(CENTRE, FAR);
    expect(r.geometry.type).toBe('LineString');
    expect(r.geometry.coordinates[0]).toEqual([CENTRE.lon, CENTRE.lat]);
    expect(r.geometry.coordinates[r.geometry.coordinates.length - 1]).toEqual([FAR.lon, FAR.lat]);
    const [len] = await t.db.query<{ m: number }>(`SELECT ST_Length(ST_GeomFromGeoJSON($1)::geography) AS m`, [
      JSON.stringify(r.geometry),
    ]);
    expect(r.distanceM).toBeGreaterThan(len!.m * 0.99);
    expect(r.distanceM).toBeLessThan(len!.m * 1.01);
    expect(r.driveTimeS).toBeLessThan(30 * 60);
  });

  it.each([
    [{ to: '126.68,45.72' }, 400, 'from 必填：lon,lat'],
    [{ from: '126.63,45.76,1', to: '126.68,45.72' }, 400, 'from 须为两个数：lon,lat'],
    [{ from: '126.63,abc', to: '126.68,45.72' }, 400, 'from 有误：lat 须为有限数'],
    [{ from: '126.63,45.76', to: '126.68,95' }, 400, 'to 有误：lat 须在 -90 到 90 之间'],
    [{ from: '126.63,45.76', to: '100,30' }, 422, '(100, 30) 在哈尔滨范围之外'],
    [{ from: '126.63,45.76', to: '127.5,45.3' }, 422, '终点 to (127.5, 45.3) 距离最近的可通行道路超过 2000 米'],
  ])('rejects %j with %i', async (query, status, text) => {
    const res = await request(t.app).get('/api/geo/route').query(query).expect(status);
    expect(res.body.error.message).toContain(text);
  });
});

describe('road conditions', () => {
  it('closing an edge on the route reroutes the next query; clearing it restores the route', async () => {
    const before = await route(CENTRE, FAR);
    const gid = before.edges[Math.floor(before.edges.length / 2)]!;
    const closed = await addCondition({ gid, closed: true, reason: `${REASON} 封闭` });
    expect(closed).toMatchObject({ gid, closed: true, factor: null, reason: `${REASON} 封闭`, clearedAt: null });
    expect(closed.geometry?.type).toBe('LineString');
    const [row] = await t.db.query<{ gid: number; factor: number | null }>(
      'SELECT gid, factor FROM road_condition WHERE id = $1',
      [closed.id],
    );
    expect(row).toEqual({ gid, factor: null });
    const listed = (await request(t.app).get('/api/geo/road-conditions').expect(200)).body.conditions as RoadCondition[];
    expect(listed.map((c) => c.id)).toContain(closed.id);

    const during = await route(CENTRE, FAR);
    expect(during.edges).not.toContain(gid);
    expect(during.driveTimeS).toBeGreaterThanOrEqual(before.driveTimeS);

    // A freshly started service applies the active closure from the table.
    const restarted = await RoutingService.load(t.db);
    expect(restarted.route(CENTRE, FAR).edges).not.toContain(gid);

    const cleared = await clearCondition(closed.id);
    expect(cleared.clearedAt).not.toBeNull();
    const after = await route(CENTRE, FAR);
    expect(after.edges).toEqual(before.edges);
    expect(after.driveTimeS).toBe(before.driveTimeS);
    const listedAfter = (await request(t.app).get('/api/geo/road-conditions').expect(200)).body.conditions as RoadCondition[];
    expect(listedAfter.map((c) => c.id)).not.toContain(closed.id);
  });

  it('a factor slows the edge a point lies on', async () => {
    const before = await route(CENTRE, FAR);
    const slow = await addCondition({ lon: before.from.lon, lat: before.from.lat, factor: 5, reason: `${REASON} 冰雪` });
    expect(slow).toMatchObject({ gid: before.from.gid, factor: 5, closed: false });
    const during = await route(CENTRE, FAR);
    // The start edge cannot be avoided: part of it is still driven, five times slower.
    expect(during.driveTimeS).toBeGreaterThan(before.driveTimeS);
    await clearCondition(slow.id);
    expect((await route(CENTRE, FAR)).driveTimeS).toBe(before.driveTimeS);
  });

  it('answers 422 when closures cut the destination off', async () => {
    const r = await route(CENTRE, FAR);
    const target = r.to.gid;
    // Close every edge meeting either end of the destination's edge, leaving that edge an island.
    const around = await t.db.query<{ gid: number }>(
      `SELECT n.gid FROM road_edge e JOIN road_edge n
         ON n.gid <> e.gid AND (n.source IN (e.source, e.target) OR n.target IN (e.source, e.target))
       WHERE e.gid = $1`,
      [target],
    );
    expect(around.length).toBeGreaterThan(0);
    const ids: number[] = [];
    try {
      for (const { gid } of around) ids.push((await addCondition({ gid, closed: true, reason: `${REASON} 塌陷` })).id);
      const res = await request(t.app)
        .get('/api/geo/route')
        .query(routeQuery(CENTRE, { lon: r.to.lon, lat: r.to.lat }))
        .expect(422);
      expect(res.body.error.message).toContain('没有可行驶的路线');
    } finally {
      for (const id of ids) await clearCondition(id);
    }
    await route(CENTRE, FAR);
  });

  it.each([
    [{}, 400, 'reason 必填'],
    [{ gid: 1, factor: 0.5, reason: 'x' }, 400, 'factor 须为不小于 1 的有限数'],
    [{ gid: 1, reason: 'x' }, 400, 'factor（≥ 1）与 closed: true 须给出其一，且只能给出其一'],
    [{ gid: 1, factor: 2, closed: true, reason: 'x' }, 400, 'factor（≥ 1）与 closed: true 须给出其一，且只能给出其一'],
    [{ gid: 1, closed: false, reason: 'x' }, 400, 'closed 如给出，只能为 true'],
    [{ gid: 1, lon: 126.63, lat: 45.76, closed: true, reason: 'x' }, 400, 'gid 与 lon、lat 只能给出其一，不能同时给出'],
    [{ lon: 126.63, closed: true, reason: 'x' }, 400, 'lon 和 lat 须同时给出'],
    [{ gid: 1, closed: true, reason: '  ' }, 400, 'reason 不能为空'],
    [{ gid: 1, closed: true, reason: 'x', colour: 'red' }, 400, 'colour'],
    [{ gid: 99999999, closed: true, reason: 'x' }, 404, '没有 gid 为 99999999 的道路路段'],
    [{ lon: 127.5, lat: 45.3, closed: true, reason: 'x' }, 422, '(127.5, 45.3) 周围 100 米内没有道路路段'],
    [{ lon: 100, lat: 30, closed: true, reason: 'x' }, 422, '(100, 30) 在哈尔滨范围之外'],
  ])('rejects %j with %i', async (body, status, text) => {
    const res = await request(t.app).post('/api/geo/road-conditions').set('Cookie', commander).send(body).expect(status);
    expect(res.body.error.message).toContain(text);
  });

  it('refuses to change road conditions without a signed-in commander', async () => {
    const res = await request(t.app).post('/api/geo/road-conditions').send({ gid: 1, closed: true, reason: 'jest' }).expect(401);
    expect(res.body.error.code).toBe('unauthenticated');
    await request(t.app).delete('/api/geo/road-conditions/1').expect(401);
    const rows = await t.db.query(`SELECT id FROM road_condition WHERE cleared_at IS NULL AND reason = 'jest'`);
    expect(rows).toHaveLength(0);
  });

  it('rejects a body that is not JSON', async () => {
    const res = await request(t.app)
      .post('/api/geo/road-conditions')
      .set('Cookie', commander)
      .set('Content-Type', 'application/json')
      .send('{gid:')
      .expect(400);
    expect(res.body.error.message).toContain('请求内容不是有效的 JSON');
  });

  it('clears a condition once: a second clear is a conflict, an unknown id is not found', async () => {
    const c = await addCondition({ gid: 1, factor: 2, reason: `${REASON} 测试` });
    await clearCondition(c.id);
    const again = await request(t.app).delete(`/api/geo/road-conditions/${c.id}`).set('Cookie', commander).expect(409);
    expect(again.body.error.message).toContain(`道路状况 ${c.id} 已于`);
    const unknown = await request(t.app).delete('/api/geo/road-conditions/99999999').set('Cookie', commander).expect(404);
    expect(unknown.body.error.message).toContain('没有 id 为 99999999 的道路状况');
    const bad = await request(t.app).delete('/api/geo/road-conditions/abc').set('Cookie', commander).expect(400);
    expect(bad.body.error.message).toContain('道路状况编号 id 须为正整数');
    const huge = await request(t.app)
      .delete('/api/geo/road-conditions/99999999999999999999')
      .set('Cookie', commander)
      .expect(400);
    expect(huge.body.error.message).toContain('道路状况编号 id 过大');
  });
});
