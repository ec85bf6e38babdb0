import { latLngToCell } from 'h3-js';
import request from 'supertest';
import { parsePolicy } from '../../gateway/policy/load';
import { postFeed, report } from '../support/feeds';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

/** Central Harbin (道里区 / 南岗区), on the road network and inside the unit grid. */
const CENTRE = { lon: 126.63, lat: 45.76 };
const AREA = {
  type: 'Polygon',
  coordinates: [
    [
      [126.58, 45.72],
      [126.7, 45.72],
      [126.7, 45.8],
      [126.58, 45.8],
      [126.58, 45.72],
    ],
  ],
};

let t: IdentityTestApp;
let planner: string;
let commander: string;
let inspector: string;

beforeAll(async () => {
  t = await createIdentityTestApp();
  const p = await createAccount(t.db, { role: 'planner', departmentId: 'planning' });
  const c = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
  const i = await createAccount(t.db, { role: 'inspector', departmentId: 'urban-mgmt', gridScope: ['230103'] });
  planner = await login(t.app, p.username, p.password);
  commander = await login(t.app, c.username, c.password);
  inspector = await login(t.app, i.username, i.password);
}, 120_000);
afterAll(() => t.close());

const post = (path: string, body: unknown, cookie: string | null = planner) => {
  const r = request(t.app).post(`/api/analysis/${path}`);
  if (cookie) r.set('Cookie', cookie);
  return typeof body === 'string' ? r.set('Content-Type', 'application/json').send(body) : r.send(body as object);
};

describe('access', () => {
  it('refuses anonymous callers (401) and roles without analysis.run (403)', async () => {
    for (const path of ['buffer', 'service-area', 'within', 'aggregate']) {
      expect((await post(path, {}, null)).status).toBe(401);
      expect((await post(path, {}, inspector)).status).toBe(403);
    }
  });

  it('applies the layer rule to incidents: a role without the layer is refused, one with it is not', async () => {
    // The same app under a policy whose incidents layer leaves planners out.
    const file = structuredClone(t.identity.policy.file);
    file.layers.incidents = file.layers.incidents!.filter((g) => g !== 'planner');
    const narrow = await createIdentityTestApp({ policy: parsePolicy(file) });
    try {
      const p = await createAccount(narrow.db, { role: 'planner', departmentId: 'planning' });
      const cookie = await login(narrow.app, p.username, p.password);
      const send = (path: string, body: unknown) =>
        request(narrow.app)
          .post(`/api/analysis/${path}`)
          .set('Cookie', cookie)
          .send(body as object);
      expect((await send('within', { collection: 'incidents', geometry: AREA })).status).toBe(403);
      expect((await send('aggregate', { collection: 'incidents', by: 'district' })).status).toBe(403);
      expect((await send('within', { collection: 'poi', geometry: AREA })).status).toBe(200);
    } finally {
      await narrow.close();
    }
    const planned = await post('within', { collection: 'incidents', geometry: AREA });
    expect(planned.status).toBe(200);
    expect(planned.body.type).toBe('FeatureCollection');
  });
});

describe('POST /api/analysis/buffer', () => {
  it('buffers a point geodesically: area within 1 % of π·r²', async () => {
    for (const r of [100, 1_000, 20_000]) {
      const res = await post('buffer', { geometry: { type: 'Point', coordinates: [CENTRE.lon, CENTRE.lat] }, distanceM: r });
      expect(res.status).toBe(200);
      expect(res.body.geometry.type).toBe('Polygon');
      const expected = Math.PI * r * r;
      expect(Math.abs(res.body.properties.areaM2 - expected) / expected).toBeLessThan(0.01);
    }
  });

  it('buffers a line string and refuses distances out of range', async () => {
    const line = {
      type: 'LineString',
      coordinates: [
        [126.6, 45.75],
        [126.65, 45.75],
      ],
    };
    const res = await post('buffer', { geometry: line, distanceM: 500 });
    expect(res.status).toBe(200);
    expect(res.body.properties.areaM2).toBeGreaterThan(3_900_000 + Math.PI * 250_000 * 0.9);
    for (const d of [0, 20_001, 'x']) {
      const bad = await post('buffer', { geometry: line, distanceM: d });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/distanceM/);
    }
  });
});

