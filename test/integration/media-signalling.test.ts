import request from 'supertest';
import type { MediaJoined, ViewConsumed, ViewOpened } from '../../contracts/media';
import { MAX_VIEWS_PER_PEER } from '../../media/sfu/service';
import { createAccount, login } from '../support/identity';
import {
  alive,
  ok,
  request as emit,
  startMediaTestGateway,
  waitUntil,
  type MediaSocket,
  type MediaTestGateway,
} from '../support/media';

/**
 * The video service's signalling over the platform's Socket.IO server, with real mediasoup workers and real ffmpeg
 * cameras: the joined guard, every refusal answered with a reason, camera access decided (and audited) before any
 * transport exists, on-demand ingest that stops after the last viewer, views released on disconnect and on session
 * revocation, and a dead worker's rooms re-created elsewhere with the clients told to re-consume.
 */
const IDLE_STOP_MS = 1500;
let g: MediaTestGateway;
const cookies: Record<string, string> = {};
let trafficAccount: { username: string; password: string };

beforeAll(async () => {
  g = await startMediaTestGateway({ MEDIA_WORKERS: '2', MEDIA_IDLE_STOP_MS: String(IDLE_STOP_MS) });
  const accounts = {
    commander: await createAccount(g.t.db, { role: 'commander', departmentId: 'command-center' }),
    traffic: await createAccount(g.t.db, { role: 'handler', departmentId: 'traffic-police' }),
    trafficSongbei: await createAccount(g.t.db, { role: 'handler', departmentId: 'traffic-police', gridScope: ['230109'] }),
    planner: await createAccount(g.t.db, { role: 'planner', departmentId: 'planning' }),
  };
  trafficAccount = accounts.traffic;
  for (const [k, a] of Object.entries(accounts)) cookies[k] = await login(g.t.app, a.username, a.password);
}, 120_000);
afterAll(() => g?.close());

/** Routers on every worker: transports only exist on a room's router. */
const routerCount = async () => {
  let n = 0;
  for (const { worker } of g.media.service.pool.workers) n += (await worker.dump()).routerIds.length;
  return n;
};

async function auditRows(action: string, object: string): Promise<{ outcome: string; detail: Record<string, unknown> }[]> {
  const rows = await g.t.db.query<{ outcome: string; detail: string | Record<string, unknown> }>(
    'SELECT outcome, detail FROM audit_event WHERE action = $1 AND object = $2 ORDER BY seq',
    [action, object],
  );
  return rows.map((r) => ({ outcome: r.outcome, detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail }));
}

it('reports the workers in /api/health', async () => {
  const res = await request(g.t.app).get('/api/health').expect(200);
  expect(res.body.media).toEqual({ workers: 2 });
});

