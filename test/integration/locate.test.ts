import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('GET /api/geo/locate', () => {
  it('finds the grid cell, street and district of a point in central 南岗区, agreeing with PostGIS', async () => {
    const res = await request(t.app).get('/api/geo/locate').query({ lon: 126.63, lat: 45.76 }).expect(200);
    const [truth] = await t.db.query<{ code: string; street_code: string; district_adcode: string; name: string }>(
      `SELECT c.code, c.street_code, c.district_adcode, s.name FROM grid_cell c JOIN street s ON s.code = c.street_code
       WHERE ST_Contains(c.geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))`,
      [126.63, 45.76],
    );
    expect(res.body).toMatchObject({
      coverage: 'grid',
      gridCode: truth!.code,
      street: { code: truth!.street_code, name: truth!.name },
      district: { code: '230103', name: '南岗区' },
    });
    expect(res.body.gridCode).toMatch(/^230103\d{9}$/);
  });

  it('answers a point in a county outside the grid with the district only (属地兜底)', async () => {
    const res = await request(t.app).get('/api/geo/locate').query({ lon: 127.5, lat: 45.3 }).expect(200);
    expect(res.body).toMatchObject({ coverage: 'district', gridCode: null, street: null, district: { name: '尚志市' } });
    expect(res.body.message).toContain('outside the unit grid');
  });

  it.each([
    [{ lon: 100, lat: 30 }, 422, '(100, 30) 在哈尔滨范围之外'],
    [{ lon: 'abc', lat: 45.7 }, 400, 'lon 须为有限数'],
    [{ lon: 'NaN', lat: 45.7 }, 400, 'lon 须为有限数'],
    [{ lon: 'Infinity', lat: 45.7 }, 400, 'lon 须为有限数（不能为空、NaN 或 Infinity）'],
    [{ lon: 126.6 }, 400, 'lat'],
    [{ lon: 200, lat: 45 }, 400, 'lon 须在 -180 到 180 之间'],
  ])('rejects %j with %i and says why', async (query, status, text) => {
    const res = await request(t.app).get('/api/geo/locate').query(query).expect(status);
    expect(res.body.error.message).toContain(text);
  });
});

describe('GET /api/geo/cells', () => {
  it('lists the cells of a small bbox, each from the same street lattice', async () => {
    const res = await request(t.app).get('/api/geo/cells').query({ bbox: '126.63,45.76,126.635,45.765' }).expect(200);
    expect(res.body.cells.length).toBeGreaterThan(4);
    for (const c of res.body.cells) expect(c.code.startsWith(c.streetCode)).toBe(true);
  });

  it.each([
    ['126.63,45.76,126.62,45.765', 'bbox 颠倒或为空'],
    ['120,40,130,50', 'bbox 过大：每边至多 1 度'],
    ['a,b,c,d', 'bbox 须为四个有限数：west,south,east,north'],
    ['126.6,45.7,126.7', 'bbox 须为四个有限数：west,south,east,north'],
  ])('rejects bbox %s', async (bbox, text) => {
    const res = await request(t.app).get('/api/geo/cells').query({ bbox }).expect(400);
    expect(res.body.error.message).toContain(text);
  });
});
