import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { ConferenceJoined, ConferenceState, ConferenceSummary, ConferenceTransport } from '../../contracts/media';
import { conferencesOf } from '../../gateway/media/conference';
import { createAccount, login, type TestAccount } from '../support/identity';
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
 * Conference signalling (视频会商) over the platform's Socket.IO server with real mediasoup workers: creating a
 * conference, a join refused for someone not invited before any transport exists (and audited), the lobby and
 * admission, lock, removal, mute, every error answered in the Ack shape, a camera injected by the moderator (its own
 * ffmpeg ingest into the conference's router), and a recording of it to a WebM file that ffprobe can read.
 */
let g: MediaTestGateway;
const cookies: Record<string, string> = {};
const accounts: Record<string, TestAccount> = {};

beforeAll(async () => {
  g = await startMediaTestGateway({ MEDIA_WORKERS: '1' });
  const defs = {
    host: { role: 'commander', departmentId: 'command-center' },
    leader: { role: 'leader', departmentId: 'command-center' },
    traffic: { role: 'handler', departmentId: 'traffic-police' },
    dispatcher: { role: 'dispatcher', departmentId: 'command-center' },
    planner: { role: 'planner', departmentId: 'planning' },
  } as const;
  for (const [k, d] of Object.entries(defs)) {
    accounts[k] = await createAccount(g.t.db, d);
    cookies[k] = await login(g.t.app, accounts[k].username, accounts[k].password);
  }
}, 120_000);
afterAll(() => g?.close());

const routerCount = async () => {
  let n = 0;
  for (const { worker } of g.media.service.pool.workers) n += (await worker.dump()).routerIds.length;
  return n;
};

async function auditRows(action: string, object: string) {
  const rows = await g.t.db.query<{ outcome: string; detail: string | Record<string, unknown> }>(
    'SELECT outcome, detail FROM audit_event WHERE action = $1 AND object = $2 ORDER BY seq',
    [action, object],
  );
  return rows.map((r) => ({ outcome: r.outcome, detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail }));
}

/** The next event of a kind on a socket. */
const next = <T>(s: MediaSocket, event: string, timeoutMs = 5000) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    (s as unknown as { once: (e: string, f: (v: T) => void) => void }).once(event, (v: T) => {
      clearTimeout(timer);
      resolve(v);
    });
  });

async function create(s: MediaSocket, body: Record<string, unknown>): Promise<ConferenceSummary> {
  return ok<ConferenceSummary>(s, 'conference:create', body);
}

