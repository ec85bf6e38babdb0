import request from 'supertest';
import type { ConferenceJoined, ConferenceSummary } from '../../contracts/media';
import type { ModeResponse } from '../../contracts/modes';
import { conferencesOf } from '../../gateway/media/conference';
import { SYSTEM_CONVENER } from '../../gateway/media/standing-conference';
import { standingConferenceEffect } from '../../gateway/modes/conference';
import { changeMode } from '../../gateway/modes/service';
import { createAccount, login, type TestAccount } from '../support/identity';
import { ok, request as emit, startMediaTestGateway, waitUntil, type MediaSocket, type MediaTestGateway } from '../support/media';
import { withSharedMode } from '../support/shared-mode';

/**
 * The standing conference of 战时 (常设会商) is a real video conference: while its record is open, every gateway's
 * conference service holds a conference with the record's id, title and invitations, convened by the leader who
 * switched the mode, invitees let in without the lobby; a gateway started while the record is open holds it too; when
 * the mode ends the conference ends for those in it. Real mediasoup workers, real sockets, the test PostGIS.
 */
let g: MediaTestGateway;
const accounts: Record<string, TestAccount> = {};
const cookies: Record<string, string> = {};

beforeAll(async () => {
  g = await startMediaTestGateway({ MEDIA_WORKERS: '1' });
  const defs = {
    // The leader who switches the mode: the convener.
    leader: { role: 'leader', departmentId: 'command-center' },
    // Invited by department (modes.json: civil-defence is a headquarters department).
    civil: { role: 'handler', departmentId: 'civil-defence' },
    // Invited by department and role; its role may host.
    commander: { role: 'commander', departmentId: 'command-center' },
    // May join conferences, but neither its department nor its role is invited.
    planner: { role: 'planner', departmentId: 'planning' },
  } as const;
  for (const [k, d] of Object.entries(defs)) {
    accounts[k] = await createAccount(g.t.db, { ...d, prefix: `sc${k}` });
    cookies[k] = await login(g.t.app, accounts[k].username, accounts[k].password);
  }
}, 120_000);
afterAll(() => g?.close());

const switchMode = async (body: { mode: string; drill?: boolean; reason: string }) => {
  const r = await request(g.t.app).post('/api/mode').set('Cookie', cookies.leader!).send(body);
  expect(r.status).toBe(200);
};
const daily = () => switchMode({ mode: 'daily', reason: '解除演练' });

/** The next event of a kind on a socket. */
const next = <T>(s: MediaSocket, event: string, timeoutMs = 10_000) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    (s as unknown as { once: (e: string, f: (v: T) => void) => void }).once(event, (v: T) => {
      clearTimeout(timer);
      resolve(v);
    });
  });

const listed = async (s: MediaSocket, id: string) =>
  (await ok<ConferenceSummary[]>(s, 'conference:list', {})).find((c) => c.id === id);

