import request from 'supertest';
import { createAccount, login } from '../support/identity';
import { request as emit, startMediaTestGateway, type MediaTestGateway } from '../support/media';

/**
 * Without a usable mediasoup worker the platform says why, in /api/health (503 "degraded": video is down) and in every
 * media answer, and everything else keeps running: sign-in, the camera registry, the map's data.
 */
const MISSING = '/nonexistent/mediasoup-worker';
let g: MediaTestGateway;
let cookie: string;

beforeAll(async () => {
  g = await startMediaTestGateway({ MEDIA_WORKERS: '1' }, { ...process.env, MEDIASOUP_WORKER_BIN: MISSING });
  const commander = await createAccount(g.t.db, { role: 'commander', departmentId: 'command-center' });
  cookie = await login(g.t.app, commander.username, commander.password);
}, 120_000);
afterAll(() => g?.close());

it('reports no workers and the reason in /api/health, as degraded (video is part of the platform)', async () => {
  const res = await request(g.t.app).get('/api/health').expect(503);
  expect(res.body.status).toBe('degraded');
  expect(res.body.problems).toEqual([expect.stringContaining('video: no live media worker')]);
  expect(res.body.media.workers).toBe(0);
  expect(res.body.media.reason).toContain(`MEDIASOUP_WORKER_BIN=${MISSING} does not exist`);
});

it('answers media requests with "unavailable" and the reason', async () => {
  const s = await g.open(cookie);
  const ack = await emit(s, 'media:join', {});
  expect(ack).toMatchObject({
    ok: false,
    error: { code: 'unavailable', message: expect.stringContaining('MEDIASOUP_WORKER_BIN') },
  });
  s.disconnect();
});

it('still lists the cameras, with the video status', async () => {
  const res = await request(g.t.app).get('/api/cameras').set('Cookie', cookie).expect(200);
  expect(res.body.cameras.length).toBeGreaterThan(0);
  expect(res.body.video.workers).toBe(0);
  await request(g.t.app).get('/api/facilities?kinds=hospital').expect(200);
});