it('answers every request in the Ack shape: malformed, not joined, not a moderator, no such conference', async () => {
  const host = await g.open(cookies.host!);
  expect(await emit(host, 'conference:create', { title: '' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  expect(await emit(host, 'conference:create', { title: 'x', inviteRoles: ['nobody'] })).toMatchObject({
    ok: false,
    error: { code: 'bad_request' },
  });
  expect(await emit(host, 'conference:join', { conferenceId: 'nope' })).toMatchObject({
    ok: false,
    error: { code: 'bad_request' },
  });
  expect(await emit(host, 'conference:join', { conferenceId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
    ok: false,
    error: { code: 'not_found' },
  });
  for (const [event, body] of [
    ['conference:transport:create', { direction: 'send' }],
    ['conference:consume', { producerId: 'p', rtpCapabilities: {} }],
    ['conference:mute', {}],
    ['conference:lock', { locked: true }],
    ['conference:record', { recording: true }],
  ] as const) {
    expect([event, await emit(host, event, body)]).toEqual([
      event,
      { ok: false, error: { code: 'conflict', message: expect.stringContaining('conference:join') } },
    ]);
  }
  expect(await emit(host, 'conference:leave')).toEqual({ ok: true, data: { left: false } });
  // A role without conference.host cannot create one: refused by the policy before the handler.
  const traffic = await g.open(cookies.traffic!);
  expect(await emit(traffic, 'conference:create', { title: '防汛会商' })).toMatchObject({
    ok: false,
    error: { code: 'forbidden' },
  });
  host.disconnect();
  traffic.disconnect();
});

it('refuses a user who is not invited before any transport exists, and audits the refusal', async () => {
  const host = await g.open(cookies.host!);
  const c = await create(host, { title: '松花江防汛会商', inviteRoles: ['handler'], inviteUsers: [accounts.leader!.username] });
  expect(c).toMatchObject({ title: '松花江防汛会商', moderator: true, participants: 0 });
  const dispatcher = await g.open(cookies.dispatcher!);
  expect(await ok(dispatcher, 'conference:list', {})).toEqual([]);
  const before = await routerCount();
  expect(await emit(dispatcher, 'conference:join', { conferenceId: c.id })).toMatchObject({
    ok: false,
    error: { code: 'forbidden', message: expect.stringContaining('未受邀') },
  });
  expect(await routerCount()).toBe(before);
  expect(await emit(dispatcher, 'conference:transport:create', { direction: 'recv' })).toMatchObject({
    ok: false,
    error: { code: 'conflict' },
  });
  expect(await routerCount()).toBe(before);
  expect((await auditRows('access.denied', `conference ${c.id}`)).at(-1)).toMatchObject({
    outcome: 'denied',
    detail: { action: 'conference.join', event: 'join' },
  });
  // The invited see it in their list.
  const traffic = await g.open(cookies.traffic!);
  expect((await ok<ConferenceSummary[]>(traffic, 'conference:list', {})).map((x) => x.id)).toContain(c.id);
  for (const s of [host, dispatcher, traffic]) s.disconnect();
});

it('keeps the invited in the lobby until the moderator admits them; lock, mute and remove', async () => {
  const host = await g.open(cookies.host!);
  const c = await create(host, {
    title: '道里区应急会商',
    inviteRoles: ['handler', 'planner'],
    inviteUsers: [accounts.leader!.username],
  });
  const hostJoin = await ok<ConferenceJoined>(host, 'conference:join', { conferenceId: c.id });
  expect(hostJoin.status).toBe('admitted');
  if (hostJoin.status !== 'admitted') return;
  expect(hostJoin.state.members.map((m) => m.moderator)).toEqual([true]);
  expect(hostJoin.rtpCapabilities.codecs?.map((x) => x.mimeType)).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8']));

  const traffic = await g.open(cookies.traffic!);
  const lobbyState = next<ConferenceState>(host, 'conference:state');
  expect(await ok<ConferenceJoined>(traffic, 'conference:join', { conferenceId: c.id })).toMatchObject({ status: 'lobby' });
  expect((await lobbyState).lobby.map((m) => m.peerId)).toEqual([traffic.id]);
  // In the lobby nothing can be created for it.
  expect(await emit(traffic, 'conference:transport:create', { direction: 'recv' })).toMatchObject({
    ok: false,
    error: { code: 'conflict' },
  });
  // Only a moderator admits; a participant asking is refused by the policy (handler has no conference.host).
  expect(await emit(traffic, 'conference:admit', { peerId: traffic.id })).toMatchObject({
    ok: false,
    error: { code: 'forbidden' },
  });
  expect(await emit(host, 'conference:admit', { peerId: 'nobody' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  const admitted = next<{ conferenceId: string }>(traffic, 'conference:admitted');
  await ok(host, 'conference:admit', { peerId: traffic.id });
  expect(await admitted).toEqual({ conferenceId: c.id });
  const entered = await ok<ConferenceJoined>(traffic, 'conference:join', { conferenceId: c.id });
  expect(entered.status).toBe('admitted');
  if (entered.status === 'admitted')
    expect(entered.state.members.map((m) => m.peerId).sort()).toEqual([host.id, traffic.id].sort());
  const t = await ok<ConferenceTransport>(traffic, 'conference:transport:create', { direction: 'recv' });
  expect(t.iceCandidates.length).toBeGreaterThan(0);
  // Entering again replaces the transport of that direction instead of piling them up.
  const again = await ok<ConferenceTransport>(traffic, 'conference:transport:create', { direction: 'recv' });
  const router = conferencesOf(g.media, g.t.identity).service.get(c.id).room!.router;
  expect((await router.dump()).transportIds).toEqual([again.transportId]);
  expect(await emit(traffic, 'conference:consume', { producerId: 'missing', rtpCapabilities: {} })).toMatchObject({
    ok: false,
    error: { code: 'not_found' },
  });

  // Lock: a newcomer is refused (and audited); the moderator unlocks and it can wait in the lobby.
  await ok(host, 'conference:lock', { locked: true });
  const planner = await g.open(cookies.planner!);
  expect(await emit(planner, 'conference:join', { conferenceId: c.id })).toMatchObject({
    ok: false,
    error: { code: 'locked', message: expect.stringContaining('锁定') },
  });
  await ok(host, 'conference:lock', { locked: false });
  expect(await ok<ConferenceJoined>(planner, 'conference:join', { conferenceId: c.id })).toMatchObject({ status: 'lobby' });

  // Mute-all with no microphones mutes nobody; muting someone not in the room is not_found.
  expect(await ok(host, 'conference:mute', {})).toEqual({ muted: 0 });
  expect(await emit(host, 'conference:mute', { peerId: 'nobody' })).toMatchObject({ ok: false, error: { code: 'not_found' } });

  // Remove: the removed socket is told, its transport is gone, and it is out of the member list.
  const removed = next<{ reason: string }>(traffic, 'conference:removed');
  await ok(host, 'conference:remove', { peerId: traffic.id });
  expect((await removed).reason).toContain('移出');
  const svc = conferencesOf(g.media, g.t.identity).service;
  expect([...svc.get(c.id).members.keys()]).toEqual([host.id]);
  expect(await emit(traffic, 'conference:transport:create', { direction: 'recv' })).toMatchObject({
    ok: false,
    error: { code: 'conflict' },
  });
  expect(await emit(host, 'conference:remove', { peerId: host.id })).toMatchObject({ ok: false, error: { code: 'bad_request' } });

  const hostRows = await auditRows('conference.host', `conference ${c.id}`);
  expect(hostRows.map((r) => r.detail.event)).toEqual(['create', 'admit', 'lock', 'unlock', 'mute_all', 'remove']);
  const joins = await auditRows('conference.join', `conference ${c.id}`);
  expect(joins.map((r) => r.detail.event)).toEqual(['join', 'lobby', 'join', 'lobby', 'leave']);
  expect((await auditRows('access.denied', `conference ${c.id}`)).at(-1)?.detail).toMatchObject({ action: 'conference.join' });

  // Everybody leaving closes the room's router.
  for (const s of [traffic, planner]) s.disconnect();
  const before = await routerCount();
  await ok(host, 'conference:leave');
  await waitUntil('the room to close', async () => ((await routerCount()) === before - 1 ? true : undefined));
  host.disconnect();
});

it('injects a camera into the conference and records it to a WebM file that ffprobe reads', async () => {
  const host = await g.open(cookies.host!);
  const c = await create(host, { title: '录制测试会商' });
  await ok(host, 'conference:join', { conferenceId: c.id });
  expect(await emit(host, 'conference:record', { recording: true })).toMatchObject({
    ok: false,
    error: { code: 'conflict', message: expect.stringContaining('没有视频') },
  });
  const state = next<ConferenceState>(host, 'conference:state');
  await ok(host, 'conference:inject', { cameraId: 'flood-monument' });
  const injected = (await state).producers;
  expect(injected).toEqual([expect.objectContaining({ peerId: 'camera:flood-monument', source: 'inject', kind: 'video' })]);
  expect(await emit(host, 'conference:inject', { cameraId: 'flood-monument' })).toMatchObject({
    ok: false,
    error: { code: 'conflict' },
  });
  const room = conferencesOf(g.media, g.t.identity).service.get(c.id).room!;
  await waitUntil('RTP from the injected camera', async () => {
    const stats = await room.producers[0]!.producer.getStats();
    return stats.some((st) => st.byteCount > 0) || undefined;
  });
  const started = await ok<{ name: string }>(host, 'conference:record', { recording: true });
  const pid = room.recording?.pid;
  expect(alive(pid)).toBe(true);
  await new Promise((r) => setTimeout(r, 4000));
  const stopped = await ok<{ name: string }>(host, 'conference:record', { recording: false });
  expect(stopped.name).toBe(started.name);
  expect(alive(pid)).toBe(false);
  const file = path.join(g.t.deps.config.DATA_DIR, 'recordings', stopped.name);
  expect(existsSync(file)).toBe(true);
  const probe = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file]).toString(),
  ) as { streams: { codec_type: string; codec_name: string }[]; format: { duration?: string } };
  expect(probe.streams.map((s) => s.codec_type)).toContain('video');
  expect(Number(probe.format.duration)).toBeGreaterThan(1);

  // Listed and served to a permitted role; refused to one without conference.recording.
  const list = await request(g.t.app).get('/api/conferences/recordings').set('Cookie', cookies.host!).expect(200);
  expect(list.body.recordings.map((r: { name: string }) => r.name)).toContain(stopped.name);
  const body = await request(g.t.app)
    .get(`/api/conferences/recordings/${stopped.name}`)
    .set('Cookie', cookies.leader!)
    .expect(200);
  expect(body.headers['content-type']).toContain('video/webm');
  await request(g.t.app).get(`/api/conferences/recordings/${stopped.name}`).set('Cookie', cookies.traffic!).expect(403);
  await request(g.t.app).get('/api/conferences/recordings/..%2F..%2Fetc%2Fpasswd').set('Cookie', cookies.host!).expect(400);
  await ok(host, 'conference:inject', { cameraId: 'flood-monument', on: false });
  host.disconnect();
  for (const f of [file, `${file}.json`]) rmSync(f, { force: true });
}, 60_000);

it('re-creates a killed worker’s conference room with its injected camera and tells the members to join again', async () => {
  const host = await g.open(cookies.host!);
  const leader = await g.open(cookies.leader!);
  const c = await create(host, { title: '媒体进程恢复会商', inviteUsers: [accounts.leader!.username] });
  await ok(host, 'conference:join', { conferenceId: c.id });
  await ok(leader, 'conference:join', { conferenceId: c.id });
  await ok(host, 'conference:inject', { cameraId: 'yangmingtan-bridge' });
  const svc = conferencesOf(g.media, g.t.identity).service;
  const dead = svc.get(c.id).room!;
  const told = [
    next<{ conferenceId: string; reason: string }>(host, 'conference:reconnect', 10_000),
    next(leader, 'conference:reconnect', 10_000),
  ];
  process.kill(dead.slot.worker.pid, 'SIGKILL');
  expect(await told[0]).toMatchObject({ conferenceId: c.id, reason: expect.stringContaining('媒体进程') });
  await told[1];
  const room = svc.get(c.id).room!;
  expect(room).not.toBe(dead);
  expect(room.slot.worker.pid).not.toBe(dead.slot.worker.pid);
  // Both were members: they enter again without the lobby, and the injected camera is back.
  const again = await ok<ConferenceJoined>(leader, 'conference:join', { conferenceId: c.id });
  expect(again.status).toBe('admitted');
  if (again.status === 'admitted') {
    expect(again.state.members).toHaveLength(2);
    expect(again.state.producers).toEqual([expect.objectContaining({ peerId: 'camera:yangmingtan-bridge' })]);
  }
  await waitUntil('RTP from the re-injected camera', async () => {
    const stats = await room.producers[0]!.producer.getStats();
    return stats.some((st) => st.byteCount > 0) || undefined;
  });
  host.disconnect();
  leader.disconnect();
}, 30_000);
