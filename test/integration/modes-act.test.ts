import request from 'supertest';
import type { Incident, ModeState, SystemMode } from '../../contracts/incidents';
import type { ModeResponse, ReceiptsResponse } from '../../contracts/modes';
import type { FeedAck } from '../../contracts/incidents';
import { changeMode } from '../../gateway/modes/service';
import { caseClockEffect } from '../../gateway/modes/case-clocks';
import { standingConferenceEffect } from '../../gateway/modes/conference';
import { createCaseTestApp, caseEvent, reportCase, type CaseTestApp } from '../support/cases';
import { freshScene, placeUnits, postFeed, report } from '../support/feeds';
import { createAccount, login } from '../support/identity';
import { withSharedMode } from '../support/shared-mode';

/**
 * Modes that act: the two-leader switch to real 战时, the standing conference it opens, the case clocks it freezes and
 * resumes, and the receipt clocks of orders — with the real app over the test PostGIS.
 */

let t: CaseTestApp;
let leader2: { id: string; username: string; cookie: string };
const u = (k: string) => t.users[k]!.cookie;

beforeAll(async () => {
  t = await createCaseTestApp();
  const a = await createAccount(t.db, { role: 'leader', departmentId: 'command-center', prefix: 'leader2' });
  leader2 = { id: a.id, username: a.username, cookie: await login(t.app, a.username, a.password) };
}, 120_000);
afterAll(async () => {
  await t.state.command.ingest.flush();
  await t.close();
});

const post = (path: string, cookie: string, body: object = {}) => request(t.app).post(path).set('Cookie', cookie).send(body);
const get = (path: string, cookie: string) => request(t.app).get(path).set('Cookie', cookie);

/** Puts the mode back to 平时 directly (the service, as a confirmed switch would), with the app's effects. */
const effects = () => [caseClockEffect(t.state.cases), standingConferenceEffect(t.state.command.profiles)];
const setMode = (mode: SystemMode, drill = false) =>
  changeMode(t.db, t.deps.readiness.changes, { mode, drill, reason: '测试切换' }, 'test', undefined, effects());