describe('hostile geometries are 400 with a reason, never 500', () => {
  const ring = (n: number) => {
    const pts: number[][] = [];
    for (let i = 0; i < n - 1; i++) {
      const a = (2 * Math.PI * i) / (n - 1);
      pts.push([126.63 + 0.01 * Math.cos(a), 45.76 + 0.01 * Math.sin(a)]);
    }
    pts.push(pts[0]!);
    return { type: 'Polygon', coordinates: [pts] };
  };
  let nested: unknown = { type: 'Point', coordinates: [126.63, 45.76] };
  for (let i = 0; i < 500; i++) nested = { type: 'GeometryCollection', geometries: [nested] };

  const cases: [string, unknown, RegExp][] = [
    ['NaN literal', '{"collection":"poi","geometry":{"type":"Point","coordinates":[NaN,45]}}', /请求内容不是有效的 JSON/],
    [
      'NaN as text',
      {
        type: 'Polygon',
        coordinates: [
          [
            [126.6, 45.7],
            ['NaN', 45.8],
            [126.7, 45.7],
            [126.6, 45.7],
          ],
        ],
      },
      /finite|有限数/,
    ],
    ['10,001 vertices', ring(10_001), /共 10,001 个坐标点，最多接受 10,000 个/],
    [
      'unclosed ring',
      {
        type: 'Polygon',
        coordinates: [
          [
            [126.6, 45.7],
            [126.7, 45.7],
            [126.7, 45.8],
            [126.6, 45.8],
          ],
        ],
      },
      /closed ring|闭合环/,
    ],
    [
      'bow-tie',
      {
        type: 'Polygon',
        coordinates: [
          [
            [126.6, 45.7],
            [126.7, 45.8],
            [126.7, 45.7],
            [126.6, 45.8],
            [126.6, 45.7],
          ],
        ],
      },
      /不是有效几何：自相交/,
    ],
    [
      'outside Harbin',
      {
        type: 'Polygon',
        coordinates: [
          [
            [116.3, 39.9],
            [116.4, 39.9],
            [116.4, 40],
            [116.3, 39.9],
          ],
        ],
      },
      /坐标 \(116\.3, 39\.9\) 在哈尔滨范围之外/,
    ],
    // 1,000 levels of JSON: refused at the edge before any handler (gateway/http/text-safety.ts).
    ['nested GeometryCollection', nested, /^请求内容嵌套层数超过上限 32 层$/],
    ['no geometry', 42, /geometry 须为 GeoJSON 几何对象/],
  ];

  it.each(cases)('%s', async (_name, geometry, message) => {
    const body = typeof geometry === 'string' ? geometry : { collection: 'poi', geometry };
    const res = await post('within', body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });

  it('checks buffer input the same way (bow-tie, 10,001 vertices, outside)', async () => {
    for (const [, geometry, message] of cases.slice(2, 6)) {
      const res = await post('buffer', { geometry, distanceM: 100 });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
  });

  it('refuses an unknown collection and a too-large limit', async () => {
    expect((await post('within', { collection: 'road_edge', geometry: AREA })).body.error.message).toMatch(
      /没有数据集 "road_edge"/,
    );
    expect((await post('within', { collection: 'poi', geometry: AREA, limit: 10_001 })).status).toBe(400);
  });
});

describe('POST /api/analysis/within', () => {
  it('returns exactly the features inside the polygon, with allow-listed properties', async () => {
    const res = await post('within', { collection: 'poi', geometry: AREA, limit: 10_000 });
    expect(res.status).toBe(200);
    const [{ n } = { n: '0' }] = await t.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM poi WHERE ST_Within(geom, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))',
      [JSON.stringify(AREA)],
    );
    expect(Number(n)).toBeGreaterThan(10);
    expect(res.body.numberMatched).toBe(Number(n));
    expect(res.body.features).toHaveLength(Number(n));
    expect(Object.keys(res.body.features[0].properties).sort()).toEqual(['category', 'hotline', 'id', 'name']);
  });

  it('caps the features at limit and still reports the number matched', async () => {
    const res = await post('within', { collection: 'grid', geometry: AREA, limit: 5 });
    expect(res.status).toBe(200);
    expect(res.body.numberReturned).toBe(5);
    expect(res.body.numberMatched).toBeGreaterThan(5);
  });
});

