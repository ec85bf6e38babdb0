import request from 'supertest';
import type { FeedAck, Incident, ModeState, RecommendationResponse, Unit } from '../../contracts/incidents';
import { createIdentityTestApp, createAccount, login, type IdentityTestApp } from '../support/identity';
import { freshScene, offset, placeUnits, postFeed, report } from '../support/feeds';
import { withSharedMode } from '../support/shared-mode';

/**
 * Operator commands over HTTP with real sessions: lifecycle per the transition table, dispatch of units
 * recommended by drive time, unit status moving the incident, split and merge, the mode switch, and the
 * policy and audit around them.
 */
let t: IdentityTestApp;
let commander: string;
let leader: string;
let wall: string;
let commanderName: string;
beforeAll(async () => {
  t = await createIdentityTestApp();
  const c = await createAccount(t.db, { role: 'commander' });
  commanderName = c.username;
  commander = await login(t.app, c.username, c.password);
  const l = await createAccount(t.db, { role: 'leader' });
  leader = await login(t.app, l.username, l.password);
  const w = await createAccount(t.db, { role: 'wall' });
  wall = await login(t.app, w.username, w.password);
});
afterAll(async () => {
  await t.state.command.ingest.flush();
  await t.close();
});

async function openIncident(category: 'traffic_crash' | 'fire' = 'traffic_crash') {
  const s = freshScene();
  const r = report(category === 'fire' ? '119' : '110', category, s, s.at);
  const res = await postFeed(t.app, category === 'fire' ? '119' : '110', r.payload);
  expect(res.status).toBe(201);
  return { scene: s, ack: res.body as FeedAck };
}

const post = (path: string, cookie: string, body: unknown) =>
  request(t.app)
    .post(path)
    .set('Cookie', cookie)
    .send(body as object);
const get = (path: string, cookie: string) => request(t.app).get(path).set('Cookie', cookie);

