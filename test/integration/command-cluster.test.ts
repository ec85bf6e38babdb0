import mqtt from 'mqtt';
import type { FeedAck, FeedSource } from '../../contracts/incidents';
import { encodeAvl, encodeGauge } from '../../scripts/scenario/encoders';
import type { Db } from '../../geo/db/types';
import { openTestDb } from '../support/db';
import { TEST_MQTT_URL, TEST_REDIS_URL, testDatabaseUrl } from '../support/env';
import { freshScene, offset, placeUnits, report, signedHeaders } from '../support/feeds';
import { freePort, startGateway, streamsConnected, type GatewayProcess } from '../support/gateway-process';
import { createAccount, freshIp } from '../support/identity';
import { WallClient } from '../support/realtime';

/**
 * Two real gateway processes behind Redis (Socket.IO adapter) and Mosquitto (shared MQTT subscription) on the
 * test PostGIS: every event reaches walls on both; gauges and unit positions arrive over MQTT; a gateway killed
 * with SIGKILL under a 1,000-events/s feed loses no acknowledged record, duplicates nothing, and its walls
 * converge after the restart.
 */
const env = {
  DATABASE_URL: testDatabaseUrl(),
  REDIS_URL: TEST_REDIS_URL,
  MQTT_URL: TEST_MQTT_URL,
  DEMO_UNITS: 'false',
  LOG_LEVEL: 'warn',
};
let db: Db;
let a: GatewayProcess;
let b: GatewayProcess;
let cookie: string;
const clients: WallClient[] = [];

async function loginTo(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': freshIp() },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  return res.headers
    .getSetCookie()
    .find((c) => c.startsWith('hb_sid='))!
    .split(';')[0]!;
}