describe('POST /api/analysis/service-area', () => {
  it('grows with the drive time, and a closed road shrinks it', async () => {
    const small = await post('service-area', { ...CENTRE, minutes: 3 });
    const large = await post('service-area', { ...CENTRE, minutes: 10 });
    expect(small.status).toBe(200);
    expect(large.status).toBe(200);
    expect(small.body.reachedEdges).toBeGreaterThan(10);
    expect(large.body.reachedEdges).toBeGreaterThan(small.body.reachedEdges);
    expect(small.body.maxDriveS).toBeLessThanOrEqual(180);
    expect(small.body.hull.type).toMatch(/Polygon/);
    expect(small.body.edges.coordinates).toHaveLength(small.body.reachedEdges);

    const snapGid: number = small.body.origin.snap.gid;
    const gid = (small.body.edgeGids as number[]).find((g) => g !== snapGid)!;
    const closure = await t.state.geo.routing.addCondition({ gid, closed: true, reason: 'analysis test 封闭' });
    try {
      const closed = await post('service-area', { ...CENTRE, minutes: 3 });
      expect(closed.status).toBe(200);
      expect(closed.body.edgeGids).not.toContain(gid);
      expect(closed.body.reachedEdges).toBeLessThan(small.body.reachedEdges);
    } finally {
      await t.state.geo.routing.clearCondition(closure.id);
    }
    const after = await post('service-area', { ...CENTRE, minutes: 3 });
    expect(after.body.reachedEdges).toBe(small.body.reachedEdges);
  });

  it('refuses out-of-range minutes and points away from Harbin or its roads', async () => {
    expect((await post('service-area', { ...CENTRE, minutes: 31 })).status).toBe(400);
    expect((await post('service-area', { lon: 116.4, lat: 39.9, minutes: 5 })).status).toBe(422);
    expect((await post('service-area', { lon: 129.9, lat: 44.1, minutes: 5 })).status).toBe(422);
  });
});