it('answers every request before media:join with the joined guard, and malformed ones with bad_request', async () => {
  const s = await g.open(cookies.commander!);
  expect(await emit(s, 'media:view:open', { cameraId: 'central-street' })).toEqual({
    ok: false,
    error: { code: 'conflict', message: expect.stringContaining('media:join') },
  });
  expect(await emit(s, 'media:leave')).toMatchObject({ ok: false, error: { code: 'conflict' } });
  const joined = await ok<MediaJoined>(s, 'media:join', {});
  expect(joined.rtpCapabilities.codecs?.map((c) => c.mimeType)).toEqual(expect.arrayContaining(['video/VP8', 'video/H264']));
  expect(await emit(s, 'media:view:open', { cameraId: 'NOT A CAMERA' })).toMatchObject({
    ok: false,
    error: { code: 'bad_request' },
  });
  expect(await emit(s, 'media:view:open', { cameraId: 'no-such-camera' })).toMatchObject({
    ok: false,
    error: { code: 'not_found' },
  });
  expect(await emit(s, 'media:view:resume', { viewId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
    ok: false,
    error: { code: 'not_found' },
  });
  expect(await emit(s, 'media:view:connect', { viewId: 'x' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  s.disconnect();
});

it('refuses a camera the caller may not view before any transport or ingest exists, and audits the refusal', async () => {
  const before = await routerCount();
  // A role without camera.view: refused by the policy at the event, the handler never runs.
  const planner = await g.open(cookies.planner!);
  expect(await emit(planner, 'media:join', {})).toMatchObject({
    ok: false,
    error: { code: 'forbidden', message: expect.stringContaining('调阅视频') },
  });
  // A traffic handler may see public roads but not the key-target group (the railway bridge).
  const traffic = await g.open(cookies.traffic!);
  await ok(traffic, 'media:join', {});
  const refused = await emit(traffic, 'media:view:open', { cameraId: 'binzhou-rail-bridge' });
  expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('key_target') } });
  // An account limited to 松北区 may not see a camera in 道里区.
  const songbei = await g.open(cookies.trafficSongbei!);
  await ok(songbei, 'media:join', {});
  expect(await emit(songbei, 'media:view:open', { cameraId: 'central-street' })).toMatchObject({
    ok: false,
    error: { code: 'forbidden', message: expect.stringContaining('管辖区域') },
  });
  expect(g.media.service.room('binzhou-rail-bridge')).toBeUndefined();
  expect(g.media.service.room('central-street')).toBeUndefined();
  expect(await routerCount()).toBe(before);
  const denials = await auditRows('access.denied', 'camera binzhou-rail-bridge');
  expect(denials.at(-1)).toMatchObject({ outcome: 'denied', detail: { action: 'camera.view' } });
  for (const s of [planner, traffic, songbei]) s.disconnect();
});

async function openAndConsume(s: MediaSocket, cameraId: string): Promise<{ opened: ViewOpened; consumed: ViewConsumed }> {
  const { rtpCapabilities } = await ok<MediaJoined>(s, 'media:join', {});
  const opened = await ok<ViewOpened>(s, 'media:view:open', { cameraId });
  expect(opened.transport.iceCandidates.length).toBeGreaterThan(0);
  const consumed = await ok<ViewConsumed>(s, 'media:view:consume', { viewId: opened.viewId, rtpCapabilities });
  await ok(s, 'media:view:resume', { viewId: opened.viewId });
  return { opened, consumed };
}

it('authorises the consumer again when the media is about to flow: a camera re-classified after the open is refused', async () => {
  const traffic = await g.open(cookies.traffic!);
  const { rtpCapabilities } = await ok<MediaJoined>(traffic, 'media:join', {});
  const opened = await ok<ViewOpened>(traffic, 'media:view:open', { cameraId: 'jihong-bridge' });
  await g.t.db.query("UPDATE camera SET policy_group = 'key_target' WHERE id = 'jihong-bridge'");
  try {
    expect(await emit(traffic, 'media:view:consume', { viewId: opened.viewId, rtpCapabilities })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringContaining('key_target') },
    });
    const router = g.media.service.room('jihong-bridge')!.router;
    expect((await router.dump()).mapProducerIdConsumerIds.flatMap((e) => e.values)).toEqual([]);
    expect((await auditRows('access.denied', 'camera jihong-bridge')).at(-1)?.detail).toMatchObject({
      event: 'media:view:consume',
      action: 'camera.view',
    });
  } finally {
    await g.t.db.query("UPDATE camera SET policy_group = 'public_road' WHERE id = 'jihong-bridge'");
  }
  traffic.disconnect();
});

it('starts the camera on the first viewer, stops it after the last one leaves, and audits start and stop', async () => {
  const a = await g.open(cookies.commander!);
  const b = await g.open(cookies.traffic!);
  const first = await openAndConsume(a, 'songhua-highway-bridge');
  expect(first.consumed.rtpParameters.codecs[0]?.mimeType).toBe('video/H264');
  const room = g.media.service.room('songhua-highway-bridge')!;
  const ffmpegPid = room.ingestProcess?.pid;
  expect(alive(ffmpegPid)).toBe(true);
  // Real RTP from ffmpeg reaches the camera's producer.
  await waitUntil('RTP from the simulated camera', async () => {
    const stats = await room.producer.getStats();
    return stats.some((st) => st.byteCount > 0) || undefined;
  });
  const second = await openAndConsume(b, 'songhua-highway-bridge');
  const ids = new Set([first.opened.viewId, second.opened.viewId]);
  expect(g.media.service.room('songhua-highway-bridge')).toBe(room);
  expect(room.viewers.size).toBe(2);
  expect(await emit(a, 'media:view:consume', { viewId: first.opened.viewId, rtpCapabilities: {} })).toMatchObject({
    ok: false,
    error: { code: 'conflict' },
  });

  await ok(a, 'media:view:close', { viewId: first.opened.viewId });
  await ok(b, 'media:leave');
  // Still running within the idle period, then stopped and ffmpeg gone.
  expect(alive(ffmpegPid)).toBe(true);
  await waitUntil(
    'the idle camera to stop',
    () => (g.media.service.room('songhua-highway-bridge') ? undefined : true),
    IDLE_STOP_MS + 5000,
  );
  await waitUntil('ffmpeg to exit', () => (alive(ffmpegPid) ? undefined : true), 3000);

  const ours = async () =>
    (await auditRows('camera.view', 'camera songhua-highway-bridge')).filter((v) => ids.has(String(v.detail.viewId)));
  expect((await ours()).filter((v) => v.detail.event === 'start')).toHaveLength(2);
  await waitUntil(
    'both stops audited',
    async () => (await ours()).filter((v) => v.detail.event === 'stop').length === 2 || undefined,
  );
  expect((await ours()).find((v) => v.detail.event === 'stop')?.detail).toMatchObject({ reason: 'closed' });
  a.disconnect();
  b.disconnect();
});

