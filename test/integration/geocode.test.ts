import request from 'supertest';
import type { GeocodeCandidate, GeocodeResponse, ReverseGeocodeResult } from '../../contracts';
import { normalizeName } from '../../geo/geocode/normalize';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function geocode(query: Record<string, string | number>): Promise<GeocodeCandidate[]> {
  const res = await request(t.app).get('/api/geo/geocode').query(query).expect(200);
  return (res.body as GeocodeResponse).candidates;
}

/** Metres from a point to the nearest feature of `table` named `name`, measured by PostGIS. */
async function metresTo(table: 'road' | 'poi', name: string, lon: number, lat: number): Promise<number> {
  const [row] = await t.db.query<{ d: number }>(
    `SELECT min(ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography)) AS d FROM ${table} WHERE name = $1`,
    [name, lon, lat],
  );
  return row!.d;
}

describe('GET /api/geo/geocode with real Harbin names', () => {
  it('finds 中央大街 as a road in 道里区, placed in the middle of its longest stretch', async () => {
    const [first, second] = await geocode({ q: '中央大街' });
    expect(first).toMatchObject({ name: '中央大街', kind: 'road', district: { code: '230102', name: '道里区' } });
    expect(first!.matched).toEqual({ text: '中央大街', field: 'name', type: 'exact' });
    // The metro station of the same name is the runner-up.
    expect(second).toMatchObject({ name: '中央大街', kind: 'poi', category: 'transport_rail_station' });
    expect(await metresTo('road', '中央大街', first!.lon, first!.lat)).toBeLessThan(0.5);
    const [along] = await t.db.query<{ f: number }>(
      `WITH parts AS (SELECT (ST_Dump(ST_LineMerge(ST_Collect(geom)))).geom AS g FROM road WHERE name = '中央大街')
       SELECT ST_LineLocatePoint(g, ST_SetSRID(ST_MakePoint($1, $2), 4326)) AS f FROM parts
       ORDER BY ST_Length(g::geography) DESC LIMIT 1`,
      [first!.lon, first!.lat],
    );
    expect(along!.f).toBeCloseTo(0.5, 2);
  });

  it('finds the 松花江 river first, then names that start with it, then names that contain it', async () => {
    const hits = await geocode({ q: '松花江', limit: 20 });
    expect(hits[0]).toMatchObject({ name: '松花江', kind: 'place', category: 'water', matched: { type: 'exact' } });
    const [inRiver] = await t.db.query<{ ok: boolean }>(
      `SELECT bool_or(ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))) AS ok
       FROM base_feature WHERE layer = 'water_area' AND name = '松花江'`,
      [hits[0]!.lon, hits[0]!.lat],
    );
    expect(inRiver!.ok).toBe(true);
    const names = hits.map((h) => `${h.kind}:${h.name}`);
    expect(names).toEqual(
      expect.arrayContaining(['street:松花江街道', 'road:松花江街', 'road:松花江公路大桥', 'road:老滨洲线松花江大桥']),
    );
    const types = hits.map((h) => h.matched.type);
    expect(types.indexOf('contains')).toBeGreaterThan(types.lastIndexOf('prefix'));
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
  });

  it('finds the 街道 先锋路街道 in 南岗区 at a point inside it, with its bbox', async () => {
    const [street] = await geocode({ q: '先锋路街道', kind: 'street' });
    expect(street).toMatchObject({ name: '先锋路街道', kind: 'street', district: { code: '230103', name: '南岗区' } });
    const [inside] = await t.db.query<{ ok: boolean; w: number; n: number }>(
      `SELECT ST_Contains(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) AS ok, ST_XMin(geom) AS w, ST_YMax(geom) AS n
       FROM street WHERE code = '230103018'`,
      [street!.lon, street!.lat],
    );
    expect(inside!.ok).toBe(true);
    expect(street!.bbox![0]).toBeCloseTo(inside!.w, 6);
    expect(street!.bbox![3]).toBeCloseTo(inside!.n, 6);
  });

  it('finds a 街道 recorded as its office (哈西街道办事处) by the short name people type', async () => {
    const [street] = await geocode({ q: '哈西街道', kind: 'street' });
    expect(street).toMatchObject({ name: '哈西街道办事处', matched: { text: '哈西街道', field: 'short_name', type: 'exact' } });
  });

  it('finds the district 南岗区 first, and only districts when asked for them', async () => {
    const hits = await geocode({ q: '南岗区' });
    expect(hits[0]).toMatchObject({
      name: '南岗区',
      kind: 'district',
      category: '市辖区',
      district: { code: '230103' },
      score: 1,
    });
    const only = await geocode({ q: '南岗', kind: 'district' });
    expect(only.map((h) => h.name)).toEqual(['南岗区']);
  });

  it('finds hospitals by full name, by a part of it and by the short form in brackets', async () => {
    const [first] = await geocode({ q: '哈尔滨医科大学附属第二医院' });
    expect(first).toMatchObject({ kind: 'poi', category: 'medical_hospital', matched: { type: 'exact' } });
    const byPart = await geocode({ q: '医大四院', kind: 'poi' });
    expect(byPart.map((h) => h.name)).toEqual(expect.arrayContaining(['哈医大四院', '哈尔滨医科大学第四附属医院（哈医大四院）']));
    // "医大二院" is in the data as a metro station beside the hospital and as a hospital building, not as the hospital's name.
    const yida = await geocode({ q: '医大二院' });
    expect(yida.slice(0, 2).map((h) => `${h.name}:${h.matched.type}`)).toEqual(['医大二院:exact', '医大二院·科研所:prefix']);
  });

  it('finds simplified names from a traditional-character query: 哈爾濱 = 哈尔滨', async () => {
    const traditional = await geocode({ q: '哈爾濱', limit: 50 });
    const simplified = await geocode({ q: '哈尔滨', limit: 50 });
    expect(traditional).toEqual(simplified);
    expect(traditional).toHaveLength(50);
    for (const h of traditional) expect(normalizeName(h.matched.text)).toMatch(/哈尔滨|harbin/);
    const res = await request(t.app).get('/api/geo/geocode').query({ q: '哈爾濱醫科大學附屬第二醫院' }).expect(200);
    expect(res.body.normalized).toBe('哈尔滨医科大学附属第二医院');
    expect(res.body.candidates[0].name).toBe('哈尔滨医科大学附属第二医院');
  });

  it('finds aliases (哈尔滨火车站 → the station 哈尔滨) and English names in any case', async () => {
    const [station] = await geocode({ q: '哈尔滨火车站' });
    expect(station).toMatchObject({
      name: '哈尔滨',
      kind: 'poi',
      matched: { text: '哈尔滨火车站', field: 'alt_name', type: 'exact' },
    });
    const [central] = await geocode({ q: 'CENTRAL street' });
    expect(central).toMatchObject({ name: '中央大街', kind: 'road', matched: { text: 'Central Street', field: 'name_en' } });
  });

  it('ignores whitespace and punctuation in the query', async () => {
    for (const q of ['中央 大街', '中央·大街', '「中央大街」', ' 中央大街！']) {
      const [first] = await geocode({ q });
      expect(first).toMatchObject({ name: '中央大街', kind: 'road', matched: { type: 'exact' } });
    }
  });

  it('places every road candidate on a road of that name', async () => {
    const names = await t.db.query<{ name: string }>(
      `SELECT name FROM road WHERE name <> '' GROUP BY name ORDER BY md5(name) LIMIT 40`,
    );
    for (const { name } of names) {
      const [hit] = await geocode({ q: name, kind: 'road', limit: 1 });
      expect(hit).toMatchObject({ name, kind: 'road', matched: { type: 'exact' } });
      expect(await metresTo('road', name, hit!.lon, hit!.lat)).toBeLessThan(0.5);
    }
  });

  it('answers 200 with an empty list when nothing matches, up to the longest query', async () => {
    expect(await geocode({ q: '不存在的地名' })).toEqual([]);
    expect(await geocode({ q: 'zzqxv' })).toEqual([]);
    expect(await geocode({ q: '松'.repeat(100) })).toEqual([]); // the longest query accepted
  });

  it.each([
    ['no q', {}, 'q 必填'],
    ['an empty q', { q: '' }, 'q 不能为空'],
    ['a q of spaces', { q: '   ' }, 'q 不能为空'],
    ['a q of punctuation only', { q: '，。！' }, '参数 q 至少要有一个汉字、字母或数字'],
    ['a q of 101 characters', { q: '松'.repeat(101) }, 'q 不能超过 100 个字'],
    ['limit 0', { q: '松花江', limit: 0 }, 'limit 须在 1 到 50 之间'],
    ['limit 51', { q: '松花江', limit: 51 }, 'limit 须在 1 到 50 之间'],
    ['a limit that is not a number', { q: '松花江', limit: 'ten' }, 'limit 须为整数'],
    ['a fractional limit', { q: '松花江', limit: 2.5 }, 'limit 须为整数'],
    ['an unknown kind', { q: '松花江', kind: 'building' }, 'kind 须为 poi、road、street、district、place 之一'],
  ])('rejects %s with 400 and says why', async (_label, query, text) => {
    const res = await request(t.app).get('/api/geo/geocode').query(query).expect(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.message).toContain(text);
  });

  it('rejects a repeated parameter with 400', async () => {
    const res = await request(t.app).get('/api/geo/geocode?q=%E6%9D%BE&q=%E8%8A%B1').expect(400);
    expect(res.body.error.message).toContain('q 只能给一次');
  });
});

