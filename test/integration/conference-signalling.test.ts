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
    commander: { role: 'commander', departmentId: 'command-center' },
    leader: { role: 'leader', departmentId: 'command-center' },
    // A leader whose area is 南岗区 (230103) only.
    nangangLeader: { role: 'leader', departmentId: 'command-center', gridScope: ['230103'] },
    traffic: { role: 'handler', departmentId: 'traffic-police' },
    dispatcher: { role: 'dispatcher', departmentId: 'command-center' },
    planner: { role: 'planner', departmentId: 'planning' },
  } as const;
  for (const [k, d] of Object.entries(defs)) {
    accounts[k] = await createAccount(g.t.db, { ...d, gridScope: 'gridScope' in d ? [...d.gridScope] : [] });
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
  // (A standing conference another suite's 战时 holds may list for this command-center account: not this test's.)
  expect((await ok<ConferenceSummary[]>(dispatcher, 'conference:list', {})).filter((x) => !x.standing)).toEqual([]);
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
  // The recording shows the 防洪纪念塔 camera (道里区): a leader limited to 南岗区 neither sees it listed nor plays it.
  const scoped = await request(g.t.app).get('/api/conferences/recordings').set('Cookie', cookies.nangangLeader!).expect(200);
  expect(scoped.body.recordings.map((r: { name: string }) => r.name)).not.toContain(stopped.name);
  const refused = await request(g.t.app)
    .get(`/api/conferences/recordings/${stopped.name}`)
    .set('Cookie', cookies.nangangLeader!)
    .expect(403);
  expect(refused.body.error.message).toContain('不在您的管辖区域内');
  expect((await auditRows('access.denied', 'camera flood-monument')).at(-1)?.detail).toMatchObject({
    event: 'conference.recording',
    recording: stopped.name,
  });
  await request(g.t.app).get('/api/conferences/recordings/..%2F..%2Fetc%2Fpasswd').set('Cookie', cookies.host!).expect(400);
  await ok(host, 'conference:inject', { cameraId: 'flood-monument', on: false });
  host.disconnect();
  for (const f of [file, `${file}.json`]) rmSync(f, { force: true });
}, 60_000);

it('re-creates a killed worker’s conference room with its injected camera and tells the members to join again', async () => {
  const host = await g.open(cookies.host!);
  const leader = await g.open(cookies.leader!);
  const c = await create(host, { title: '媒体进程恢复会商', inviteUsers: [accounts.leader!.username], autoAdmit: true });
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

/** A microphone produced over a send transport (the RTP parameters a browser would send for Opus). */
async function produceMic(s: MediaSocket, ssrc: number): Promise<string> {
  const t = await ok<ConferenceTransport>(s, 'conference:transport:create', { direction: 'send' });
  const produced = await ok<{ producerId: string }>(s, 'conference:produce', {
    transportId: t.transportId,
    kind: 'audio',
    source: 'mic',
    rtpParameters: {
      mid: '0',
      codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
      encodings: [{ ssrc }],
    },
  });
  return produced.producerId;
}

const memberOf = (state: ConferenceState, peerId: string | undefined) => state.members.find((m) => m.peerId === peerId);

it('gives a key-target camera injected into a conference only to participants who may view it', async () => {
  const host = await g.open(cookies.host!);
  const c = await create(host, {
    title: '滨州铁路桥重点目标会商',
    inviteUsers: [accounts.planner!.username, accounts.commander!.username],
    autoAdmit: true,
  });
  await ok(host, 'conference:join', { conferenceId: c.id });
  await ok(host, 'conference:inject', { cameraId: 'binzhou-rail-bridge' });

  // A planner may view no camera: the state marks the camera as not viewable for it, and consuming it is refused.
  const planner = await g.open(cookies.planner!);
  const joined = await ok<ConferenceJoined>(planner, 'conference:join', { conferenceId: c.id });
  if (joined.status !== 'admitted') throw new Error('the planner should be let in (auto-admit)');
  const camera = joined.state.producers.find((p) => p.peerId === 'camera:binzhou-rail-bridge');
  expect(camera).toMatchObject({ source: 'inject', kind: 'video', viewable: false });
  expect(camera!.label).not.toContain('滨州');
  const recv = await ok<ConferenceTransport>(planner, 'conference:transport:create', { direction: 'recv' });
  const refused = await emit(planner, 'conference:consume', {
    producerId: camera!.producerId,
    rtpCapabilities: joined.rtpCapabilities,
  });
  expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('无权限') } });
  // No consumer of the camera exists on the router (the planner's receive transport is there, empty).
  const router = conferencesOf(g.media, g.t.identity).service.get(c.id).room!.router;
  const consumersOfCamera = async () =>
    (await router.dump()).mapProducerIdConsumerIds.find((e) => e.key === camera!.producerId)?.values ?? [];
  expect((await router.dump()).transportIds).toContain(recv.transportId);
  expect(await consumersOfCamera()).toEqual([]);
  expect((await auditRows('access.denied', 'camera binzhou-rail-bridge')).at(-1)?.detail).toMatchObject({
    event: 'conference:consume',
    action: 'camera.view',
    conferenceId: c.id,
  });

  // Another commander may view key targets: it receives the camera.
  const commander = await g.open(cookies.commander!);
  const entered = await ok<ConferenceJoined>(commander, 'conference:join', { conferenceId: c.id });
  if (entered.status !== 'admitted') throw new Error('the commander should be let in (auto-admit)');
  expect(entered.state.producers.find((p) => p.producerId === camera!.producerId)).toMatchObject({
    viewable: true,
    label: expect.stringContaining('滨州'),
  });
  await ok(commander, 'conference:transport:create', { direction: 'recv' });
  const consumed = await ok<{ consumerId: string; kind: string }>(commander, 'conference:consume', {
    producerId: camera!.producerId,
    rtpCapabilities: entered.rtpCapabilities,
  });
  expect(consumed.kind).toBe('video');
  expect(await consumersOfCamera()).toEqual([consumed.consumerId]);
  for (const s of [host, planner, commander]) s.disconnect();
}, 30_000);