describe('switching to real 战时 takes a second leader', () => {
  it('proposes (202), refuses the proposer and other roles, switches on another leader, and audits it', async () => {
    await withSharedMode(async () => {
      try {
        await setMode('daily');
        const proposed = await post('/api/mode', u('leader'), { mode: 'wartime', reason: '上级命令转入战时' });
        expect(proposed.status).toBe(202);
        const { proposal } = proposed.body as { proposal: NonNullable<ModeState['pending']> };
        expect(proposal).toMatchObject({ mode: 'wartime', drill: false, proposedBy: t.users.leader!.username });
        expect(Date.parse(proposal.expiresAt) - Date.parse(proposal.proposedAt)).toBe(10 * 60_000);
        const read = (await get('/api/mode', u('wall'))).body as ModeResponse;
        expect(read.state.mode).toBe('daily');
        expect(read.state.pending?.id).toBe(proposal.id);
        // The pending proposal went out on the change log to every wall.
        const [logged] = await t.db.query<{ payload: { mode: ModeState } }>(
          `SELECT payload FROM change_log WHERE topic = 'mode' ORDER BY seq DESC LIMIT 1`,
        );
        expect(logged!.payload.mode.pending?.id).toBe(proposal.id);
        // A second proposal while one is open: 409.
        expect((await post('/api/mode', leader2.cookie, { mode: 'wartime', reason: '再次提出' })).status).toBe(409);

        const own = await post(`/api/mode/proposals/${proposal.id}/confirm`, u('leader'));
        expect(own.status).toBe(403);
        expect(own.body.error.message).toMatch(/另一位领导/);
        expect((await post(`/api/mode/proposals/${proposal.id}/confirm`, u('commander'))).status).toBe(403);
        expect((await get('/api/mode', u('wall'))).body.state.mode).toBe('daily');

        const ok = await post(`/api/mode/proposals/${proposal.id}/confirm`, leader2.cookie);
        expect(ok.status).toBe(200);
        expect(ok.body as ModeState).toMatchObject({ mode: 'wartime', drill: false, changedBy: leader2.username, pending: null });
        expect((ok.body as ModeState).reason).toMatch(/上级命令转入战时.*确认/);
        expect((await post(`/api/mode/proposals/${proposal.id}/confirm`, leader2.cookie)).status).toBe(409);

        // The outcome row of a command is appended when its response has ended.
        const readAudit = () =>
          t.db.query<{ action: string; username: string; detail: string }>(
            `SELECT action, username, detail FROM audit_event
              WHERE action IN ('mode.change', 'mode.confirm') AND detail LIKE '%completed%' AND username = ANY($1)
              ORDER BY seq`,
            [[t.users.leader!.username, leader2.username]],
          );
        let audit = await readAudit();
        for (let i = 0; i < 40 && !audit.some((a) => a.action === 'mode.confirm'); i++) {
          await new Promise((r) => setTimeout(r, 50));
          audit = await readAudit();
        }
        expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['mode.change', 'mode.confirm']));
        const confirmRow = audit.find((a) => a.action === 'mode.confirm' && a.username === leader2.username)!;
        expect(JSON.parse(confirmRow.detail).changes).toMatchObject({ mode: { from: 'daily', to: 'wartime' } });
      } finally {
        await setMode('daily');
      }
    });
  });

  it('lets a drill 战时 through at once, and refuses a lapsed or withdrawn proposal', async () => {
    await withSharedMode(async () => {
      try {
        await setMode('daily');
        const drill = await post('/api/mode', u('leader'), { mode: 'wartime', drill: true, reason: '年度防空演练' });
        expect(drill.status).toBe(200);
        expect(drill.body as ModeState).toMatchObject({ mode: 'wartime', drill: true });
        await setMode('daily');

        const p1 = (await post('/api/mode', u('leader'), { mode: 'wartime', reason: '提出后超时' })).body.proposal as {
          id: string;
        };
        await t.db.query(
          `UPDATE mode_proposal SET proposed_at = now() - interval '20 minutes', expires_at = now() - interval '10 minutes' WHERE id = $1`,
          [p1.id],
        );
        const lapsed = await post(`/api/mode/proposals/${p1.id}/confirm`, leader2.cookie);
        expect(lapsed.status).toBe(409);
        expect(lapsed.body.error.message).toMatch(/超过确认时限/);
        expect((await get('/api/mode', u('wall'))).body.state).toMatchObject({ mode: 'daily', pending: null });
        const [row] = await t.db.query<{ state: string }>('SELECT state FROM mode_proposal WHERE id = $1', [p1.id]);
        expect(row!.state).toBe('expired');

        const p2 = (await post('/api/mode', u('leader'), { mode: 'wartime', reason: '提出后撤回' })).body.proposal as {
          id: string;
        };
        expect((await post(`/api/mode/proposals/${p2.id}/cancel`, leader2.cookie)).status).toBe(200);
        expect((await post(`/api/mode/proposals/${p2.id}/confirm`, leader2.cookie)).status).toBe(409);
        expect((await post('/api/mode/proposals/not-a-uuid/confirm', leader2.cookie)).status).toBe(404);
        expect((await get('/api/mode', u('wall'))).body.state.mode).toBe('daily');
      } finally {
        await setMode('daily');
      }
    });
  });
});

