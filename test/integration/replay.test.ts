import request from 'supertest';
import type { FeedAck, Incident, ModeState, Unit } from '../../contracts/incidents';
import type { ReplayEntry, ReplayPage } from '../../contracts/replay';
import { buildTimeline, pictureAt, tracksAt } from '../../web/src/replay/timeline';
import { freshScene, offset, placeUnits, postFeed, report } from '../support/feeds';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';
import { withSharedMode } from '../support/shared-mode';

/**
 * Replay (复盘) over the real gateway and PostGIS: a short scenario — an incident opened, a unit moved three times and
 * dispatched, the mode switched and switched back — is recorded as it happens (what the ordinary reads answered at
 * each instant); the replay of the period must show exactly that at those instants, both as the state at a chosen
 * start and as the state at the start with the changes applied. Then paging over a long logged period, rights and
 * bad input.
 */
let t: IdentityTestApp;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  t = await createIdentityTestApp();
  for (const role of ['commander', 'leader', 'dispatcher', 'auditadmin', 'inspector', 'planner', 'handler'] as const) {
    const a = await createAccount(t.db, { role });
    cookies[role] = await login(t.app, a.username, a.password);
  }
});
afterAll(async () => {
  await t.state.command.ingest.flush();
  await t.state.command.avl.flush();
  await t.close();
});

const get = (path: string, cookie: string) => request(t.app).get(path).set('Cookie', cookie);
const post = (path: string, cookie: string, body: object) => request(t.app).post(path).set('Cookie', cookie).send(body);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An instant strictly between two steps: everything before it is logged, nothing after it. */
async function instant(): Promise<string> {
  await sleep(15);
  const at = new Date().toISOString();
  await sleep(15);
  return at;
}

/** Every page of a replay, in order; asserts each page's bound. */
async function readReplay(from: string, to: string, cookie: string, limit = 1000) {
  const state: ReplayEntry[] = [];
  const changes: ReplayEntry[] = [];
  let cursor: string | null = null;
  let pages = 0;
  let period: ReplayPage['period'];
  do {
    const query: Record<string, string> = { from, to, limit: String(limit), ...(cursor ? { cursor } : {}) };
    const res = await get(`/api/replay?${new URLSearchParams(query)}`, cookie);
    expect(res.status).toBe(200);
    const page = res.body as ReplayPage;
    if (pages === 0) period = page.period;
    else expect(page.period).toBeUndefined();
    expect(page.state.length + page.changes.length).toBeLessThanOrEqual(limit);
    state.push(...page.state);
    changes.push(...page.changes);
    cursor = page.next;
    pages++;
  } while (cursor);
  return { period: period!, state, changes, pages };
}

interface Seen {
  at: string;
  incident: Pick<Incident, 'status' | 'unitIds'> | null;
  unit: Pick<Unit, 'status' | 'lon' | 'lat' | 'incidentId'> | null;
  mode: Pick<ModeState, 'mode' | 'drill'>;
}

