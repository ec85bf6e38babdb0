import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import type { FeedAck, Incident } from '../../contracts/incidents';
import type { EmergencyResponse } from '../../contracts/responses';
import type { ReportsOverview, UpwardReport } from '../../contracts/reports';
import { createApp } from '../../gateway/app';
import { createIdentity } from '../../gateway/auth/identity';
import { loadConfig } from '../../gateway/config';
import { ReportDelivery } from '../../gateway/reports/delivery';
import { receiverOf } from '../../gateway/reports/receiver';
import { placeUnits, postFeed, report } from '../support/feeds';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

/**
 * 信息报送 end to end over HTTP with real sessions: a 首报 drafted from a live response (its incident, units and
 * department tasks), edited by the duty clerk, approved only by a leader, queued to a local upper-level receiver
 * that checks the HMAC signature, retried while that receiver is down, then archived and immutable; 续报 and 终报;
 * the timeliness clock; and a platform without a receiver that says reports cannot be sent.
 */
const SECRET = 'upper-level-shared-secret-for-tests-0123456789';

/** The upper level's receiver: checks each delivery's signature itself (HMAC-SHA256 over "<timestamp>.<body>"). */
class Receiver {
  server: Server | null = null;
  port = 0;
  readonly received: { id: string; timestamp: number; body: string; signatureOk: boolean }[] = [];

  async start(port = 0): Promise<void> {
    const server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const ts = String(req.headers['x-report-timestamp'] ?? '');
        const given = Buffer.from(String(req.headers['x-report-signature'] ?? ''));
        const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`);
        const signatureOk = given.length === expected.length && timingSafeEqual(given, expected);
        this.received.push({ id: String(req.headers['x-report-id']), timestamp: Number(ts), body, signatureOk });
        res.writeHead(signatureOk ? 200 : 401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(signatureOk ? { received: true, receipt: `SJ-${this.received.length}` } : { error: 'bad signature' }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

let t: IdentityTestApp;
/** The same platform configured with the upper level's receiver. */
let app: Express;
let delivery: ReportDelivery;
const receiver = new Receiver();
let clerk: string;
let clerkName: string;
let commander: string;
let leader: string;
let leaderName: string;
let handler: string;

beforeAll(async () => {
  t = await createIdentityTestApp();
  await receiver.start();
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    REPORT_RECEIVER_URL: `http://127.0.0.1:${receiver.port}/upward`,
    REPORT_RECEIVER_SECRET: SECRET,
  });
  const log = pino({ level: 'silent' });
  const deps = {
    config,
    log,
    readiness: t.deps.readiness,
    identity: createIdentity({ config, log, readiness: t.deps.readiness }),
  };
  app = createApp(deps);
  delivery = new ReportDelivery(t.db, receiverOf(config).receiver!, log, { retryBaseMs: 2000, timeoutMs: 3000 });
  const d = await createAccount(t.db, { role: 'dispatcher', departmentId: 'command-center' });
  clerk = await login(app, d.username, d.password);
  clerkName = d.username;
  const c = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
  commander = await login(app, c.username, c.password);
  const l = await createAccount(t.db, { role: 'leader', departmentId: 'command-center' });
  leader = await login(app, l.username, l.password);
  leaderName = l.username;
  const h = await createAccount(t.db, { role: 'handler', departmentId: 'urban-mgmt' });
  handler = await login(app, h.username, h.password);
}, 120_000);
afterAll(async () => {
  await delivery.close();
  await receiver.stop();
  await t.state.command.ingest.flush();
  await t.close();
});

const post = (path: string, cookie: string, body: unknown = {}) =>
  request(app)
    .post(path)
    .set('Cookie', cookie)
    .send(body as object);
const get = (path: string, cookie: string) => request(app).get(path).set('Cookie', cookie);