describe('POST /api/analysis/aggregate', () => {
  const handCounts = async (table: string, code: string, category?: string) => {
    const rows = await t.db.query<{ code: string; n: string }>(
      `SELECT u.${code} AS code, count(*) AS n FROM poi p JOIN ${table} u ON ST_Intersects(u.geom, p.geom)
        WHERE $1::text IS NULL OR p.category = $1 GROUP BY 1`,
      [category ?? null],
    );
    return new Map(rows.map((r) => [r.code, Number(r.n)]));
  };
  const counts = (features: { properties: { code: string; count: number } }[]) =>
    new Map(features.map((f) => [f.properties.code, f.properties.count]));
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

  it.each([
    ['district', 'district', 'adcode'],
    ['grid', 'grid_cell', 'code'],
    ['street', 'street', 'code'],
  ])('by %s: counts equal a hand-written GROUP BY and sum to the total', async (by, table, code) => {
    const res = await post('aggregate', { collection: 'poi', by });
    expect(res.status).toBe(200);
    const expected = await handCounts(table, code);
    expect(counts(res.body.features)).toEqual(expected);
    expect(sum(expected)).toBe(res.body.assignedPoints);
    const [{ n } = { n: '0' }] = await t.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM poi p WHERE EXISTS (SELECT 1 FROM ${table} u WHERE ST_Intersects(u.geom, p.geom))`,
    );
    expect(res.body.assignedPoints).toBe(Number(n));
    expect(res.body.totalPoints).toBeGreaterThanOrEqual(res.body.assignedPoints);
    const f = res.body.features[0];
    expect(f.geometry.type).toMatch(/Polygon/);
    expect(f.properties.density).toBeCloseTo(f.properties.count / f.properties.areaKm2, 1);
    expect(Object.values(f.properties.byCategory as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(f.properties.count);
    console.log(`aggregate poi by ${by}: ${res.body.features.length} units, ${res.body.tookMs} ms`);
  });

  it('filters by category', async () => {
    const res = await post('aggregate', { collection: 'poi', by: 'district', category: 'education_school' });
    expect(res.status).toBe(200);
    expect(counts(res.body.features)).toEqual(await handCounts('district', 'adcode', 'education_school'));
    for (const f of res.body.features) expect(Object.keys(f.properties.byCategory)).toEqual(['education_school']);
  });

  it('by h3: every point binned into the cell latLngToCell gives, counts sum to the total', async () => {
    const res = await post('aggregate', { collection: 'poi', by: 'h3', h3Resolution: 7 });
    expect(res.status).toBe(200);
    const pts = await t.db.query<{ lon: number; lat: number }>('SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM poi');
    const expected = new Map<string, number>();
    for (const p of pts) {
      const h = latLngToCell(p.lat, p.lon, 7);
      expected.set(h, (expected.get(h) ?? 0) + 1);
    }
    expect(counts(res.body.features)).toEqual(expected);
    expect(res.body.totalPoints).toBe(pts.length);
    expect(res.body.assignedPoints).toBe(pts.length);
    const ring = res.body.features[0].geometry.coordinates[0];
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    console.log(`aggregate poi by h3 r7: ${res.body.features.length} cells, ${res.body.tookMs} ms`);
  });

  it('refuses bad parameters', async () => {
    for (const body of [
      { collection: 'poi', by: 'h3', h3Resolution: 11 },
      { collection: 'poi', by: 'county' },
      { collection: 'street', by: 'grid' },
      { collection: 'poi', by: 'grid', from: '2026-01-01T00:00:00Z' },
      { collection: 'incidents', by: 'grid', from: 'yesterday' },
    ]) {
      expect((await post('aggregate', body, commander)).status).toBe(400);
    }
  });

  it('aggregates incidents for a commander with a time window', async () => {
    const res = await post(
      'aggregate',
      { collection: 'incidents', by: 'district', from: '2020-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' },
      commander,
    );
    expect(res.status).toBe(200);
    expect(res.body.assignedPoints).toBe(sum(counts(res.body.features)));
  });

  it.each([
    ['grid', 'grid_cell', 'code'],
    ['street', 'street', 'code'],
    ['district', 'district', 'adcode'],
  ])('counts located incidents by %s as the units around their points say', async (by, table, code) => {
    // Incidents through the real feed pipeline, which locates each one, in a time window no other test uses.
    const window = { from: new Date(Date.UTC(2001, 0, 1)), to: new Date(Date.UTC(2001, 0, 2)) };
    const [{ n } = { n: 0 }] = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM incident WHERE first_reported_at >= $1 AND first_reported_at < $2',
      [window.from, window.to],
    );
    if (n === 0) {
      for (let i = 0; i < 40; i++) {
        const at = new Date(window.from.getTime() + i * 1_800_000);
        const where = { lon: 126.55 + ((i * 37) % 100) / 600, lat: 45.7 + ((i * 53) % 100) / 1000 };
        const res = await postFeed(
          t.app,
          i % 2 ? '110' : '119',
          report(i % 2 ? '110' : '119', i % 2 ? 'crime' : 'fire', where, at).payload,
        );
        expect([200, 201]).toContain(res.status);
      }
      await t.state.command.ingest.flush();
    }
    const res = await post(
      'aggregate',
      { collection: 'incidents', by, from: window.from.toISOString(), to: window.to.toISOString() },
      commander,
    );
    expect(res.status).toBe(200);
    // Districts follow the unit hierarchy (grid cell ⊂ 街道 ⊂ district): a point counts for the district of the
    // 街道 it lies in, and only outside every 街道 for the district polygon around it.
    const unitOf =
      by === 'district'
        ? `COALESCE((SELECT s.district_adcode FROM street s WHERE ST_Intersects(s.geom, p.geom) LIMIT 1),
                    (SELECT d.adcode FROM district d WHERE ST_Intersects(d.geom, p.geom) LIMIT 1))`
        : `(SELECT u.${code} FROM ${table} u WHERE ST_Intersects(u.geom, p.geom) LIMIT 1)`;
    const rows = await t.db.query<{ code: string; n: string }>(
      `SELECT code, count(*) AS n FROM (SELECT ${unitOf} AS code FROM incident p
        WHERE p.first_reported_at >= $1 AND p.first_reported_at < $2) x WHERE code IS NOT NULL GROUP BY 1`,
      [window.from, window.to],
    );
    const expected = new Map(rows.map((r) => [r.code, Number(r.n)]));
    expect(sum(expected)).toBeGreaterThan(30);
    expect(counts(res.body.features)).toEqual(expected);
  });
});