async function deliver(url: string, source: FeedSource, payload: unknown): Promise<{ status: number; body: unknown }> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${url}/api/feeds/${source}`, { method: 'POST', headers: signedHeaders(source, body), body });
  return { status: res.status, body: await res.json().catch(() => null) };
}

async function headSeq(url: string): Promise<number> {
  const res = await fetch(`${url}/api/incidents?status=open&limit=1`, { headers: { cookie } });
  return ((await res.json()) as { seq: number }).seq;
}

function wallOn(g: GatewayProcess, since: number): WallClient {
  const c = new WallClient(g.url, cookie, { layers: ['incidents', 'units', 'gauges'], areas: [] }, since);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  db = await openTestDb();
  [a, b] = await Promise.all([startGateway(env, 180_000), startGateway(env, 180_000)]);
  await Promise.all([streamsConnected(a), streamsConnected(b)]);
  const w = await createAccount(db, { role: 'wall' });
  cookie = await loginTo(a.url, w.username, w.password);
}, 240_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.close();
});

it('delivers every change to walls on both gateways, whichever gateway took the record', async () => {
  const since = await headSeq(a.url);
  const onA = wallOn(a, since);
  const onB = wallOn(b, since);
  await Promise.all([onA.ready(), onB.ready()]);
  const s = freshScene();
  const viaA = (await deliver(a.url, '110', report('110', 'crime', s, s.at).payload)).body as FeedAck;
  const viaB = (await deliver(b.url, '119', report('119', 'fire', offset(s, 5000, 0), s.at).payload)).body as FeedAck;
  for (const c of [onA, onB]) {
    await c.waitFor((x) => x.incident?.id === viaA.incidentId);
    await c.waitFor((x) => x.incident?.id === viaB.incidentId);
    expect(c.duplicates).toBe(0);
  }
});

it('takes unit positions and gauge readings over MQTT and shows them on every wall', async () => {
  const since = await headSeq(a.url);
  const onA = wallOn(a, since);
  const onB = wallOn(b, since);
  await Promise.all([onA.ready(), onB.ready()]);
  const s = freshScene();
  const [unitId] = await placeUnits(db, [{ type: 'ambulance', agency: '120', ...s }]);
  const pub = await mqtt.connectAsync(TEST_MQTT_URL, { clientId: `test-pub-${Date.now()}`, username: 'avl-tracker' });
  const moved = offset(s, 250, 0);
  const fix = encodeAvl({
    unitId: unitId!,
    cotType: 'a-f-G-E-V-M',
    at: new Date(),
    staleAfterS: 120,
    ...moved,
    accuracyM: 8,
    status: null,
  });
  await pub.publishAsync(`harbin/avl/${unitId}`, JSON.stringify(fix), { qos: 1 });
  // 哈尔滨 station on the Songhua: above its warning level, the reading raises a flood-control alert.
  const stations = (await import('../../data/feeds/gauge-stations.json')).stations as {
    stcd: string;
    warningLevelM: number | null;
  }[];
  const station = stations.find((st) => st.warningLevelM !== null)!;
  const at = new Date();
  at.setUTCSeconds(0, 0);
  const reading = encodeGauge({ stcd: station.stcd, at, waterLevelM: station.warningLevelM! + 0.35, rainfallMm: 12.5 });
  await pub.publishAsync(`harbin/flood/gauge/${station.stcd}`, JSON.stringify(reading), { qos: 1 });
  await pub.endAsync();
  for (const c of [onA, onB]) {
    const u = await c.waitFor((x) => x.unit?.id === unitId && Math.abs((x.unit?.lon ?? 0) - moved.lon) < 1e-6);
    expect(u.unit!.accuracyM).toBe(8);
    const g = await c.waitFor((x) => x.gauge?.stationId === station.stcd && x.gauge.at === at.toISOString());
    expect(g.gauge!.overWarning).toBe(true);
    await c.waitFor(
      (x) => x.incident?.records.some((r) => r.category === 'gauge_alarm' && r.reportedAt === at.toISOString()) ?? false,
    );
  }
});

it('loses no acknowledged record and duplicates nothing when a gateway is killed under a 1,000-events/s feed; walls converge', async () => {
  const EVENTS = Number(process.env.CLUSTER_EVENTS ?? 1000);
  const events = Array.from({ length: EVENTS }, () => {
    const s = freshScene();
    return [
      report('110', 'traffic_crash', s, s.at),
      report('120', 'injury', offset(s, 40, 30), new Date(s.at.getTime() + 60_000)),
      report('traffic', 'traffic_crash', offset(s, -50, 10), new Date(s.at.getTime() + 120_000)),
    ];
  });
  const deliveries = events.flatMap((e, i) => e.map((r) => ({ event: i, r })));
  const since = await headSeq(b.url);
  const walls = [wallOn(a, since), wallOn(b, since), wallOn(b, since)];
  await Promise.all(walls.map((w) => w.ready()));

  const acked = new Map<string, FeedAck>();
  let sent = 0;
  let killedAt = 0;
  let restartedAt = 0;
  let headAtRestart = 0;
  const port = a.port;
  const t0 = Date.now();
  // Paced at 1,000 per second; each delivery retried until acknowledged (what an agency system does).
  const send = async (d: (typeof deliveries)[number], due: number) => {
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    for (;;) {
      try {
        const res = await deliver(a.url, d.r.truth.source, d.r.payload);
        if (res.status === 200 || res.status === 201) {
          acked.set(`${d.r.truth.source}/${d.r.truth.sourceId}`, res.body as FeedAck);
          return;
        }
        if (res.status < 500) throw new Error(`rejected: ${res.status} ${JSON.stringify(res.body)}`);
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('rejected')) throw err;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const killer = (async () => {
    while (acked.size < deliveries.length / 3) await new Promise((r) => setTimeout(r, 10));
    killedAt = Date.now();
    sent = acked.size;
    await a.stop('SIGKILL');
    a = await startGateway(env, 180_000, port);
    restartedAt = Date.now();
    headAtRestart = await headSeq(b.url);
  })();
  await Promise.all([...deliveries.map((d, i) => send(d, t0 + i)), killer]);

  // 0 lost: every acknowledged record is stored, once, in the incident its acknowledgement named.
  const rows = await db.query<{ source: string; source_id: string; incident_id: number }>(
    `SELECT source, source_id, incident_id FROM feed_record WHERE (source, source_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [deliveries.map((d) => d.r.truth.source), deliveries.map((d) => d.r.truth.sourceId)],
  );
  expect(acked.size).toBe(deliveries.length);
  expect(rows).toHaveLength(deliveries.length);
  const incidentOf = new Map(rows.map((r) => [`${r.source}/${r.source_id}`, Number(r.incident_id)]));
  for (const [key, ack] of acked) expect(incidentOf.get(key)).toBe(ack.incidentId);
  // 0 duplicates after fusion: the three reports of each event are one incident, and no two events share one.
  const perEvent = events.map((e) => new Set(e.map((r) => incidentOf.get(`${r.truth.source}/${r.truth.sourceId}`))));
  expect(perEvent.filter((s) => s.size !== 1)).toHaveLength(0);
  expect(new Set(perEvent.map((s) => [...s][0])).size).toBe(EVENTS);

  // Walls converge within 5 s of the restart: everything committed before it has reached all three.
  const committed = (
    await db.query<{ seq: number }>(`SELECT seq FROM change_log WHERE seq > $1 AND seq <= $2 AND topic = 'incident'`, [
      since,
      headAtRestart,
    ])
  ).map((r) => Number(r.seq));
  const deadline = restartedAt + 5000;
  for (const w of walls) {
    while (committed.some((s) => !w.applied.has(s)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(committed.filter((s) => !w.applied.has(s))).toEqual([]);
  }
  // And at the end, every wall holds the final state of every incident of the run.
  const finalSeq = await headSeq(b.url);
  for (const w of walls) {
    const end = Date.now() + 5000;
    while (w.lastSeq < finalSeq && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const latest = new Map<number, number>();
    for (const c of w.applied.values())
      if (c.incident) latest.set(c.incident.id, Math.max(latest.get(c.incident.id) ?? 0, c.seq));
    for (const s of perEvent) expect(latest.has([...s][0]!)).toBe(true);
  }
  console.log(
    `SIGKILL under feed: ${deliveries.length} records, ${sent} acknowledged before the kill, restart took ${restartedAt - killedAt} ms, ` +
      `feed ran ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
}, 300_000);

it('keeps taking webhooks and says so in its health when the MQTT broker cannot be reached', async () => {
  const port = await freePort();
  const lonely = await startGateway({ ...env, REDIS_URL: '', MQTT_URL: `mqtt://127.0.0.1:${port}` }, 180_000, undefined, [
    'degraded',
  ]);
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const res = await fetch(`${lonely.url}/api/health`);
    const health = (await res.json()) as { status: string; streams: string; problems: string[] };
    expect(res.status).toBe(503);
    expect(health).toMatchObject({ status: 'degraded', streams: 'unavailable' });
    expect(health.problems.join(' ')).toMatch(/MQTT streams .*broker unreachable/);
    const s = freshScene();
    expect((await deliver(lonely.url, '110', report('110', 'crime', s, s.at).payload)).status).toBe(201);
  } finally {
    await lonely.stop();
  }
}, 240_000);