describe('a replayed period shows what was there at each instant', () => {
  it('incident, unit positions and track, dispatch and mode, as recorded at the time', async () => {
    await withSharedMode(async () => {
      const modeBefore = ((await get('/api/mode', cookies.leader!)).body as { state: ModeState }).state;
      const scene = freshScene();
      const [unitId] = await placeUnits(t.db, [{ type: 'traffic_police', agency: 'traffic', ...offset(scene, 900, 0) }]);
      const seen: Seen[] = [];
      let incidentId = 0;
      const record = async () => {
        const at = await instant();
        const inc = incidentId ? ((await get(`/api/incidents/${incidentId}`, cookies.commander!)).body as Incident) : null;
        const units = ((await get('/api/units', cookies.commander!)).body as { units: Unit[] }).units;
        const unit = units.find((u) => u.id === unitId)!;
        const mode = ((await get('/api/mode', cookies.commander!)).body as { state: ModeState }).state;
        seen.push({
          at,
          incident: inc && { status: inc.status, unitIds: [...inc.unitIds].sort() },
          unit: { status: unit.status, lon: unit.lon, lat: unit.lat, incidentId: unit.incidentId },
          mode: { mode: mode.mode, drill: mode.drill },
        });
      };
      const from = await instant();

      const r = report('110', 'traffic_crash', scene, scene.at);
      const res = await postFeed(t.app, '110', r.payload);
      expect(res.status).toBe(201);
      incidentId = (res.body as FeedAck).incidentId;
      await record(); // 0: the incident is new

      const path = [offset(scene, 600, 0), offset(scene, 300, 0), offset(scene, 20, 0)];
      for (const [i, p] of path.entries()) {
        const at = new Date(Date.now() + i).toISOString();
        const staleAt = new Date(Date.now() + 600_000).toISOString();
        const fix = await t.state.command.avl.submit({ unitId: unitId!, ...p, at, staleAt, accuracyM: 5, status: null });
        expect(fix).toEqual({ applied: true });
        await record(); // 1, 2, 3: the unit moved
      }

      expect((await post(`/api/incidents/${incidentId}/dispatch`, cookies.commander!, { unitIds: [unitId] })).status).toBe(200);
      await record(); // 4: dispatched

      const switched = await post('/api/mode', cookies.leader!, { mode: 'emergency', drill: true, reason: '复盘测试演练' });
      expect(switched.status).toBe(200);
      await record(); // 5: emergency drill

      expect((await post(`/api/incidents/${incidentId}/transition`, cookies.commander!, { action: 'cancel' })).status).toBe(200);
      const back = await post('/api/mode', cookies.leader!, { mode: modeBefore.mode, drill: modeBefore.drill, reason: '恢复' });
      expect(back.status).toBe(200);
      await record(); // 6: cancelled (leaves the wall), unit free again, mode back
      const to = await instant();

      // What the ordinary reads said at the time (the expectations), spelled out where it matters.
      expect(seen.map((s) => s.incident?.status)).toEqual(['new', 'new', 'new', 'new', 'dispatched', 'dispatched', 'cancelled']);
      expect(seen.map((s) => s.mode.mode)).toEqual([
        modeBefore.mode,
        modeBefore.mode,
        modeBefore.mode,
        modeBefore.mode,
        modeBefore.mode,
        'emergency',
        modeBefore.mode,
      ]);

      // The whole period in small pages, reduced by the wall's own reducer to each recorded instant.
      const all = await readReplay(from, to, cookies.commander!, 7);
      expect(all.pages).toBeGreaterThan(2);
      expect(all.period.from).toBe(from);
      expect(all.changes.map((c) => c.seq)).toEqual([...all.changes.map((c) => c.seq)].sort((a, b) => a - b));
      for (const c of all.changes) expect(Date.parse(c.at)).toBeGreaterThan(Date.parse(from));
      const timeline = buildTimeline(all.period, all.state, all.changes);
      for (const s of seen) {
        const picture = pictureAt(timeline, Date.parse(s.at));
        const inc = picture.feed.incidents.get(incidentId);
        // The wall drops cancelled incidents: the replay must have it exactly while the reads showed it open.
        if (s.incident!.status === 'cancelled') expect(inc).toBeUndefined();
        else expect(inc && { status: inc.status, unitIds: [...inc.unitIds].sort() }).toEqual(s.incident);
        const unit = picture.feed.units.get(unitId!);
        if (seen.indexOf(s) === 0)
          expect(unit).toBeUndefined(); // placed without a logged position yet
        else expect(unit && { status: unit.status, lon: unit.lon, lat: unit.lat, incidentId: unit.incidentId }).toEqual(s.unit);
        expect(picture.feed.mode && { mode: picture.feed.mode.mode, drill: picture.feed.mode.drill }).toEqual(s.mode);
      }

      // The unit's track is its three logged positions, in order.
      const track = tracksAt(timeline, Date.parse(to)).find((x) => x.unitId === unitId);
      expect(track?.path).toEqual(path.map((p) => [p.lon, p.lat]));
      expect(tracksAt(timeline, Date.parse(seen[1]!.at)).find((x) => x.unitId === unitId)).toBeUndefined();
      expect(tracksAt(timeline, Date.parse(seen[2]!.at)).find((x) => x.unitId === unitId)?.path).toHaveLength(2);

      // A replay starting at a recorded instant: its state is what the reads showed then.
      for (const s of seen.slice(1)) {
        const at = await readReplay(s.at, to, cookies.leader!);
        const inc = at.state.find((e) => e.topic === 'incident' && e.entity === String(incidentId))?.incident;
        expect(inc && { status: inc.status, unitIds: [...inc.unitIds].sort() }).toEqual(s.incident);
        const unit = at.state.find((e) => e.topic === 'unit' && e.entity === unitId)?.unit;
        expect(unit && { status: unit.status, lon: unit.lon, lat: unit.lat, incidentId: unit.incidentId }).toEqual(s.unit);
        const mode = at.state.find((e) => e.topic === 'mode')?.mode;
        expect(mode && { mode: mode.mode, drill: mode.drill }).toEqual(s.mode);
        // One version per entity.
        const keys = at.state.map((e) => `${e.topic}:${e.entity}`);
        expect(new Set(keys).size).toBe(keys.length);
      }
    });
  });
});