describe('the standing conference of 战时', () => {
  it('opens on entering with the headquarters members invited and notified, and closes on leaving', async () => {
    await withSharedMode(async () => {
      try {
        await setMode('daily');
        const civil = await createAccount(t.db, { role: 'handler', departmentId: 'civil-defence', prefix: 'rfb' });
        await setMode('wartime', true);
        const open = (await get('/api/mode', u('wall'))).body as ModeResponse;
        expect(open.conference).not.toBeNull();
        expect(open.conference!.title).toMatch(/^【演练】市人民防空指挥部常设会商/);
        expect(open.conference!.inviteUsers).toEqual(expect.arrayContaining([civil.username, t.users.commander!.username]));
        expect(open.conference!.inviteUsers).not.toContain(t.users.handler!.username);
        expect(open.conference!.inviteRoles).toEqual(['leader', 'commander']);
        const [note] = await t.db.query<{ recipients: string }>(
          `SELECT count(r.*) AS recipients FROM notification n JOIN notification_recipient r ON r.notification_id = n.id
            WHERE n.source_kind = 'standing_conference' AND n.source_id = $1`,
          [open.conference!.id],
        );
        expect(Number(note!.recipients)).toBeGreaterThanOrEqual(2);
        await setMode('daily');
        expect(((await get('/api/mode', u('wall'))).body as ModeResponse).conference).toBeNull();
        const [closed] = await t.db.query<{ closed_at: Date | null }>('SELECT closed_at FROM standing_conference WHERE id = $1', [
          open.conference!.id,
        ]);
        expect(closed!.closed_at).not.toBeNull();
      } finally {
        await setMode('daily');
      }
    });
  });
});

async function dispatchedCase(over: Record<string, unknown> = {}) {
  const r = await reportCase(t, u('inspector'), over);
  expect(r.status).toBe(201);
  const id = r.body.case.id;
  expect((await caseEvent(t, u('dispatcher'), id, 'accept')).status).toBe(200);
  expect((await caseEvent(t, u('dispatcher'), id, 'file')).status).toBe(200);
  const d = await caseEvent(t, u('dispatcher'), id, 'dispatch', { departmentId: 'urban-mgmt' });
  expect(d.status).toBe(200);
  return d.case;
}

describe('non-urgent cases in 战时', () => {
  it('stop their clocks and resume them with the frozen working time added, and suspend extension requests', async () => {
    // 暴露垃圾: 4 working hours. Its clock is set back a week, and 战时 began when it started: frozen all along.
    const plain = await dispatchedCase();
    const urgent = await dispatchedCase({ urgent: true, categoryCode: 'SJ0501', description: '路面塌陷坑洞' });
    await t.db.query(
      `UPDATE city_case SET sla_started_at = sla_started_at - interval '7 days', sla_deadline = sla_deadline - interval '7 days',
              sla_warn_at = sla_warn_at - interval '7 days' WHERE id = $1`,
      [plain.id],
    );
    await withSharedMode(async () => {
      try {
        await setMode('wartime');
        await t.db.query(
          `UPDATE system_mode SET changed_at = (SELECT sla_started_at FROM city_case WHERE id = $1) WHERE id = 1`,
          [plain.id],
        );
        const frozen = (await get(`/api/cases/${plain.id}`, u('dispatcher'))).body;
        expect(frozen.sla.status).toBe('suspended');
        expect(frozen.sla.remainingWorkingMinutes).toBeCloseTo(240, 0);
        const ext = await caseEvent(t, u('handler'), plain.id, 'request_extension', {
          amount: 1,
          unit: 'working_days',
          reason: '战时申请延期',
        });
        expect(ext.status).toBe(403);
        expect(ext.error!.message).toMatch(/战时指挥.*暂停/);
        await setMode('daily');
      } finally {
        await setMode('daily');
      }
    });
    // Without the resume the deadline would lie a week back (overdue); with it the whole limit is left.
    const back = (await get(`/api/cases/${plain.id}`, u('dispatcher'))).body;
    expect(back.sla.note).toBeNull();
    expect(back.sla.status).toBe('normal');
    expect(back.sla.remainingWorkingMinutes).toBeGreaterThan(239);
    expect(back.sla.remainingWorkingMinutes).toBeLessThanOrEqual(240);
    expect(Date.parse(back.sla.deadline)).toBeGreaterThan(Date.now());
    expect((await get(`/api/cases/${urgent.id}`, u('dispatcher'))).body.sla.deadline).toBe(urgent.sla.deadline);
    // Outside 战时 the handler may ask for an extension again.
    expect((await caseEvent(t, u('handler'), plain.id, 'take')).status).toBe(200);
    const again = await caseEvent(t, u('handler'), plain.id, 'request_extension', {
      amount: 1,
      unit: 'working_days',
      reason: '需要延期',
    });
    expect(again.status).toBe(200);
  });
});