it('releases a socket’s views within 2 s when it disconnects or its session is revoked', async () => {
  const s = await g.open(cookies.commander!);
  const { opened } = await openAndConsume(s, 'jihong-bridge');
  const socketId = s.id!;
  expect(g.media.service.viewsOf(socketId)).toHaveLength(1);
  const t0 = Date.now();
  s.disconnect();
  await waitUntil(
    'views released on disconnect',
    () => (g.media.service.viewsOf(socketId).length === 0 ? true : undefined),
    2000,
  );
  expect(Date.now() - t0).toBeLessThan(2000);
  expect(g.media.service.room('jihong-bridge')?.viewers.has(opened.viewId) ?? false).toBe(false);

  const r = await g.open(cookies.traffic!);
  await openAndConsume(r, 'jihong-bridge');
  const peer = [...g.media.peers.values()].find((p) => p.socket.id !== undefined && p.principal.role === 'handler');
  expect(peer).toBeDefined();
  const serverSocketId = peer!.socket.id;
  const t1 = Date.now();
  await g.t.identity.sessions.end(peer!.socket.data.sessionId, 'revoked');
  await waitUntil(
    'views released on revocation',
    () => (g.media.service.viewsOf(serverSocketId).length === 0 ? true : undefined),
    2000,
  );
  expect(Date.now() - t1).toBeLessThan(2000);
  expect(g.media.peers.has(serverSocketId)).toBe(false);
});

it('re-creates the rooms of a killed worker on a live one and tells the viewers to re-consume', async () => {
  const s = await g.open(cookies.commander!);
  const { opened } = await openAndConsume(s, 'central-street');
  const room = g.media.service.room('central-street')!;
  const pid = room.slot.worker.pid;
  const told = new Promise<{ views: { viewId: string; cameraId: string }[]; reason: string }>((resolve) =>
    s.once('media:reconnect', resolve),
  );
  process.kill(pid, 'SIGKILL');
  const notice = await told;
  expect(notice.views).toEqual([{ viewId: opened.viewId, cameraId: 'central-street' }]);
  const again = g.media.service.room('central-street');
  expect(again).toBeDefined();
  expect(again).not.toBe(room);
  expect(again!.slot.worker.pid).not.toBe(pid);
  await waitUntil('two workers again', () => (g.media.service.pool.workers.length === 2 ? true : undefined), 10_000);
  // The client re-consumes on the new room.
  const reopened = await ok<ViewOpened>(s, 'media:view:open', { cameraId: 'central-street' });
  expect(reopened.viewId).not.toBe(opened.viewId);
  const res = await request(g.t.app).get('/api/health').expect(200);
  expect(res.body.media.workers).toBe(2);
  s.disconnect();
});

it('lists only the cameras the caller may view, and the nearest ones to a point', async () => {
  const all = await request(g.t.app).get('/api/cameras').set('Cookie', cookies.commander!).expect(200);
  expect(all.body.cameras.length).toBeGreaterThanOrEqual(12);
  expect(all.body.video).toEqual({ workers: 2 });
  // The traffic handler's earlier session was revoked: a new sign-in.
  const trafficCookie = await login(g.t.app, trafficAccount.username, trafficAccount.password);
  const traffic = await request(g.t.app).get('/api/cameras').set('Cookie', trafficCookie).expect(200);
  expect(traffic.body.cameras.map((c: { group: string }) => c.group)).not.toContain('key_target');
  // The video wall's presets are cut the same way: the daily preset's 哈尔滨站 (a key target) only for the commander.
  expect(all.body.presets.daily.cameras).toContain('harbin-station');
  expect(traffic.body.presets.daily.cameras).toEqual(['central-street', 'jihong-bridge', 'sun-island']);
  const songbei = await request(g.t.app).get('/api/cameras').set('Cookie', cookies.trafficSongbei!).expect(200);
  expect(new Set(songbei.body.cameras.map((c: { districtAdcode: string }) => c.districtAdcode))).toEqual(new Set(['230109']));
  await request(g.t.app).get('/api/cameras').set('Cookie', cookies.planner!).expect(403);

  // 中央大街 north end: the flood monument is the nearest camera.
  const near = await request(g.t.app)
    .get('/api/cameras/nearest?lon=126.6114&lat=45.7781&limit=3')
    .set('Cookie', cookies.commander!)
    .expect(200);
  expect(near.body.cameras).toHaveLength(3);
  expect(near.body.cameras[0]).toMatchObject({ id: 'flood-monument', name: '防洪纪念塔' });
  expect(near.body.cameras[0].distanceM).toBeLessThan(150);
  const d = near.body.cameras.map((c: { distanceM: number }) => c.distanceM);
  expect([...d].sort((x: number, y: number) => x - y)).toEqual(d);
  const bad = await request(g.t.app).get('/api/cameras/nearest?lon=abc&lat=45').set('Cookie', cookies.commander!).expect(400);
  expect(bad.body.error.code).toBe('invalid_coordinates');
});