describe('a long period is read in bounded pages', () => {
  it('walks every entity once and every change once, in order, however many there are', async () => {
    // A logged day three days ago: 150 units with 80 positions each, every quarter of a minute one of them.
    const dayStart = Date.now() - 3 * 86_400_000;
    const tag = Math.random().toString(36).slice(2, 7).toUpperCase();
    const units = Array.from({ length: 150 }, (_, i) => `RP${tag}${String(i).padStart(3, '0')}`);
    const rows: { entity: string; at: string; n: number }[] = [];
    for (let n = 0; n < 80; n++)
      for (const [i, id] of units.entries())
        rows.push({ entity: id, at: new Date(dayStart + (n * 150 + i) * 4000).toISOString(), n });
    const unitOf = (id: string, n: number) => ({
      id,
      callsign: id,
      type: 'rescue',
      agency: 'flood',
      status: 'available',
      lon: 126.6 + n / 10_000,
      lat: 45.75,
      positionAt: null,
      staleAt: null,
      accuracyM: null,
      incidentId: null,
      home: '测试',
    });
    await t.db.query('SELECT pg_advisory_lock(720100001)');
    try {
      await t.db.query(
        `INSERT INTO change_log (seq, topic, entity, district, at, payload)
         SELECT nextval('change_seq'), 'unit', r.entity, NULL, r.at::timestamptz, r.payload::jsonb
           FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS r(entity, at, payload, k) ORDER BY r.k`,
        [rows.map((r) => r.entity), rows.map((r) => r.at), rows.map((r) => JSON.stringify({ unit: unitOf(r.entity, r.n) }))],
      );
    } finally {
      await t.db.query('SELECT pg_advisory_unlock(720100001)');
    }
    // From the middle of round 40 (unit 75's 40th position logged, unit 76's not yet) to the end of round 69.
    const from = new Date(dayStart + (40 * 150 + 75) * 4000 + 1000).toISOString();
    const to = new Date(dayStart + (69 * 150 + 149) * 4000).toISOString();
    const limit = 400;
    const replay = await readReplay(from, to, cookies.auditadmin!, limit);

    const ours = replay.state.filter((e) => e.entity.startsWith(`RP${tag}`));
    expect(ours.map((e) => e.entity)).toEqual(units);
    // Units 0–75 are at their position 40, the others still at 39.
    ours.forEach((e, i) => expect(e.unit!.lon).toBeCloseTo(126.6 + (i <= 75 ? 40 : 39) / 10_000, 9));
    const changes = replay.changes.filter((e) => e.entity.startsWith(`RP${tag}`));
    const expected = rows.filter((r) => Date.parse(r.at) > Date.parse(from) && Date.parse(r.at) <= Date.parse(to));
    expect(expected).toHaveLength(29 * 150 + 74);
    expect(changes.map((c) => `${c.entity}@${c.at}`)).toEqual(expected.map((r) => `${r.entity}@${r.at}`));
    expect(replay.pages).toBeGreaterThanOrEqual(Math.ceil((ours.length + changes.length) / limit));

    // The timeline of the long period: the picture at a late instant has every unit at its last logged position.
    const timeline = buildTimeline(replay.period, replay.state, replay.changes);
    const lateAt = dayStart + (60 * 150 + 149) * 4000 + 1000;
    const late = pictureAt(timeline, lateAt);
    for (const id of units) expect(late.feed.units.get(id)!.lon).toBeCloseTo(126.6 + 60 / 10_000, 9);
    const track = tracksAt(timeline, lateAt).find((x) => x.unitId === units[0]);
    expect(track?.path).toHaveLength(21); // positions 40…60
  });
});