describe('receipt clocks of orders (命令与回执计时)', () => {
  it('clocks a unit sent to an incident until it moves, and a case sent to a department until it is taken', async () => {
    const s = freshScene();
    const r = report('110', 'traffic_crash', s, s.at);
    const res = await postFeed(t.app, '110', r.payload);
    expect(res.status).toBe(201);
    const incidentId = (res.body as FeedAck).incidentId;
    const [unitId] = await placeUnits(t.db, [{ type: 'police_car', agency: '110', lon: s.lon + 0.002, lat: s.lat }]);
    const d = await post(`/api/incidents/${incidentId}/dispatch`, u('commander'), { unitIds: [unitId] });
    expect(d.status).toBe(200);
    expect((d.body as Incident).status).toBe('dispatched');
    const c = await dispatchedCase();

    const before = (await get('/api/mode/receipts', u('wall'))).body as ReceiptsResponse;
    const unitOrder = before.open.find((o) => o.kind === 'unit' && o.about.startsWith(`警情 #${incidentId} `));
    expect(unitOrder).toMatchObject({ receivedAt: null, drill: false });
    const caseOrder = before.open.find((o) => o.kind === 'department' && o.id === String(c.id));
    expect(caseOrder).toMatchObject({ to: '市城市管理综合执法局（12319）', receivedAt: null });
    expect(before.open.every((o) => o.receivedAt === null)).toBe(true);

    // An overdue order comes first: age this unit's order past the mode's limit.
    await t.db.query(`UPDATE unit_order SET issued_at = now() - interval '2 hours' WHERE id = $1`, [unitOrder!.id]);
    const aged = (await get('/api/mode/receipts', u('wall'))).body as ReceiptsResponse;
    const top = aged.open.findIndex((o) => o.id === unitOrder!.id && o.kind === 'unit');
    expect(aged.open[top]!.elapsedS).toBeGreaterThanOrEqual(7200);
    expect(aged.open.slice(0, top).every((o) => o.elapsedS >= aged.open[top]!.elapsedS || o.overdue)).toBe(true);

    expect((await post(`/api/units/${unitId}/status`, u('commander'), { status: 'en_route' })).status).toBe(200);
    expect((await caseEvent(t, u('handler'), c.id, 'take')).status).toBe(200);
    const after = (await get('/api/mode/receipts', u('wall'))).body as ReceiptsResponse;
    expect(after.open.find((o) => o.id === unitOrder!.id && o.kind === 'unit')).toBeUndefined();
    const got = after.received.find((o) => o.id === unitOrder!.id && o.kind === 'unit')!;
    expect(got.receivedAt).not.toBeNull();
    expect(got.elapsedS).toBeGreaterThanOrEqual(7200);
    expect(after.received.find((o) => o.kind === 'department' && o.id === String(c.id))?.receivedAt).not.toBeNull();
    expect((await get('/api/mode/receipts', u('inspector'))).status).toBe(403);
  });

  it('marks orders overdue by the limits of the mode on', async () => {
    await withSharedMode(async () => {
      try {
        await setMode('wartime', true);
        const c = await dispatchedCase();
        await t.db.query(`UPDATE city_case SET dispatched_at = now() - interval '6 minutes' WHERE id = $1`, [c.id]);
        const war = (await get('/api/mode/receipts', u('wall'))).body as ReceiptsResponse;
        expect(war.mode).toBe('wartime');
        expect(war.open.find((o) => o.kind === 'department' && o.id === String(c.id))).toMatchObject({
          limitS: 300,
          overdue: true,
        });
        await setMode('emergency', true);
        const emergency = (await get('/api/mode/receipts', u('wall'))).body as ReceiptsResponse;
        expect(emergency.open.find((o) => o.kind === 'department' && o.id === String(c.id))).toMatchObject({
          limitS: 900,
          overdue: false,
        });
        await setMode('daily');
        const daily = (await get('/api/mode/receipts', u('wall'))).body as ReceiptsResponse;
        expect(daily.open.find((o) => o.kind === 'department' && o.id === String(c.id))).toMatchObject({
          limitS: null,
          overdue: false,
        });
      } finally {
        await setMode('daily');
      }
    });
  });
});