/** A crash with casualties in central Harbin, acknowledged, a police car dispatched, and a Ⅲ级 response for it. */
async function liveResponse(): Promise<{ incident: Incident; response: EmergencyResponse }> {
  const where = { lon: 126.62 + Math.random() * 0.03, lat: 45.75 + Math.random() * 0.02 };
  const r = report('110', 'traffic_crash', where, new Date(Date.now() - 5 * 60_000), { casualties: 4 });
  const fed = await postFeed(app, '110', r.payload);
  expect(fed.status).toBe(201);
  const incidentId = (fed.body as FeedAck).incidentId;
  expect((await post(`/api/incidents/${incidentId}/transition`, commander, { action: 'acknowledge' })).status).toBe(200);
  const [unit] = await placeUnits(t.db, [{ type: 'police_car', agency: '110', lon: where.lon + 0.002, lat: where.lat }]);
  const sent = await post(`/api/incidents/${incidentId}/dispatch`, commander, { unitIds: [unit] });
  expect(sent.status).toBe(200);
  const declared = await post('/api/responses', commander, {
    incidentIds: [incidentId],
    planId: 'road-traffic',
    level: 'III',
    reason: '多车相撞，4人受伤',
  });
  expect(declared.status).toBe(201);
  return { incident: sent.body as Incident, response: declared.body as EmergencyResponse };
}

const readReport = async (id: string): Promise<UpwardReport> => {
  const res = await get(`/api/reports/${id}`, clerk);
  expect(res.status).toBe(200);
  return res.body as UpwardReport;
};