describe('GET /api/geo/reverse', () => {
  interface Truth {
    road: string | null;
    road_d: number | null;
    poi: string | null;
    poi_d: number | null;
    cell: string | null;
    street: string | null;
    street_name: string | null;
    street_district: string | null;
    district: string | null;
  }

  /** The answer computed the slow, obvious way: measure every named road and POI, take the smallest. */
  async function truthAt(lon: number, lat: number): Promise<Truth> {
    const [truth] = await t.db.query<Truth>(
      `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS g),
       r AS (SELECT name, ST_Distance(geom::geography, p.g::geography) AS d FROM road, p WHERE name <> '' ORDER BY d, name LIMIT 1),
       q AS (SELECT name, ST_Distance(geom::geography, p.g::geography) AS d FROM poi, p WHERE name <> '' ORDER BY d, name LIMIT 1),
       s AS (SELECT code, name, district_adcode FROM street, p WHERE ST_Contains(geom, p.g))
       SELECT (SELECT name FROM r) AS road, (SELECT d FROM r) AS road_d, (SELECT name FROM q) AS poi, (SELECT d FROM q) AS poi_d,
              (SELECT code FROM grid_cell, p WHERE ST_Contains(geom, p.g)) AS cell,
              (SELECT code FROM s) AS street, (SELECT name FROM s) AS street_name, (SELECT district_adcode FROM s) AS street_district,
              (SELECT adcode FROM district, p WHERE ST_Contains(geom, p.g)) AS district`,
      [lon, lat],
    );
    return truth!;
  }

  // A 6 × 6 lattice over the central area (both banks of the 松花江) plus two landmarks.
  const lattice = [0, 1, 2, 3, 4, 5].flatMap((i) => [0, 1, 2, 3, 4, 5].map((j) => [126.53 + i * 0.045, 45.68 + j * 0.028]));
  const points = [[126.6132, 45.7711], [126.6254, 45.76], ...lattice].map(([lon, lat]) => [+lon!.toFixed(4), +lat!.toFixed(4)]);

  it.each(points)('agrees with direct SQL at (%d, %d)', async (lon, lat) => {
    const truth = await truthAt(lon, lat);
    const res = await request(t.app).get('/api/geo/reverse').query({ lon, lat }).expect(200);
    const body = res.body as ReverseGeocodeResult;
    // Distances are reported to 0.1 m.
    if (truth.road !== null && truth.road_d! <= 1000) {
      expect(body.road!.name).toBe(truth.road);
      expect(Math.abs(body.road!.distanceM - truth.road_d!)).toBeLessThanOrEqual(0.05 + 1e-9);
    } else {
      expect(body.road).toBeNull();
    }
    if (truth.poi !== null && truth.poi_d! <= 200) {
      expect(body.poi).toMatchObject({ name: truth.poi });
      expect(Math.abs(body.poi!.distanceM - truth.poi_d!)).toBeLessThanOrEqual(0.05 + 1e-9);
    } else {
      expect(body.poi).toBeUndefined();
    }
    expect(body.gridCode).toBe(truth.cell);
    expect(body.street).toEqual(truth.street ? { code: truth.street, name: truth.street_name } : null);
    // Inside a 街道 its district is the responsible one; elsewhere the district polygon decides.
    expect(body.district.code).toBe(truth.street_district ?? truth.district);
  });

  it('describes 中央大街 as on 中央大街, in 道里区, in a grid cell', async () => {
    const res = await request(t.app).get('/api/geo/reverse').query({ lon: 126.6132, lat: 45.7711 }).expect(200);
    expect(res.body).toMatchObject({ road: { name: '中央大街' }, district: { code: '230102', name: '道里区' } });
    expect(res.body.road.distanceM).toBeLessThan(20);
    expect(res.body.gridCode).toMatch(/^230102\d{9}$/);
  });

  it('answers a point in a county with its district and no road, street or grid cell', async () => {
    const res = await request(t.app).get('/api/geo/reverse').query({ lon: 127.5, lat: 45.3 }).expect(200);
    expect(res.body).toEqual({
      lon: 127.5,
      lat: 45.3,
      road: null,
      street: null,
      gridCode: null,
      district: { code: '230183', name: '尚志市' },
    });
  });

  it.each([
    [{ lon: 116.4, lat: 39.9 }, 422, '(116.4, 39.9) 在哈尔滨范围之外'],
    [{ lon: 'abc', lat: 45.7 }, 400, 'lon 须为有限数'],
    [{ lon: 126.6 }, 400, 'lat'],
    [{ lon: 126.6, lat: 95 }, 400, 'lat 须在 -90 到 90 之间'],
  ])('rejects %j with %i', async (query, status, text) => {
    const res = await request(t.app).get('/api/geo/reverse').query(query).expect(status);
    expect(res.body.error.message).toContain(text);
  });
});