it('lets only the convener and the co-hosts they name moderate, and keeps invited leaders in the lobby', async () => {
  const host = await g.open(cookies.host!);
  const c = await create(host, {
    title: '主持权限会商',
    inviteUsers: [accounts.leader!.username, accounts.commander!.username, accounts.planner!.username],
  });
  await ok(host, 'conference:join', { conferenceId: c.id });

  // An invited leader may host conferences of its own, but not this one: it waits in the lobby like everyone.
  const leader = await g.open(cookies.leader!);
  expect((await ok<ConferenceSummary[]>(leader, 'conference:list', {})).find((x) => x.id === c.id)).toMatchObject({
    moderator: false,
  });
  expect(await ok<ConferenceJoined>(leader, 'conference:join', { conferenceId: c.id })).toMatchObject({ status: 'lobby' });
  expect(await emit(leader, 'conference:admit', { peerId: leader.id })).toMatchObject({
    ok: false,
    error: { code: 'conflict' },
  });
  await ok(host, 'conference:admit', { peerId: leader.id });
  const entered = await ok<ConferenceJoined>(leader, 'conference:join', { conferenceId: c.id });
  if (entered.status !== 'admitted') throw new Error('the admitted leader should enter');
  expect(memberOf(entered.state, leader.id)).toMatchObject({ moderator: false, cohost: false, convener: false });
  expect(memberOf(entered.state, host.id)).toMatchObject({ moderator: true, convener: true });

  // Not a moderator: it can neither mute nor remove the convener, nor lock, nor name co-hosts.
  for (const [event, body] of [
    ['conference:mute', { peerId: host.id }],
    ['conference:mute', {}],
    ['conference:remove', { peerId: host.id }],
    ['conference:lock', { locked: true }],
    ['conference:inject', { cameraId: 'flood-monument' }],
    ['conference:cohost', { peerId: leader.id, cohost: true }],
  ] as const) {
    expect([event, await emit(leader, event, body)]).toEqual([
      event,
      { ok: false, error: { code: 'forbidden', message: expect.stringContaining('主持') } },
    ]);
  }
  expect(conferencesOf(g.media, g.t.identity).service.get(c.id).members.has(host.id!)).toBe(true);

  // The convener names the leader co-host: it moderates now, but never against the convener, and names no co-hosts.
  const named = next<ConferenceState>(leader, 'conference:state');
  await ok(host, 'conference:cohost', { peerId: leader.id, cohost: true });
  expect(memberOf(await named, leader.id)).toMatchObject({ moderator: true, cohost: true });
  await ok(leader, 'conference:lock', { locked: true });
  await ok(leader, 'conference:lock', { locked: false });
  for (const [event, body] of [
    ['conference:mute', { peerId: host.id }],
    ['conference:remove', { peerId: host.id }],
  ] as const) {
    expect([event, await emit(leader, event, body)]).toEqual([
      event,
      { ok: false, error: { code: 'forbidden', message: expect.stringContaining('发起人') } },
    ]);
  }
  const planner = await g.open(cookies.planner!);
  expect(await ok<ConferenceJoined>(planner, 'conference:join', { conferenceId: c.id })).toMatchObject({ status: 'lobby' });
  expect(await emit(leader, 'conference:cohost', { peerId: host.id, cohost: false })).toMatchObject({
    ok: false,
    error: { code: 'forbidden', message: expect.stringContaining('发起人') },
  });
  // A co-host admits from the lobby; a role that may not host cannot be named co-host.
  await ok(leader, 'conference:admit', { peerId: planner.id });
  await ok(planner, 'conference:join', { conferenceId: c.id });
  expect(await emit(host, 'conference:cohost', { peerId: planner.id, cohost: true })).toMatchObject({
    ok: false,
    error: { code: 'bad_request', message: expect.stringContaining('不能主持') },
  });
  // Named co-host at creation: straight in, moderating; an invited commander who is not named waits.
  const c2 = await create(host, {
    title: '联合主持会商',
    inviteUsers: [accounts.commander!.username],
    coHosts: [accounts.leader!.username],
  });
  expect(c2.coHosts).toEqual([accounts.leader!.username]);
  await ok(leader, 'conference:leave');
  const direct = await ok<ConferenceJoined>(leader, 'conference:join', { conferenceId: c2.id });
  if (direct.status !== 'admitted') throw new Error('a named co-host enters without waiting');
  expect(memberOf(direct.state, leader.id)).toMatchObject({ moderator: true, cohost: true });
  const commander = await g.open(cookies.commander!);
  expect(await ok<ConferenceJoined>(commander, 'conference:join', { conferenceId: c2.id })).toMatchObject({ status: 'lobby' });
  // The convener takes the co-host back: the leader's controls are gone at once.
  await ok(host, 'conference:leave');
  await ok(host, 'conference:join', { conferenceId: c2.id });
  await ok(host, 'conference:cohost', { peerId: leader.id, cohost: false });
  expect(await emit(leader, 'conference:lock', { locked: true })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

  const hostRows = await auditRows('conference.host', `conference ${c.id}`);
  expect(hostRows.map((r) => r.detail.event)).toEqual(['create', 'admit', 'cohost', 'lock', 'unlock', 'admit']);
  for (const s of [host, leader, planner, commander]) s.disconnect();
}, 30_000);

it('makes a moderator’s mute a hard mute that only the moderator lifts, across a new microphone and a rejoin', async () => {
  const host = await g.open(cookies.host!);
  const c = await create(host, { title: '发言管理会商', inviteRoles: ['handler'], autoAdmit: true });
  await ok(host, 'conference:join', { conferenceId: c.id });
  const traffic = await g.open(cookies.traffic!);
  await ok(traffic, 'conference:join', { conferenceId: c.id });
  const mic = await produceMic(traffic, 11111111);
  // A participant mutes and unmutes itself freely.
  await ok(traffic, 'conference:producer:pause', { producerId: mic, paused: true });
  await ok(traffic, 'conference:producer:pause', { producerId: mic, paused: false });

  const muted = next<ConferenceState>(traffic, 'conference:state');
  expect(await ok(host, 'conference:mute', { peerId: traffic.id })).toEqual({ muted: 1 });
  const state = await muted;
  expect(memberOf(state, traffic.id)).toMatchObject({ mutedByModerator: true });
  expect(state.producers.find((p) => p.producerId === mic)?.paused).toBe(true);
  const svc = conferencesOf(g.media, g.t.identity).service;
  const paused = (id: string) => svc.get(c.id).room!.producer(id).producer.paused;

  // It cannot unmute itself, nor get round the mute with a new microphone or by joining again.
  expect(await emit(traffic, 'conference:producer:pause', { producerId: mic, paused: false })).toMatchObject({
    ok: false,
    error: { code: 'forbidden', message: expect.stringContaining('主持人已将您静音') },
  });
  expect(paused(mic)).toBe(true);
  await ok(traffic, 'conference:producer:close', { producerId: mic });
  const second = await produceMic(traffic, 22222222);
  expect(paused(second)).toBe(true);
  await ok(traffic, 'conference:leave');
  const again = await ok<ConferenceJoined>(traffic, 'conference:join', { conferenceId: c.id });
  if (again.status !== 'admitted') throw new Error('auto-admit lets the participant in again');
  expect(memberOf(again.state, traffic.id)).toMatchObject({ mutedByModerator: true });
  const third = await produceMic(traffic, 33333333);
  expect(paused(third)).toBe(true);

  // It raises its hand; the moderator lets it speak; then it unmutes itself.
  const raised = next<ConferenceState>(host, 'conference:state');
  await ok(traffic, 'conference:hand', { raised: true });
  expect(memberOf(await raised, traffic.id)).toMatchObject({ handRaised: true, mutedByModerator: true });
  const allowed = next<ConferenceState>(traffic, 'conference:state');
  await ok(host, 'conference:unmute', { peerId: traffic.id });
  expect(memberOf(await allowed, traffic.id)).toMatchObject({ handRaised: false, mutedByModerator: false });
  expect(paused(third)).toBe(true);
  await ok(traffic, 'conference:producer:pause', { producerId: third, paused: false });
  expect(paused(third)).toBe(false);

  // Mute-all hard-mutes every participant but the moderators.
  expect(await ok(host, 'conference:mute', {})).toEqual({ muted: 1 });
  expect(await emit(traffic, 'conference:producer:pause', { producerId: third, paused: false })).toMatchObject({
    ok: false,
    error: { code: 'forbidden' },
  });
  const hostRows = await auditRows('conference.host', `conference ${c.id}`);
  expect(hostRows.map((r) => r.detail.event)).toEqual(['create', 'mute', 'unmute', 'mute_all']);
  host.disconnect();
  traffic.disconnect();
}, 30_000);

it('audits a shared screen with who shared it (what it shows cannot be checked, e.g. a camera wall)', async () => {
  const host = await g.open(cookies.host!);
  const c = await create(host, { title: '屏幕共享会商' });
  await ok(host, 'conference:join', { conferenceId: c.id });
  const t = await ok<ConferenceTransport>(host, 'conference:transport:create', { direction: 'send' });
  const { producerId } = await ok<{ producerId: string }>(host, 'conference:produce', {
    transportId: t.transportId,
    kind: 'video',
    source: 'screen',
    rtpParameters: {
      mid: '0',
      codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [] }],
      encodings: [{ ssrc: 44444444 }],
    },
  });
  const joins = await auditRows('conference.join', `conference ${c.id}`);
  expect(joins.at(-1)).toMatchObject({ outcome: 'ok', detail: { event: 'screen_share', producerId } });
  host.disconnect();
});