it('holds the standing conference of 战时 while its record is open: invitees join at once, others are refused, it ends with the mode', async () => {
  await withSharedMode(async () => {
    try {
      await daily();
      await switchMode({ mode: 'wartime', drill: true, reason: '人防指挥部常设会商演练' });
      const record = ((await request(g.t.app).get('/api/mode').set('Cookie', cookies.leader!)).body as ModeResponse).conference!;
      expect(record.inviteUsers).toContain(accounts.civil!.username);
      expect(record.openedBy).toBe(accounts.leader!.username);

      // An invitee (by department) finds it in its list and enters without waiting in the lobby.
      const civil = await g.open(cookies.civil!);
      const summary = await waitUntil('the standing conference listed for an invitee', () => listed(civil, record.id));
      expect(summary).toMatchObject({
        title: record.title,
        standing: true,
        autoAdmit: true,
        hostName: '测试 leader',
        moderator: false,
        inviteRoles: ['leader', 'commander'],
      });
      const joined = await ok<ConferenceJoined>(civil, 'conference:join', { conferenceId: record.id });
      expect(joined.status).toBe('admitted');
      if (joined.status !== 'admitted') throw new Error('not admitted');
      expect(joined.rtpCapabilities.codecs?.length).toBeGreaterThan(0);
      expect(joined.state.title).toBe(record.title);
      const conference = conferencesOf(g.media, g.t.identity).service.get(record.id);
      expect(conference.hostUserId).toBe(accounts.leader!.id);
      expect(conference.room).not.toBeNull();

      // The leader who switched convenes it: listed as its moderator.
      const leader = await g.open(cookies.leader!);
      expect(await listed(leader, record.id)).toMatchObject({ moderator: true });

      // Someone not invited does not see it and is refused, in Chinese, before anything is made for them.
      const planner = await g.open(cookies.planner!);
      expect(await listed(planner, record.id)).toBeUndefined();
      expect(await emit(planner, 'conference:join', { conferenceId: record.id })).toEqual({
        ok: false,
        error: { code: 'forbidden', message: `无权限：您未受邀参加会商「${record.title}」` },
      });

      // Switching back to 平时 ends it for those in it, as its record closes.
      const ended = next<{ conferenceId: string; reason: string }>(civil, 'conference:ended');
      await daily();
      expect(await ended).toEqual({
        conferenceId: record.id,
        reason: `会商「${record.title}」已结束：「战时指挥」（演练）模式已结束`,
      });
      await waitUntil('the conference to be gone', () =>
        conferencesOf(g.media, g.t.identity)
          .service.list()
          .every((c) => c.id !== record.id),
      );
      expect(conference.room).toBeNull();
      expect(await listed(civil, record.id)).toBeUndefined();
      expect(await emit(civil, 'conference:join', { conferenceId: record.id })).toMatchObject({
        ok: false,
        error: { code: 'not_found' },
      });
      // Its member's participation ended with it, audited (the row may follow the event to the member).
      const leave = await waitUntil('the leave to be audited', async () => {
        const rows = await g.t.db.query<{ detail: string | Record<string, unknown> }>(
          `SELECT detail FROM audit_event WHERE action = 'conference.join' AND object = $1 AND username = $2 ORDER BY seq`,
          [`conference ${record.id}`, accounts.civil!.username],
        );
        const details = rows.map(
          (r) => (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Record<string, unknown>,
        );
        return details.find((d) => d.event === 'leave');
      });
      expect(leave).toMatchObject({ event: 'leave', reason: 'ended' });
    } finally {
      await daily();
    }
  });
}, 90_000);

it('is held by a gateway started while the record is open, and ended there too when the mode ends', async () => {
  await withSharedMode(async () => {
    let second: MediaTestGateway | null = null;
    try {
      await daily();
      await switchMode({ mode: 'wartime', drill: true, reason: '人防指挥部常设会商演练（重启）' });
      const record = ((await request(g.t.app).get('/api/mode').set('Cookie', cookies.leader!)).body as ModeResponse).conference!;
      // A gateway (re)started now reads the open record at start-up.
      second = await startMediaTestGateway({ MEDIA_WORKERS: '1' });
      const svc = conferencesOf(second.media, second.t.identity).service;
      const held = await waitUntil('the started gateway to hold the standing conference', () =>
        svc.list().find((c) => c.id === record.id),
      );
      expect(held).toMatchObject({ title: record.title, standing: true, autoAdmit: true, hostUserId: accounts.leader!.id });
      const civil = await second.open(cookies.civil!);
      const joined = await ok<ConferenceJoined>(civil, 'conference:join', { conferenceId: record.id });
      expect(joined.status).toBe('admitted');

      // The switch is made through the first gateway; the second learns of it from the change log.
      const ended = next<{ conferenceId: string }>(civil, 'conference:ended');
      await daily();
      expect(await ended).toMatchObject({ conferenceId: record.id });
      await waitUntil('the started gateway to end it', () => svc.list().every((c) => c.id !== record.id));
    } finally {
      await daily();
      await second?.close();
    }
  });
}, 120_000);

it('is convened by the system when no person switched the mode: the invited accounts whose role may host moderate it', async () => {
  await withSharedMode(async () => {
    const byTool = (mode: 'daily' | 'wartime') =>
      changeMode(g.t.db, g.t.deps.readiness.changes, { mode, drill: true, reason: '联动系统切换' }, 'linkage-tool', undefined, [
        standingConferenceEffect(g.t.state.command.profiles),
      ]);
    try {
      await daily();
      await byTool('wartime');
      const record = ((await request(g.t.app).get('/api/mode').set('Cookie', cookies.leader!)).body as ModeResponse).conference!;
      const svc = conferencesOf(g.media, g.t.identity).service;
      const held = await waitUntil('the standing conference held', () => svc.list().find((c) => c.id === record.id));
      expect(held).toMatchObject({ hostUserId: SYSTEM_CONVENER.userId, hostName: SYSTEM_CONVENER.displayName });
      const commander = await g.open(cookies.commander!);
      expect(await listed(commander, record.id)).toMatchObject({ moderator: true, hostName: SYSTEM_CONVENER.displayName });
      const civil = await g.open(cookies.civil!);
      expect(await listed(civil, record.id)).toMatchObject({ moderator: false });
      await byTool('daily');
      await waitUntil('the conference to end', () => svc.list().every((c) => c.id !== record.id));
    } finally {
      await daily();
    }
  });
}, 60_000);
