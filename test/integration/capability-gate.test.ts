import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../gateway/app';
import { loadConfig } from '../../gateway/config';
import { Readiness, type ReadyState } from '../../gateway/deps';
import { buildReadyState } from '../../gateway/startup';
import type { Db } from '../../geo/db/types';
import { openTestDb } from '../support/db';

/**
 * While the platform starts, each capability's paths answer 503 naming the start-up step; health, the about page,
 * the OGC landing page and the tile list answer at once; an unknown path stays a 404. Once the services are ready,
 * the routers built from them serve the same paths.
 */
let db: Db;
let state: ReadyState;
const readiness = new Readiness();
const app = createApp({
  config: loadConfig({ ...process.env, LOG_LEVEL: 'silent' }),
  log: pino({ level: 'silent' }),
  readiness,
});
// A tile of central Harbin at z12.
const TILE = '/tiles/district/12/3488/1461.mvt';

beforeAll(async () => {
  db = await openTestDb();
  state = await buildReadyState(
    db,
    loadConfig({ ...process.env, LOG_LEVEL: 'silent' }),
    pino({ level: 'silent' }),
    readiness.changes,
  );
  readiness.step = 'importing city data';
}, 120_000);
afterAll(() => db.close());

describe('while the platform starts', () => {
  it('answers health with the start-up step', async () => {
    const res = await request(app).get('/api/health').expect(503);
    expect(res.body).toEqual({ status: 'starting', step: 'importing city data', error: null });
  });

  it.each(['/api/about', '/ogc', '/ogc/conformance', '/ogc/collections/poi/queryables', '/tiles', '/tiles/district.json'])(
    'serves %s',
    async (path) => {
      await request(app).get(path).expect(200);
    },
  );

  it.each(['/ogc/collections', '/ogc/collections/poi/items', TILE])('answers %s 503 naming the step', async (path) => {
    const res = await request(app).get(path).expect(503);
    expect(res.body.error).toMatchObject({
      code: 'unavailable',
      message: '平台正在启动（导入城市数据），请几秒后重试',
    });
  });

  it('answers Open311 503 in the GeoReport error format', async () => {
    const res = await request(app).get('/open311/v2/services.json').expect(503);
    expect(res.body).toEqual([{ code: 503, description: '平台正在启动（导入城市数据），请几秒后重试' }]);
  });

  it('answers a sign-in 503 (the sessions need the database)', async () => {
    const res = await request(app).post('/api/auth/login').send({ username: 'someone', password: 'x' }).expect(503);
    expect(res.body.error.code).toBe('unavailable');
  });

  it('keeps an unknown path a 404', async () => {
    await request(app).get('/api/no-such-thing').expect(404);
  });
});

describe('once started', () => {
  beforeAll(() => readiness.markReady(state));

  it('serves the same paths from the routers built from the services', async () => {
    await request(app).get('/api/health').expect(200);
    const collections = await request(app).get('/ogc/collections').expect(200);
    expect(collections.body.collections.map((c: { id: string }) => c.id)).toContain('district');
    const tile = await request(app).get(TILE);
    expect(tile.status).toBe(200);
    expect(tile.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    const services = await request(app).get('/open311/v2/services.json').expect(200);
    expect(services.body.length).toBeGreaterThan(0);
  });
});