describe('who may replay, and bad input', () => {
  const period = () => {
    const to = new Date(Date.now() - 1000).toISOString();
    return new URLSearchParams({ from: new Date(Date.now() - 3_600_000).toISOString(), to }).toString();
  };

  it('lets commander, leader, dispatcher and auditadmin replay, and audits the opening', async () => {
    for (const role of ['commander', 'leader', 'dispatcher', 'auditadmin']) {
      const res = await get(`/api/replay?${period()}`, cookies[role]!);
      expect(res.status).toBe(200);
      expect((res.body as ReplayPage).period?.cameraArchive).toMatch(/不存档/);
    }
    const rows = await t.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit_event WHERE action = 'replay.read' AND outcome = 'ok' AND at > now() - interval '1 minute'`,
    );
    expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(4);
  });

  it('refuses other roles (403, audited) and visitors (401)', async () => {
    for (const role of ['inspector', 'planner', 'handler']) {
      const res = await get(`/api/replay?${period()}`, cookies[role]!);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/无权限|不能/);
    }
    expect((await request(t.app).get(`/api/replay?${period()}`)).status).toBe(401);
    const denied = await t.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit_event WHERE action = 'access.denied' AND object LIKE 'GET /api/replay%'`,
    );
    expect(Number(denied[0]!.n)).toBeGreaterThanOrEqual(3);
  });

  it('answers bad periods and cursors with 400 and a message in Chinese', async () => {
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const cases: [Record<string, string>, RegExp][] = [
      [{ to: iso(now) }, /from/],
      [{ from: 'yesterday', to: iso(now) }, /ISO 8601/],
      [{ from: iso(now - 1000), to: iso(now - 2000) }, /结束时间须晚于开始时间/],
      [{ from: iso(now - 40 * 86_400_000), to: iso(now) }, /不能超过 31 天/],
      [{ from: iso(now + 60_000), to: iso(now + 120_000) }, /早于现在/],
      [{ from: iso(now - 60_000), to: iso(now), cursor: 'bm90LWpzb24' }, /翻页标记/],
      [{ from: iso(now - 60_000), to: iso(now), cursor: 'a'.repeat(401) }, /翻页标记/],
      [{ from: iso(now - 60_000), to: iso(now), limit: '0' }, /limit/],
      [{ from: iso(now - 60_000), to: iso(now), limit: '9999' }, /不能超过 5000/],
      [{ from: iso(now - 60_000), to: iso(now), extra: '1' }, /extra/],
    ];
    for (const [query, message] of cases) {
      const res = await get(`/api/replay?${new URLSearchParams(query)}`, cookies.commander!);
      expect([res.status, res.body.error?.message]).toEqual([400, expect.stringMatching(message)]);
    }
  });
});
