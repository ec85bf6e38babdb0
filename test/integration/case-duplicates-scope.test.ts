import request from 'supertest';
import type { DuplicateResponse } from '../../contracts/cases';
import { createCaseTestApp, reportCase, type CaseTestApp } from '../support/cases';

/**
 * The duplicate suggestion lists only cases the viewer may see (the case scope of data/policy.json): a department
 * sees the cases dispatched to it, an inspector their own and their grid's, the centre every case.
 */
let t: CaseTestApp;
beforeAll(async () => {
  t = await createCaseTestApp();
});
afterAll(async () => {
  await t.close();
});

it('lists a nearby open case of the same 小类 only to those whose scope holds it', async () => {
  const reported = await reportCase(t, t.users.inspector!.cookie, { description: '小区门口暴露垃圾，住户反映' });
  expect([200, 201]).toContain(reported.status);
  const c = reported.body.case;
  const [at] = await t.db.query<{ lon: number; lat: number }>(
    'SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM city_case WHERE id = $1',
    [c.id],
  );
  const listed = async (who: string) => {
    const res = await request(t.app)
      .get('/api/cases/duplicates')
      .query({ lon: at!.lon, lat: at!.lat, categoryCode: 'SJ0102', radiusM: 50 })
      .set('Cookie', t.users[who]!.cookie);
    expect([who, res.status]).toEqual([who, 200]);
    return (res.body as DuplicateResponse).candidates.some((x) => x.id === c.id);
  };
  // Hand-written: who may see a fresh report of one inspector, not yet dispatched.
  expect(await listed('dispatcher')).toBe(true);
  expect(await listed('commander')).toBe(true);
  expect(await listed('inspector')).toBe(true);
  expect(await listed('inspector2')).toBe(false);
  expect(await listed('handler')).toBe(false);
  expect(await listed('trafficHandler')).toBe(false);
});