it('shows a raised hand and microphone state to the moderator, who may lower the hand (audited) without letting speak', async () => {
  const host = await g.open(cookies.host!);
  const c = await create(host, { title: '举手会商', inviteRoles: ['handler'], autoAdmit: true });
  await ok(host, 'conference:join', { conferenceId: c.id });
  const traffic = await g.open(cookies.traffic!);
  await ok(traffic, 'conference:join', { conferenceId: c.id });
  const mic = await produceMic(traffic, 55555555);

  // The participant's own mute is the paused state of its microphone in the state every member receives.
  const selfMuted = next<ConferenceState>(host, 'conference:state');
  await ok(traffic, 'conference:producer:pause', { producerId: mic, paused: true });
  expect((await selfMuted).producers.find((p) => p.producerId === mic)).toMatchObject({ peerId: traffic.id, paused: true });

  // A hand not raised cannot be lowered; hostile peer ids are refused with a reason.
  expect(await emit(host, 'conference:hand:lower', { peerId: traffic.id })).toMatchObject({
    ok: false,
    error: { code: 'conflict', message: expect.stringContaining('没有举手') },
  });
  for (const bad of [{}, { peerId: '' }, { peerId: 'x'.repeat(65) }, { peerId: 7 }, { peerId: traffic.id, extra: 1 }]) {
    expect(await emit(host, 'conference:hand:lower', bad)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  }
  expect(await emit(host, 'conference:hand:lower', { peerId: 'no-such-peer' })).toMatchObject({
    ok: false,
    error: { code: 'not_found' },
  });

  const raised = next<ConferenceState>(host, 'conference:state');
  expect(await ok(traffic, 'conference:hand', { raised: true })).toEqual({ raised: true });
  expect(memberOf(await raised, traffic.id)).toMatchObject({ handRaised: true, mutedByModerator: false });
  // A participant is not a moderator: the policy refuses it lowering a hand.
  expect(await emit(traffic, 'conference:hand:lower', { peerId: host.id })).toMatchObject({
    ok: false,
    error: { code: 'forbidden' },
  });

  const lowered = next<ConferenceState>(traffic, 'conference:state');
  expect(await ok(host, 'conference:hand:lower', { peerId: traffic.id })).toEqual({ peerId: traffic.id });
  expect(memberOf(await lowered, traffic.id)).toMatchObject({ handRaised: false, mutedByModerator: false });
  const hostRows = await auditRows('conference.host', `conference ${c.id}`);
  expect(hostRows.map((r) => r.detail.event)).toEqual(['create', 'lower_hand']);
  expect(hostRows[1]!.detail).toMatchObject({ peerId: traffic.id, user: accounts.traffic!.username });
  host.disconnect();
  traffic.disconnect();
}, 30_000);