describe('a 首报 from live data to the upper level', () => {
  let incident: Incident;
  let response: EmergencyResponse;
  let draft: UpwardReport;

  beforeAll(async () => {
    ({ incident, response } = await liveResponse());
  });

  it('drafts the 首报 with the response, its incident, units and tasks as they are now', async () => {
    const res = await post('/api/reports', clerk, { responseId: response.id, kind: 'initial' });
    expect(res.status).toBe(201);
    draft = res.body as UpwardReport;
    expect(draft).toMatchObject({
      kind: 'initial',
      number: 1,
      state: 'draft',
      version: 1,
      draftedBy: clerkName,
      responseId: response.id,
    });
    expect(draft.title).toBe(`【首报】关于${incident.title}的报告`);
    expect(draft.body).toContain(`启动《${response.planTitle}》Ⅲ级（较大）应急响应`);
    expect(draft.body).toContain('启动原因：多车相撞，4人受伤');
    expect(draft.body).toContain(incident.title);
    expect(draft.body).toContain(`${incident.place.district!.name} ${incident.place.street!.name}`);
    expect(draft.body).toContain('报告伤亡 4 人');
    expect(draft.body).toContain('已下达派遣指令 1 次，现有 1 辆力量执行任务（警车 1 辆）');
    expect(draft.body).toContain(`部门任务 ${response.tasks.length} 项`);
    const [dept] = await t.db.query<{ name: string }>('SELECT name FROM department WHERE id = $1', [
      response.tasks[0]!.departmentId,
    ]);
    expect(draft.body).toContain(`- ${dept!.name}`);
    expect(draft.body).toContain(response.tasks[0]!.title);
  });

  it('refuses a second 首报 and a 终报 while the response runs', async () => {
    const again = await post('/api/reports', clerk, { responseId: response.id, kind: 'initial' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe('该应急响应已有首报，请编辑已有的首报');
    const final = await post('/api/reports', clerk, { responseId: response.id, kind: 'final' });
    expect(final.status).toBe(409);
    expect(final.body.error.message).toBe('应急响应尚未终止，不能起草终报');
  });

  it('lets the clerk edit, and only a leader approve the version they read', async () => {
    const edited = await request(app)
      .patch(`/api/reports/${draft.id}`)
      .set('Cookie', clerk)
      .send({ title: draft.title, body: `${draft.body.replace('（请值班员填写）', '继续疏导交通，伤员已送医。')}`, version: 1 });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, editedBy: clerkName });
    expect((edited.body as UpwardReport).body).toContain('伤员已送医');

    for (const cookie of [clerk, commander, handler]) {
      const denied = await post(`/api/reports/${draft.id}/approve`, cookie, { version: 2 });
      expect(denied.status).toBe(403);
    }
    const stale = await post(`/api/reports/${draft.id}/approve`, leader, { version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/已被他人修改（当前版本 2，您编辑的是版本 1）/);
    const approved = await post(`/api/reports/${draft.id}/approve`, leader, { version: 2 });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ state: 'approved', approvedBy: leaderName });

    const late = await request(app)
      .patch(`/api/reports/${draft.id}`)
      .set('Cookie', clerk)
      .send({ title: 'x', body: 'y', version: 3 });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toBe('报告已审核，不能修改');
    // The three refusals and the approval are audited.
    const audits = await t.db.query<{ action: string; outcome: string }>(
      `SELECT action, outcome FROM audit_event WHERE object = $1 AND (action = 'access.denied' OR detail LIKE '%"stage":"completed"%') ORDER BY seq`,
      [`POST /api/reports/${draft.id}/approve`],
    );
    expect(audits.map((a) => `${a.action}:${a.outcome}`)).toEqual([
      'access.denied:denied',
      'access.denied:denied',
      'access.denied:denied',
      'report.approve:failed',
      'report.approve:ok',
    ]);
  });

  it('keeps retrying while the receiver is down, and delivers once, signed, when it is back', async () => {
    const port = receiver.port;
    await receiver.stop();
    const queued = await post(`/api/reports/${draft.id}/send`, clerk);
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ state: 'sending' });

    expect(await delivery.runOnce()).toBe(0);
    let r = await readReport(draft.id);
    expect(r.state).toBe('sending');
    expect(r.delivery).toMatchObject({ attempts: 1 });
    expect(r.delivery!.lastError).toMatch(/^无法连接上级接收端/);
    // Not due again before the back-off has passed.
    expect(await delivery.runOnce()).toBe(0);
    expect((await readReport(draft.id)).delivery!.attempts).toBe(1);

    await receiver.start(port);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await delivery.runOnce()).toBe(1);
    r = await readReport(draft.id);
    expect(r.state).toBe('sent');
    expect(r.sentAt).not.toBeNull();
    expect(r.delivery).toMatchObject({ attempts: 2, nextAttemptAt: null });

    const got = receiver.received.filter((x) => x.id === draft.id);
    expect(got).toHaveLength(1);
    expect(got[0]!.signatureOk).toBe(true);
    expect(Math.abs(got[0]!.timestamp - Date.now() / 1000)).toBeLessThan(60);
    const body = JSON.parse(got[0]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      schema: 'harbin-upward-report/1',
      id: draft.id,
      kind: 'initial',
      kindLabel: '首报',
      title: r.title,
      body: r.body,
      approvedBy: leaderName,
      sender: '哈尔滨市城市运行应急指挥中心',
      response: { id: response.id, planId: 'road-traffic', level: 'III' },
    });
    // Nothing more goes out on later passes.
    expect(await delivery.runOnce()).toBe(0);
    expect(receiver.received.filter((x) => x.id === draft.id)).toHaveLength(1);
  });

  it('archives the sent report: no edit, approval or resend over HTTP, no change or removal in the database', async () => {
    const edit = await request(app)
      .patch(`/api/reports/${draft.id}`)
      .set('Cookie', clerk)
      .send({ title: 'x', body: 'y', version: 4 });
    expect(edit.status).toBe(409);
    expect(edit.body.error.message).toBe('报告已报送归档，不能修改（已报送的报告存档后不可更改）');
    expect((await post(`/api/reports/${draft.id}/send`, clerk)).status).toBe(409);
    await expect(t.db.query(`UPDATE upward_report SET body = 'changed' WHERE id = $1`, [draft.id])).rejects.toThrow(/archived/);
    await expect(t.db.query(`DELETE FROM upward_report WHERE id = $1`, [draft.id])).rejects.toThrow(/cannot be deleted/);
    await expect(t.db.query(`UPDATE upward_report_delivery SET attempts = 0 WHERE report_id = $1`, [draft.id])).rejects.toThrow(
      /archived/,
    );
    expect((await readReport(draft.id)).body).toContain('伤员已送医');
  });

  it('shows the clock: 首报 met, the next 续报 due an hour after it', async () => {
    const res = await get('/api/reports', clerk);
    expect(res.status).toBe(200);
    const overview = res.body as ReportsOverview;
    expect(overview.receiver.configured).toBe(true);
    const mine = overview.responses.find((x) => x.response.id === response.id)!;
    expect(mine.reports.map((x) => [x.kind, x.state])).toEqual([['initial', 'sent']]);
    const sentAt = Date.parse(mine.reports[0]!.sentAt!);
    expect(mine.clock).toEqual([
      {
        kind: 'initial',
        number: 1,
        dueAt: new Date(Date.parse(response.startedAt) + 60 * 60_000).toISOString(),
        sentAt: mine.reports[0]!.sentAt,
        status: 'met',
      },
      { kind: 'update', number: 1, dueAt: new Date(sentAt + 60 * 60_000).toISOString(), sentAt: null, status: 'pending' },
    ]);
  });

  it('numbers 续报 and drafts the 终报 once the response has ended', async () => {
    const u = await post('/api/reports', clerk, { responseId: response.id, kind: 'update' });
    expect(u.status).toBe(201);
    expect(u.body).toMatchObject({ kind: 'update', number: 1 });
    expect((u.body as UpwardReport).title).toBe(`【续报1】关于${incident.title}的续报`);
    expect((await post('/api/reports', clerk, { responseId: response.id, kind: 'update' })).body).toMatchObject({ number: 2 });
    const ended = await post(`/api/responses/${response.id}/end`, commander, { reason: '现场清理完毕，道路恢复通行' });
    expect(ended.status).toBe(200);
    const f = await post('/api/reports', clerk, { responseId: response.id, kind: 'final' });
    expect(f.status).toBe(201);
    const final = f.body as UpwardReport;
    expect(final.title).toBe(`【终报】关于${incident.title}的终报`);
    expect(final.body).toMatch(/应急响应于.+启动，.+终止。/);
    expect(final.body).toContain('现场清理完毕，道路恢复通行');
  });
});

