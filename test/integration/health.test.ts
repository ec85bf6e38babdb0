import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../gateway/app';
import { loadConfig } from '../../gateway/config';
import { Readiness } from '../../gateway/deps';
import { createTestApp, type TestApp } from '../support/app';
import { openTestDb } from '../support/db';

/**
 * `/api/health` tells the truth: 200 `{"status":"ok"}` only while every part serves; 503 "degraded" naming each part
 * that does not (the stalled MQTT stream is shown in mqtt-poison.test.ts, missing media in media-unavailable.test.ts).
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

it('is ok with every part serving, and reports each stream', async () => {
  const res = await request(t.app).get('/api/health').expect(200);
  expect(res.body).toMatchObject({
    status: 'ok',
    database: 'postgis',
    streams: 'off',
    streamDetail: { gauges: { state: 'idle' }, avl: { state: 'idle' } },
  });
  expect(res.body.problems).toBeUndefined();
});

it('is degraded when the MQTT broker cannot be reached', async () => {
  t.readiness.streams = 'unavailable';
  try {
    const res = await request(t.app).get('/api/health').expect(503);
    expect(res.body).toMatchObject({ status: 'degraded', streams: 'unavailable' });
    expect(res.body.problems).toEqual([expect.stringMatching(/MQTT streams .*broker unreachable/)]);
  } finally {
    t.readiness.streams = 'off';
  }
});

it('is degraded when the database does not answer', async () => {
  const broken = await openTestDb();
  await broken.close();
  const readiness = new Readiness();
  readiness.markReady({ ...t.state, db: broken });
  const app = createApp({
    config: loadConfig({ ...process.env, LOG_LEVEL: 'silent' }),
    log: pino({ level: 'silent' }),
    readiness,
  });
  const res = await request(app).get('/api/health').expect(503);
  expect(res.body.status).toBe('degraded');
  expect(res.body.problems).toEqual([expect.stringMatching(/^database: /)]);
});
