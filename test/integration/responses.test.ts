import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import request from 'supertest';
import type { FeedAck } from '../../contracts/incidents';
import type { Plan } from '../../contracts/plans';
import type {
  EmergencyResponse,
  ResponseListResponse,
  ResponseTask,
  SuggestionListResponse,
  TaskListResponse,
} from '../../contracts/responses';
import { attachRealtime, type Realtime } from '../../gateway/realtime/server';
import { sweepOverdue } from '../../gateway/responses/escalation';
import { freshScene, offset, postFeed, report } from '../support/feeds';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';
import { WallClient } from '../support/realtime';
import { withSharedMode } from '../support/shared-mode';

/**
 * Emergency responses end to end in one gateway: plans over HTTP, declaring with the plan's level rights (403s),
 * raising, lowering and ending, task boards per department, the overdue clock on a fake clock escalating to the duty
 * leader, suggestions from matching incidents, drills, and every step on a wall socket through the change log.
 */
let t: IdentityTestApp;
let server: Server;
let realtime: Realtime;
let url: string;
const cookies: Record<string, string> = {};
const clients: WallClient[] = [];
let dutyLeaderId: string;

beforeAll(async () => {
  t = await createIdentityTestApp();
  server = createServer(t.app);
  realtime = attachRealtime(server, t.deps);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = {
    commander: { role: 'commander' as const },
    leader: { role: 'leader' as const },
    dispatcher: { role: 'dispatcher' as const },
    wall: { role: 'wall' as const },
    urban: { role: 'handler' as const, departmentId: 'urban-mgmt' },
    flood: { role: 'handler' as const, departmentId: 'flood-control' },
    fire: { role: 'handler' as const, departmentId: 'fire-119' },
    planner: { role: 'planner' as const },
  };
  for (const [name, opts] of Object.entries(accounts)) {
    const a = await createAccount(t.db, opts);
    cookies[name] = await login(t.app, a.username, a.password);
  }
  const duty = await createAccount(t.db, { role: 'leader', departmentId: 'fire-119' });
  dutyLeaderId = duty.id;
  await t.db.query(
    `INSERT INTO duty_shift (department_id, user_id, duty_role, starts_at, ends_at, created_by, created_at, updated_at)
     VALUES ('fire-119', $1, 'leader', now() - interval '1 hour', now() + interval '48 hours', 'test', now(), now())`,
    [duty.id],
  );
});
afterAll(async () => {
  for (const c of clients) c.close();
  await t.state.command.ingest.flush();
  await realtime.close();
  server.closeAllConnections();
  server.close();
  await t.close();
});

const as = (who: string) => ({
  get: (path: string) => request(t.app).get(path).set('Cookie', cookies[who]!),
  post: (path: string, body: object) => request(t.app).post(path).set('Cookie', cookies[who]!).send(body),
});

/** An incident of its own: one agency record at a fresh place and time. */
async function newIncident(category: 'waterlogging' | 'fire' | 'air_raid' | 'traffic_crash', priority = 6): Promise<number> {
  const s = freshScene();
  const source =
    category === 'waterlogging' ? 'flood' : category === 'fire' ? '119' : category === 'air_raid' ? 'airdefense' : 'traffic';
  const ack = (await postFeed(t.app, source, report(source, category, s, s.at, { priority }).payload)).body as FeedAck;
  expect(ack.incidentId).toBeGreaterThan(0);
  return ack.incidentId;
}

const declare = (who: string, body: object) => as(who).post('/api/responses', body);
const responseCount = async () => Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM emergency_response'))[0]!.n);

describe('plans', () => {
  it('GET /api/plans needs a login and answers every plan with id, title, levels, triggers and tasks', async () => {
    expect((await request(t.app).get('/api/plans')).status).toBe(401);
    const res = await as('urban').get('/api/plans');
    expect(res.status).toBe(200);
    const plans = res.body as Plan[];
    expect(plans).toHaveLength(9);
    for (const p of plans) {
      expect(Object.keys(p.levels)).toEqual(['I', 'II', 'III', 'IV']);
      expect(p.triggers.length).toBeGreaterThan(0);
      expect(p.tasks.length).toBeGreaterThan(0);
    }
    expect(plans.map((p) => p.title)).toContain('哈尔滨市城市内涝应急预案');
  });
});