describe('bad input and a platform without a receiver', () => {
  it('answers malformed requests with 4xx in Chinese', async () => {
    const bad = await post('/api/reports', clerk, { responseId: 'nope', kind: 'initial' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/responseId 应为应急响应编号/);
    const unknown = await post('/api/reports', clerk, { responseId: '00000000-0000-4000-8000-000000000000', kind: 'initial' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('未找到应急响应 00000000-0000-4000-8000-000000000000');
    const kind = await post('/api/reports', clerk, { responseId: '00000000-0000-4000-8000-000000000000', kind: 'weekly' });
    expect(kind.status).toBe(400);
    expect(kind.body.error.message).toMatch(/kind 应为 initial（首报）/);
    expect((await get('/api/reports/not-a-uuid', clerk)).status).toBe(400);
    expect((await get('/api/reports', handler)).status).toBe(403);
  });

  it('drafts and approves but refuses to send, saying why, when no receiver is configured', async () => {
    const { response } = await liveResponse();
    // t.app is the same platform built with the environment's configuration: no REPORT_RECEIVER_URL.
    const c = await createAccount(t.db, { role: 'dispatcher', departmentId: 'command-center' });
    const l = await createAccount(t.db, { role: 'leader', departmentId: 'command-center' });
    const plainClerk = await login(t.app, c.username, c.password);
    const plainLeader = await login(t.app, l.username, l.password);
    const overview = await request(t.app).get('/api/reports').set('Cookie', plainClerk);
    expect(overview.body.receiver).toEqual({
      configured: false,
      message: '未配置上级接收端（REPORT_RECEIVER_URL），报告可起草、审核，但无法报送',
    });
    const d = await request(t.app)
      .post('/api/reports')
      .set('Cookie', plainClerk)
      .send({ responseId: response.id, kind: 'initial' });
    expect(d.status).toBe(201);
    const a = await request(t.app).post(`/api/reports/${d.body.id}/approve`).set('Cookie', plainLeader).send({ version: 1 });
    expect(a.status).toBe(200);
    const s = await request(t.app).post(`/api/reports/${d.body.id}/send`).set('Cookie', plainClerk).send({});
    expect(s.status).toBe(409);
    expect(s.body.error.message).toBe('未配置上级接收端（REPORT_RECEIVER_URL），报告可起草、审核，但无法报送');
    expect((await request(t.app).get(`/api/reports/${d.body.id}`).set('Cookie', plainClerk)).body.state).toBe('approved');
  });
});