describe('lifecycle', () => {
  it('acknowledges, refuses an illegal move with the allowed ones, and records who did each step', async () => {
    const { ack } = await openIncident();
    const acked = await post(`/api/incidents/${ack.incidentId}/transition`, commander, {
      action: 'acknowledge',
      note: '已电话核实',
    });
    expect(acked.status).toBe(200);
    expect((acked.body as Incident).status).toBe('acknowledged');
    const bad = await post(`/api/incidents/${ack.incidentId}/transition`, commander, { action: 'close' });
    expect(bad.status).toBe(409);
    expect(bad.body.error.message).toMatch(/已确认.*不能结束.*可执行：派遣、撤销/);
    const steps = (acked.body as Incident).steps;
    expect(steps.map((s) => [s.action, s.state])).toEqual([
      ['open', 'new'],
      ['acknowledge', 'acknowledged'],
    ]);
    expect(steps[1]).toMatchObject({ actor: commanderName, note: '已电话核实' });
    expect(Date.parse(steps[1]!.at)).toBeGreaterThanOrEqual(Date.parse(steps[0]!.at));
  });

  it('answers 404 for an unknown incident and 400 for an unknown action', async () => {
    expect((await post('/api/incidents/999999999/transition', commander, { action: 'acknowledge' })).status).toBe(404);
    const res = await post('/api/incidents/1/transition', commander, { action: 'teleport' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/action/);
  });

  it('lets the wall read but not command, and audits the refusal', async () => {
    const { ack } = await openIncident();
    expect((await get(`/api/incidents/${ack.incidentId}`, wall)).status).toBe(200);
    const res = await post(`/api/incidents/${ack.incidentId}/transition`, wall, { action: 'acknowledge' });
    expect(res.status).toBe(403);
    const rows = await t.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit_event WHERE action = 'access.denied' AND object LIKE $1`,
      [`%/api/incidents/${ack.incidentId}/transition%`],
    );
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
  });
});

describe('recommendation and dispatch', () => {
  it('recommends the unit nearest by drive time, dispatches it, and moves the incident with the unit', async () => {
    const { scene, ack } = await openIncident('traffic_crash');
    // Units of other suites share the table: ours stands right at the incident, so nothing can reach it sooner;
    // an out-of-service one is even closer and must not be offered.
    const [nearAmb, farAmb, tp, busyAmb] = await placeUnits(t.db, [
      { type: 'ambulance', agency: '120', ...offset(scene, 15, 0) },
      { type: 'ambulance', agency: '120', ...offset(scene, 4000, 3000) },
      { type: 'traffic_police', agency: 'traffic', ...offset(scene, -500, 200) },
      { type: 'ambulance', agency: '120', ...offset(scene, 5, 0) },
    ]);
    await t.db.query(`UPDATE unit SET status = 'out_of_service' WHERE id = $1`, [busyAmb!]);
    const rec = await get(`/api/incidents/${ack.incidentId}/recommendations`, commander);
    expect(rec.status).toBe(200);
    const body = rec.body as RecommendationResponse;
    expect(body.needs).toEqual(['traffic_police', 'ambulance']);
    const amb = body.byType.find((b) => b.type === 'ambulance')!.units;
    // Ours, 15 m away, is among the fastest: only a unit of another suite (or the demo fleet at a hospital next to
    // the scene) parked as close can match it, within the half minute the road snapping may differ.
    const ours = amb.find((u) => u.unit.id === nearAmb);
    expect(ours).toBeDefined();
    expect(ours!.etaS - amb[0]!.etaS).toBeLessThanOrEqual(30);
    expect(amb.map((u) => u.unit.id)).not.toContain(busyAmb);
    // Fastest first, each with its drive time.
    expect(amb.map((u) => u.etaS)).toEqual([...amb.map((u) => u.etaS)].sort((a, b) => a - b));
    expect(amb[0]!.etaS).toBeGreaterThan(0);
    const far = amb.find((u) => u.unit.id === farAmb);
    if (far) expect(far.etaS).toBeGreaterThan(amb[0]!.etaS);

    const d = await post(`/api/incidents/${ack.incidentId}/dispatch`, commander, { unitIds: [nearAmb, tp] });
    expect(d.status).toBe(200);
    expect((d.body as Incident).status).toBe('dispatched');
    expect((d.body as Incident).unitIds.sort()).toEqual([nearAmb, tp].sort());
    const again = await post(`/api/incidents/${ack.incidentId}/dispatch`, commander, { unitIds: [nearAmb] });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/已派/);

    const enRoute = await post(`/api/units/${nearAmb}/status`, commander, { status: 'en_route' });
    expect((enRoute.body as Unit).status).toBe('en_route');
    expect(((await get(`/api/incidents/${ack.incidentId}`, commander)).body as Incident).status).toBe('en_route');
    await post(`/api/units/${nearAmb}/status`, commander, { status: 'on_scene' });
    expect(((await get(`/api/incidents/${ack.incidentId}`, commander)).body as Incident).status).toBe('on_scene');
    const resolved = await post(`/api/incidents/${ack.incidentId}/transition`, commander, { action: 'resolve' });
    expect((resolved.body as Incident).unitIds).toEqual([]);
    const units = (await get('/api/units', commander)).body as { units: Unit[]; seq: number };
    for (const id of [nearAmb, tp]) expect(units.units.find((u) => u.id === id)!.status).toBe('available');
    const closed = await post(`/api/incidents/${ack.incidentId}/transition`, commander, { action: 'close' });
    expect((closed.body as Incident).steps.map((s) => s.state)).toEqual([
      'new',
      'dispatched',
      'en_route',
      'on_scene',
      'resolved',
      'closed',
    ]);
    const audited = await t.db.query<{ action: string }>(`SELECT action FROM audit_event WHERE object LIKE $1 ORDER BY seq`, [
      `%/api/incidents/${ack.incidentId}/%`,
    ]);
    expect(audited.map((a) => a.action)).toEqual(expect.arrayContaining(['incident.dispatch', 'incident.command']));
  });

  it('refuses to dispatch a unit that does not exist', async () => {
    const { ack } = await openIncident();
    const res = await post(`/api/incidents/${ack.incidentId}/dispatch`, commander, { unitIds: ['NO-SUCH-UNIT'] });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/NO-SUCH-UNIT/);
  });
});

describe('split and merge', () => {
  it('splits a wrongly fused record off and merges it back, keeping every record visible', async () => {
    const s = freshScene();
    const a = await postFeed(t.app, '119', report('119', 'fire', s, s.at).payload);
    const b = await postFeed(t.app, '120', report('120', 'injury', offset(s, 50, 0), new Date(s.at.getTime() + 60_000)).payload);
    const incidentId = (a.body as FeedAck).incidentId;
    expect((b.body as FeedAck).incidentId).toBe(incidentId);
    const split = await post(`/api/incidents/${incidentId}/split`, commander, { recordId: (b.body as FeedAck).recordId });
    expect(split.status).toBe(200);
    const { from, to } = split.body as { from: Incident; to: Incident };
    expect(from.records.map((r) => r.source)).toEqual(['119']);
    expect(to.records.map((r) => r.source)).toEqual(['120']);
    expect(to.records[0]!.link).toMatchObject({ by: 'operator', actor: commanderName });
    expect(to.records[0]!.link.reason).toMatch(/人工拆分/);
    const lonely = await post(`/api/incidents/${to.id}/split`, commander, { recordId: to.records[0]!.id });
    expect(lonely.status).toBe(409);

    const merged = await post(`/api/incidents/${incidentId}/merge`, commander, { incidentId: to.id });
    expect(merged.status).toBe(200);
    expect((merged.body as Incident).records.map((r) => r.source).sort()).toEqual(['119', '120']);
    const gone = (await get(`/api/incidents/${to.id}`, commander)).body as Incident;
    expect(gone.status).toBe('cancelled');
    expect(gone.steps.at(-1)!.note).toMatch(`并入警情 #${incidentId}`);
    expect((await post(`/api/incidents/${incidentId}/merge`, commander, { incidentId })).status).toBe(400);
  });
});

describe('possible duplicates (疑似重复)', () => {
  it('flags a second same-category report of one agency at the same place, which fusion keeps apart, and merges it in one call', async () => {
    const s = freshScene();
    const first = await postFeed(t.app, '110', report('110', 'traffic_crash', s, s.at).payload);
    const second = await postFeed(
      t.app,
      '110',
      report('110', 'traffic_crash', offset(s, 40, 10), new Date(s.at.getTime() + 3 * 60_000)).payload,
    );
    // A different category from the same agency at the same spot is not a look-alike.
    const other = await postFeed(
      t.app,
      '110',
      report('110', 'fire', offset(s, 20, 0), new Date(s.at.getTime() + 60_000)).payload,
    );
    const originalId = (first.body as FeedAck).incidentId;
    const dupId = (second.body as FeedAck).incidentId;
    expect(dupId).not.toBe(originalId);
    const dup = (await get(`/api/incidents/${dupId}`, commander)).body as Incident;
    expect(dup.suspectedDuplicateOf).toBe(originalId);
    expect(dup.records[0]!.link.reason).toBe(
      `首报：与110 公安已报的同类警情 #${originalId} 相距 41 米、相隔 3.0 分钟，同一机构的报告不自动合并，新建警情并标为疑似重复`,
    );
    expect(dup.records[0]!.link.reason).not.toMatch(/附近无可合并的警情/);
    const original = (await get(`/api/incidents/${originalId}`, commander)).body as Incident;
    expect(original.suspectedDuplicateOf).toBeNull();
    expect(original.records[0]!.link.reason).toMatch(/附近无可合并的警情/);
    const fire = (await get(`/api/incidents/${(other.body as FeedAck).incidentId}`, commander)).body as Incident;
    expect(fire.suspectedDuplicateOf).toBeNull();
    // The list the wall reads carries the flag too.
    const list = (await get('/api/incidents', commander)).body as { incidents: Incident[] };
    expect(list.incidents.find((i) => i.id === dupId)?.suspectedDuplicateOf).toBe(originalId);

    const merged = await post(`/api/incidents/${originalId}/merge`, commander, { incidentId: dupId });
    expect(merged.status).toBe(200);
    expect((merged.body as Incident).records).toHaveLength(2);
    expect(((await get(`/api/incidents/${dupId}`, commander)).body as Incident).status).toBe('cancelled');
  });

  it('flags two look-alikes that arrive in one batch, naming the incident opened earlier in it', async () => {
    const s = freshScene();
    const a = report('119', 'fire', s, s.at);
    const b = report('119', 'fire', offset(s, 30, 0), new Date(s.at.getTime() + 60_000));
    const [ra, rb] = await Promise.all([postFeed(t.app, '119', a.payload), postFeed(t.app, '119', b.payload)]);
    const ids = [(ra.body as FeedAck).incidentId, (rb.body as FeedAck).incidentId];
    expect(ids[0]).not.toBe(ids[1]);
    const both = await Promise.all(ids.map(async (id) => (await get(`/api/incidents/${id}`, commander)).body as Incident));
    // Whichever was written second names the other; never both, never itself.
    const flagged = both.filter((i) => i.suspectedDuplicateOf !== null);
    expect(flagged).toHaveLength(1);
    expect(flagged[0]!.suspectedDuplicateOf).toBe(ids.find((id) => id !== flagged[0]!.id));
  });

  it('refuses merging an incident into itself in Chinese', async () => {
    const { ack } = await openIncident();
    const res = await post(`/api/incidents/${ack.incidentId}/merge`, commander, { incidentId: ack.incidentId });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('警情不能并入自身');
  });
});

describe('system mode', () => {
  it('is switched only by a leader, audited, and read by everyone with the profiles', async () => {
    // The mode row is shared with the suites running beside this one.
    await withSharedMode(async () => {
      const denied = await post('/api/mode', commander, { mode: 'emergency', drill: false, reason: '测试' });
      expect(denied.status).toBe(403);
      const bad = await post('/api/mode', leader, { mode: 'holiday', reason: '测试' });
      expect(bad.status).toBe(400);
      const ok = await post('/api/mode', leader, { mode: 'wartime', drill: true, reason: '年度防空演练' });
      expect(ok.status).toBe(200);
      expect(ok.body as ModeState).toMatchObject({ mode: 'wartime', drill: true, reason: '年度防空演练' });
      const read = await get('/api/mode', wall);
      expect(read.body.state).toMatchObject({ mode: 'wartime', drill: true });
      expect(read.body.profiles.map((p: { id: string }) => p.id).sort()).toEqual(['daily', 'emergency', 'wartime']);
      const audit = await t.db.query<{ outcome: string }>(
        `SELECT outcome FROM audit_event WHERE action = 'mode.change' ORDER BY seq DESC LIMIT 1`,
      );
      expect(audit[0]!.outcome).toBe('ok');
      // In a drill, new incidents are drill incidents and their dispatch is logged as a drill.
      const { scene, ack } = await openIncident('fire');
      const [unit] = await placeUnits(t.db, [{ type: 'fire_engine', agency: '119', ...offset(scene, 200, 0) }]);
      const d = (await post(`/api/incidents/${ack.incidentId}/dispatch`, commander, { unitIds: [unit] })).body as Incident;
      expect(d.drill).toBe(true);
      expect(d.steps.at(-1)!.note).toMatch(/^【演练】派遣/);
      await post('/api/mode', leader, { mode: 'daily', drill: false, reason: '演练结束' });
    });
  });
});