it('tells the viewer when the camera’s ingest dies, and starts it again on the next view', async () => {
  const s = await g.open(cookies.commander!);
  const { opened } = await openAndConsume(s, 'chengde-bridge');
  const room = g.media.service.room('chengde-bridge')!;
  const pid = room.ingestProcess!.pid!;
  const closed = new Promise<{ viewId: string; cameraId: string; reason: string }>((resolve) =>
    s.once('media:view:closed', resolve),
  );
  process.kill(pid, 'SIGKILL');
  expect(await closed).toEqual({ viewId: opened.viewId, cameraId: 'chengde-bridge', reason: 'ingest_stopped' });
  expect(g.media.service.room('chengde-bridge')).toBeUndefined();
  expect(g.media.service.viewsOf(s.id!)).toEqual([]);
  // The camera list says the camera is offline since its source failed.
  expect(await linkOf('chengde-bridge')).toMatchObject({ online: false, state: 'offline', reason: '视频源中断，尚未恢复' });
  await openAndConsume(s, 'chengde-bridge');
  const again = g.media.service.room('chengde-bridge')!;
  expect(again).not.toBe(room);
  expect(alive(again.ingestProcess?.pid)).toBe(true);
  // RTP arriving again brings it back online.
  await waitUntil(
    'the camera to be live again',
    async () => ((await linkOf('chengde-bridge')).state === 'live' ? true : undefined),
    10_000,
  );
  s.disconnect();
});

/** A camera's link in the commander's camera list. */
async function linkOf(cameraId: string): Promise<{ online: boolean; state: string; reason?: string }> {
  const res = await request(g.t.app).get('/api/cameras').set('Cookie', cookies.commander!).expect(200);
  return res.body.cameras.find((c: { id: string }) => c.id === cameraId).link;
}

it('lists each camera’s link: live while its ingest sends RTP, standby when no one watches', async () => {
  const s = await g.open(cookies.commander!);
  expect(await linkOf('sun-island')).toEqual({ online: true, state: 'standby' });
  await openAndConsume(s, 'sun-island');
  await waitUntil(
    'sun-island to be live',
    async () => ((await linkOf('sun-island')).state === 'live' ? true : undefined),
    10_000,
  );
  expect(await linkOf('sun-island')).toEqual({ online: true, state: 'live' });
  s.disconnect();
});

it('limits the views one client holds at once', async () => {
  const s = await g.open(cookies.commander!);
  await ok(s, 'media:join', {});
  const opens = await Promise.all(
    Array.from({ length: MAX_VIEWS_PER_PEER + 3 }, () => emit<ViewOpened>(s, 'media:view:open', { cameraId: 'hongjun-street' })),
  );
  expect(opens.filter((a) => a.ok)).toHaveLength(MAX_VIEWS_PER_PEER);
  expect(opens.filter((a) => !a.ok)).toEqual(
    Array.from({ length: 3 }, () => ({
      ok: false,
      error: { code: 'rate_limited', message: expect.stringContaining(String(MAX_VIEWS_PER_PEER)) },
    })),
  );
  expect(await ok<{ closed: number }>(s, 'media:leave')).toEqual({ closed: MAX_VIEWS_PER_PEER });
  s.disconnect();
});

it('kills every camera’s ffmpeg and closes the workers when the service closes', async () => {
  const s = await g.open(cookies.commander!);
  await openAndConsume(s, 'qianjin-interchange');
  const ffmpeg = g.media.service.room('qianjin-interchange')!.ingestProcess!.pid!;
  const workers = g.media.service.pool.workers.map((w) => w.worker.pid);
  expect(alive(ffmpeg)).toBe(true);
  await g.media.close();
  await waitUntil('ffmpeg and the workers to exit', () => ([ffmpeg, ...workers].some(alive) ? undefined : true), 5000);
  expect(g.media.service.status()).toMatchObject({ workers: 0 });
  s.disconnect();
});