describe('activation rights per role and level', () => {
  it.each([
    ['dispatcher', 'urban-waterlogging', 'III', /指挥员|领导|无权限/],
    ['urban', 'urban-waterlogging', 'IV', /无权限/],
    ['wall', 'urban-waterlogging', 'IV', /无权限|设备/],
    ['planner', 'urban-waterlogging', 'IV', /无权限/],
    ['commander', 'urban-waterlogging', 'II', /不能启动《哈尔滨市城市内涝应急预案》Ⅱ级（重大）响应/],
    ['commander', 'urban-waterlogging', 'I', /Ⅰ级（特别重大）/],
    ['commander', 'air-raid', 'III', /不能启动《哈尔滨市人民防空袭预案》Ⅲ级/],
  ])('%s may not declare %s at level %s (403, nothing written)', async (who, planId, level, message) => {
    const before = await responseCount();
    const res = await declare(who, { incidentIds: [], planId, level, reason: '测试越权' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(message);
    expect(await responseCount()).toBe(before);
  });

  it('bad input is a 4xx with a Chinese message, never a half-written record', async () => {
    const before = await responseCount();
    const bad = await declare('leader', { incidentIds: [], planId: 'urban-waterlogging', level: 'V', reason: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('响应级别须为');
    const unknown = await declare('leader', { incidentIds: [], planId: 'no-such-plan', level: 'IV', reason: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('没有此预案');
    const missing = await declare('leader', { incidentIds: [999999999], planId: 'fire', level: 'IV', reason: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('没有这些警情');
    expect(await responseCount()).toBe(before);
  });
});

describe('a response through its levels', () => {
  let response: EmergencyResponse;
  let incidents: number[];

  it('a commander declares Ⅲ级 for two incidents: 201 with the level’s tasks, deadlines from activation', async () => {
    incidents = [await newIncident('waterlogging', 7), await newIncident('waterlogging', 6)];
    const res = await declare('commander', {
      incidentIds: incidents,
      planId: 'urban-waterlogging',
      level: 'III',
      reason: '多处积水断行',
    });
    expect(res.status).toBe(201);
    response = res.body as EmergencyResponse;
    expect(response).toMatchObject({
      planId: 'urban-waterlogging',
      level: 'III',
      status: 'active',
      incidentIds: [...incidents].sort((a, b) => a - b),
    });
    expect(response.tasks.map((x) => x.taskKey).sort()).toEqual([
      'drain',
      'flood-coord',
      'road-close',
      'trapped-rescue',
      'ww-coord',
    ]);
    const drain = response.tasks.find((x) => x.taskKey === 'drain')!;
    expect(drain).toMatchObject({ departmentId: 'urban-mgmt', role: 'lead', state: 'issued', overdue: 'none' });
    expect(Date.parse(drain.dueAt) - Date.parse(response.startedAt)).toBe(30 * 60_000);
    expect(Date.parse(drain.redAt) - Date.parse(drain.dueAt)).toBe(15 * 60_000);
    expect(drain.checklist.map((c) => c.done)).toEqual([false, false, false, false]);
    expect(Date.parse(response.reporting.firstDueAt) - Date.parse(response.startedAt)).toBe(30 * 60_000);
    // Declared again for one of the same incidents: refused.
    const again = await declare('leader', {
      incidentIds: [incidents[1]],
      planId: 'urban-waterlogging',
      level: 'II',
      reason: '重复',
    });
    expect(again.status).toBe(409);
    const [audit] = await t.db.query<{ detail: string }>(
      `SELECT detail FROM audit_event WHERE action = 'response.declare' AND detail LIKE $1 ORDER BY seq DESC LIMIT 1`,
      [`%${response.id}%`],
    );
    expect(audit).toBeDefined();
    const notified = await t.db.query('SELECT 1 FROM notification WHERE source_kind = $1 AND source_id = $2', [
      'response',
      response.id,
    ]);
    expect(notified.length).toBe(1);
  });

  it('raising to Ⅱ级 needs a leader; the Ⅱ-only tasks are issued', async () => {
    const denied = await as('commander').post(`/api/responses/${response.id}/level`, { level: 'II', reason: '积水扩大' });
    expect(denied.status).toBe(403);
    const res = await as('leader').post(`/api/responses/${response.id}/level`, { level: 'II', reason: '积水扩大' });
    expect(res.status).toBe(200);
    const r = res.body as EmergencyResponse;
    expect(r.level).toBe('II');
    expect(r.tasks.map((x) => x.taskKey)).toEqual(expect.arrayContaining(['water-medical', 'ww-info']));
    expect(r.steps.map((s) => [s.action, s.levelFrom, s.levelTo])).toEqual([
      ['declare', null, 'III'],
      ['escalate', 'III', 'II'],
    ]);
  });

  it('lowering from Ⅱ级 also needs a leader; tasks the new level does not have are withdrawn', async () => {
    expect((await as('commander').post(`/api/responses/${response.id}/level`, { level: 'IV', reason: '水退' })).status).toBe(403);
    const res = await as('leader').post(`/api/responses/${response.id}/level`, { level: 'IV', reason: '水退' });
    expect(res.status).toBe(200);
    const r = res.body as EmergencyResponse;
    const state = (key: string) => r.tasks.find((x) => x.taskKey === key)!.state;
    expect([state('drain'), state('road-close'), state('trapped-rescue'), state('water-medical')]).toEqual([
      'issued',
      'issued',
      'cancelled',
      'cancelled',
    ]);
    expect((await as('leader').post(`/api/responses/${response.id}/level`, { level: 'IV', reason: '同级' })).status).toBe(409);
  });

  it('a commander ends it at Ⅳ级; it leaves the active list and its open tasks are withdrawn', async () => {
    const res = await as('commander').post(`/api/responses/${response.id}/end`, { reason: '积水全部消退' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ended', endedBy: expect.any(String), endNote: '积水全部消退' });
    expect((res.body as EmergencyResponse).tasks.every((x) => x.state === 'cancelled' || x.state === 'done')).toBe(true);
    const active = (await as('wall').get('/api/responses?status=active')).body as ResponseListResponse;
    expect(active.responses.some((x) => x.id === response.id)).toBe(false);
    const ended = (await as('wall').get('/api/responses?status=ended')).body as ResponseListResponse;
    expect(ended.responses.some((x) => x.id === response.id)).toBe(true);
    expect((await as('commander').post(`/api/responses/${response.id}/end`, { reason: '再次' })).status).toBe(409);
  });
});

describe('task boards', () => {
  let response: EmergencyResponse;
  let task: ResponseTask;

  beforeAll(async () => {
    const incident = await newIncident('fire', 8);
    const res = await declare('commander', { incidentIds: [incident], planId: 'fire', level: 'III', reason: '高层火灾' });
    expect(res.status).toBe(201);
    response = res.body as EmergencyResponse;
    task = response.tasks.find((x) => x.taskKey === 'fire-attack')!;
  });

  it('a handler sees their own department’s tasks; the wall sees all', async () => {
    const mine = (await as('fire').get('/api/responses/tasks')).body as TaskListResponse;
    expect(mine.tasks.length).toBeGreaterThan(0);
    expect(mine.tasks.every((x) => x.departmentId === 'fire-119')).toBe(true);
    expect(mine.tasks.some((x) => x.id === task.id)).toBe(true);
    const all = (await as('wall').get('/api/responses/tasks?scope=all')).body as TaskListResponse;
    expect(new Set(all.tasks.filter((x) => x.responseId === response.id).map((x) => x.departmentId)).size).toBeGreaterThan(2);
  });

  it('another department’s handler may not work the task; the centre may not either', async () => {
    expect((await as('flood').post(`/api/responses/tasks/${task.id}/transition`, { action: 'receive' })).status).toBe(403);
    expect((await as('commander').post(`/api/responses/tasks/${task.id}/transition`, { action: 'receive' })).status).toBe(403);
  });

  it('receive → acknowledge → progress note with a photo → done; a wrong step is a 409 naming what is allowed', async () => {
    const step = (action: string) => as('fire').post(`/api/responses/tasks/${task.id}/transition`, { action });
    expect((await step('done')).body.error.message).toContain('可执行：接收、确认');
    expect((await step('receive')).body).toMatchObject({ state: 'received', receivedAt: expect.any(String) });
    expect((await step('acknowledge')).body).toMatchObject({ state: 'acknowledged', acknowledgedAt: expect.any(String) });
    const note = await as('fire').post(`/api/responses/tasks/${task.id}/notes`, {
      body: '一中队已到场，内攻搜救',
      checked: [0, 1],
    });
    expect(note.status).toBe(201);
    expect((note.body as ResponseTask).checklist.map((c) => c.done)).toEqual([true, true, false, false, false]);
    expect((await as('fire').post(`/api/responses/tasks/${task.id}/notes`, { body: 'x', checked: [9] })).status).toBe(400);
    const png = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#c0392b' } })
      .png()
      .toBuffer();
    const up = await request(t.app)
      .post(`/api/responses/tasks/${task.id}/photos`)
      .set('Cookie', cookies.fire!)
      .set('Content-Type', 'image/png')
      .send(png);
    expect(up.status).toBe(201);
    const withPhoto = up.body as ResponseTask;
    expect(withPhoto.photos).toHaveLength(1);
    expect(withPhoto.notes[0]!.photoIds).toEqual([withPhoto.photos[0]!.id]);
    const thumb = await as('wall').get(`/api/responses/tasks/${task.id}/photos/${withPhoto.photos[0]!.id}/thumb`).buffer(true);
    expect(thumb.status).toBe(200);
    expect((await sharp(thumb.body as Buffer).metadata()).format).toBe('webp');
    const junk = await request(t.app)
      .post(`/api/responses/tasks/${task.id}/photos`)
      .set('Cookie', cookies.fire!)
      .set('Content-Type', 'image/png')
      .send(Buffer.from('not an image at all'));
    expect(junk.status).toBe(400);
    expect((await step('done')).body).toMatchObject({ state: 'done', doneBy: expect.any(String) });
    expect((await step('done')).status).toBe(409);
  });

  it('overdue on a fake clock: amber at the deadline, red after the grace period, escalated once to the duty leader', async () => {
    const ctx = t.state.responses;
    const open = response.tasks.find((x) => x.taskKey === 'fire-cordon')!;
    const real = ctx.now;
    try {
      ctx.now = () => new Date(Date.parse(open.dueAt) - 1000);
      await sweepOverdue(ctx);
      expect((await as('wall').get(`/api/responses/tasks/${open.id}`)).body.overdue).toBe('none');
      ctx.now = () => new Date(Date.parse(open.dueAt) + 1000);
      await sweepOverdue(ctx);
      expect((await as('wall').get(`/api/responses/tasks/${open.id}`)).body.overdue).toBe('amber');
      ctx.now = () => new Date(Date.parse(open.redAt) + 1000);
      await sweepOverdue(ctx);
      const red = (await as('wall').get(`/api/responses/tasks/${open.id}`)).body as ResponseTask;
      expect(red).toMatchObject({ overdue: 'red', escalatedAt: expect.any(String) });
      const cordonNotes = await t.db.query<{ title: string }>(
        'SELECT title FROM notification WHERE source_kind = $1 AND source_id = $2',
        ['response_task', open.id],
      );
      expect(cordonNotes).toHaveLength(1);
      expect(cordonNotes[0]!.title).toContain('应急任务严重超时');
      ctx.now = () => new Date(Date.parse(open.redAt) + 60 * 60_000);
      await sweepOverdue(ctx);
      const again = await t.db.query('SELECT 1 FROM notification WHERE source_kind = $1 AND source_id = $2', [
        'response_task',
        open.id,
      ]);
      expect(again).toHaveLength(1);
    } finally {
      ctx.now = real;
    }
  });

  it('a red task of a department with a duty leader on shift goes to that leader', async () => {
    const ctx = t.state.responses;
    const incident = await newIncident('fire', 8);
    const r = (await declare('leader', { incidentIds: [incident], planId: 'fire', level: 'II', reason: '火势扩大' }))
      .body as EmergencyResponse;
    const attack = r.tasks.find((x) => x.taskKey === 'fire-attack')!;
    const real = ctx.now;
    try {
      ctx.now = () => new Date(Date.parse(attack.redAt) + 1000);
      await sweepOverdue(ctx);
    } finally {
      ctx.now = real;
    }
    const rows = await t.db.query<{ user_id: string }>(
      `SELECT r.user_id FROM notification n JOIN notification_recipient r ON r.notification_id = n.id
        WHERE n.source_kind = 'response_task' AND n.source_id = $1`,
      [attack.id],
    );
    expect(rows.map((x) => x.user_id)).toEqual([dutyLeaderId]);
  });
});

describe('through the change log to every wall', () => {
  const wall = async () => {
    const head = ((await as('wall').get('/api/responses')).body as ResponseListResponse).seq;
    const c = new WallClient(url, cookies.wall!, { layers: ['responses', 'response_tasks'], areas: [] }, head);
    clients.push(c);
    await c.ready();
    return c;
  };

  it('a matching incident becomes a suggestion with its reason; declaring from it reaches the wall with its tasks', async () => {
    const c = await wall();
    const s = freshScene();
    const a = (await postFeed(t.app, 'flood', report('flood', 'waterlogging', s, s.at, { priority: 8 }).payload)).body as FeedAck;
    await postFeed(
      t.app,
      'traffic',
      report('traffic', 'waterlogging', offset(s, 40, 20), new Date(s.at.getTime() + 60_000), { priority: 8 }).payload,
    );
    const change = await c.waitFor(
      (x) => x.suggestion?.incidentIds.includes(a.incidentId) === true && x.suggestion.level === 'III',
      10_000,
    );
    expect(change.topic).toBe('response');
    expect(change.suggestion!.reason).toMatch(/^符合《哈尔滨市城市内涝应急预案》Ⅲ级启动条件：/);
    expect(change.suggestion!.reason).toContain(`警情 #${a.incidentId}`);
    const open = (await as('commander').get('/api/responses/suggestions')).body as SuggestionListResponse;
    const suggestion = open.suggestions.find((x) => x.id === change.suggestion!.id)!;
    expect(suggestion.status).toBe('open');
    const res = await declare('commander', {
      incidentIds: suggestion.incidentIds,
      planId: suggestion.planId,
      level: suggestion.level,
      reason: suggestion.reason,
      suggestionId: suggestion.id,
    });
    expect(res.status).toBe(201);
    const r = res.body as EmergencyResponse;
    await c.waitFor((x) => x.response?.id === r.id && x.response.status === 'active');
    await c.waitFor((x) => x.task?.responseId === r.id && x.task.taskKey === 'drain');
    await c.waitFor((x) => x.suggestion?.id === suggestion.id && x.suggestion.status === 'accepted');
    expect(c.duplicates).toBe(0);
    // Covered now: more records of the same incident make no new suggestion for this plan.
    expect(
      ((await as('commander').get('/api/responses/suggestions')).body as SuggestionListResponse).suggestions.some(
        (x) => x.id === suggestion.id,
      ),
    ).toBe(false);
  });

  it('a gauge reading over the warning level suggests the Songhua flood plan', async () => {
    const { writeGaugeReading } = await import('../../gateway/feeds/gauge-writer');
    const c = await wall();
    const harbin = t.state.command.stations.find((x) => x.name === '哈尔滨')!;
    await t.db.query(`DELETE FROM response_suggestion WHERE plan_id = 'songhua-flood'`);
    await writeGaugeReading(t.db, t.deps.readiness.changes, t.state.geo.locator, {
      stationId: harbin.stcd,
      name: harbin.name,
      river: harbin.river,
      lon: harbin.lon,
      lat: harbin.lat,
      waterLevelM: 119.25,
      rainfallMm: null,
      warningLevelM: harbin.warningLevelM,
      at: new Date(Date.now() - Math.floor(Math.random() * 1e9)).toISOString(),
      overWarning: true,
    });
    const change = await c.waitFor((x) => x.suggestion?.planId === 'songhua-flood', 10_000);
    expect(change.suggestion).toMatchObject({ level: 'III', basisKind: 'gauge', basisKey: harbin.stcd });
    expect(change.suggestion!.reason).toContain('水位 119.25 米');
  });

  it('a reading committed by a gateway that died before matching it is matched when a gateway starts', async () => {
    const { writeGaugeReading } = await import('../../gateway/feeds/gauge-writer');
    const { ChangeHub } = await import('../../gateway/changes/hub');
    const { buildResponses } = await import('../../gateway/responses/services');
    const harbin = t.state.command.stations.find((x) => x.name === '哈尔滨')!;
    await t.db.query(`DELETE FROM response_suggestion WHERE plan_id = 'songhua-flood'`);
    // Committed, announced to no one: the process that wrote it is gone before its matcher ran.
    const { default: pino } = await import('pino');
    await writeGaugeReading(t.db, new ChangeHub(), t.state.geo.locator, {
      stationId: harbin.stcd,
      name: harbin.name,
      river: harbin.river,
      lon: harbin.lon,
      lat: harbin.lat,
      waterLevelM: 119.4,
      rainfallMm: null,
      warningLevelM: harbin.warningLevelM,
      at: new Date(Date.now() - Math.floor(Math.random() * 1e9)).toISOString(),
      overWarning: true,
    });
    // A gateway starting now runs the matcher over what the log holds after its cursor.
    await buildResponses(
      t.db,
      new ChangeHub(),
      pino({ level: 'silent' }),
      t.state.command.stations,
      t.state.cases.tables.settings.photo,
    );
    let rows: { level: string; reason: string }[] = [];
    for (let i = 0; i < 100 && !rows.length; i++) {
      rows = await t.db.query(`SELECT level, reason FROM response_suggestion WHERE plan_id = 'songhua-flood'`);
      if (!rows.length) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toEqual([expect.objectContaining({ level: 'III' })]);
    expect(rows[0]!.reason).toContain('水位 119.40 米');
  });

  it('a public warning suggests the plans that name its hazard and colour (暴雪橙色 → 暴雪和冰冻 Ⅱ级)', async () => {
    const c = await wall();
    const published = await as('leader').post('/api/warnings', {
      hazard: 'snowstorm',
      level: 'orange',
      area: { kind: 'districts', codes: ['230102'] },
      description: '预计未来12小时道里区降雪量达10毫米以上',
      instruction: '减少出行，注意防滑',
      expiresAt: new Date(Date.now() + 6 * 3600_000).toISOString(),
    });
    expect(published.status).toBe(201);
    const change = await c.waitFor(
      (x) => x.suggestion?.basisKind === 'warning' && x.suggestion.basisKey === published.body.id,
      10_000,
    );
    expect(change.suggestion).toMatchObject({ planId: 'snow-ice', level: 'II' });
    expect(change.suggestion!.reason).toMatch(/^符合《哈尔滨市暴雪和冰冻灾害应急预案》Ⅱ级启动条件：发布暴雪橙色预警/);
  });

  it('a response declared in a drill mode is marked 演练', async () => {
    await withSharedMode(async () => {
      const switched = await as('leader').post('/api/mode', { mode: 'emergency', drill: true, reason: '应急演练' });
      expect(switched.status).toBe(200);
      try {
        const res = await declare('commander', {
          incidentIds: [],
          planId: 'road-traffic',
          level: 'IV',
          reason: '演练：高速连环追尾',
        });
        expect(res.status).toBe(201);
        expect(res.body.drill).toBe(true);
        const n = await t.db.query<{ title: string }>(
          'SELECT title FROM notification WHERE source_kind = $1 AND source_id = $2',
          ['response', res.body.id],
        );
        expect(n[0]!.title).toMatch(/^【演练】/);
        expect((await as('commander').post(`/api/responses/${res.body.id}/end`, { reason: '演练结束' })).status).toBe(200);
      } finally {
        await as('leader').post('/api/mode', { mode: 'daily', drill: false, reason: '演练结束' });
      }
    });
  });
});
