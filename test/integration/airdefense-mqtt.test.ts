import { createServer } from 'node:net';
import mqtt from 'mqtt';
import pino from 'pino';
import request from 'supertest';
import type { Siren, SirenCommandDetail, SirenImportResult } from '../../contracts/airdefense';
import { AirDefense, useAirDefense } from '../../gateway/airdefense/service';
import { loadSignals } from '../../gateway/airdefense/signals';
import { commandTopic, stateTopic } from '../../gateway/airdefense/wire';
import { loadConfig } from '../../gateway/config';
import { startMqttBridge, type MqttBridge } from '../../gateway/feeds/mqtt';
import { SirenSimulator, type SirenBehaviour } from '../../scripts/scenario/sirens';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

/**
 * Siren commands over the gateway's embedded MQTT broker (aedes) to simulated sirens, each with its own login: the
 * command reaches every siren on its own topic, the answers are tracked per siren, sirens that fail or never answer
 * are shown at once with the streets they leave without sound, and a siren can use only its own topics.
 */
let t: IdentityTestApp;
let bridge: MqttBridge;
let svc: AirDefense;
let sim: SirenSimulator | null = null;
let brokerUrl: string;
const cookie: Record<string, string> = {};
const tag = `M${Date.now() % 100_000}`;
// Twelve sirens over twelve streets, 2.3 km apart with 700 m circles: each failure leaves a gap no other siren fills.
const ids = Array.from({ length: 12 }, (_, i) => `${tag}-${String(i + 1).padStart(2, '0')}`);
const behaviour = (i: number): SirenBehaviour => (i === 3 || i === 8 ? 'fault' : i === 5 || i === 10 ? 'silent' : 'ok');
let credentials: SirenImportResult['credentials'];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  t = await createIdentityTestApp();
  svc = new AirDefense(t.db, t.deps.readiness.changes, pino({ level: 'silent' }), { ...loadSignals(), ackWithinS: 2 });
  useAirDefense(t.deps.readiness, svc);
  const cfg = loadConfig({ ...process.env, MQTT_URL: undefined, MQTT_PORT: String(await freePort()), HOST: '127.0.0.1' });
  bridge = (await startMqttBridge(cfg, t.deps.readiness, pino({ level: 'silent' })))!;
  brokerUrl = `mqtt://127.0.0.1:${bridge.brokerPort}`;
  for (const [name, role, dept] of [
    ['civil', 'handler', 'civil-defence'],
    ['leader', 'leader', 'command-center'],
  ] as const) {
    const a = await createAccount(t.db, { role, departmentId: dept });
    cookie[name] = await login(t.app, a.username, a.password);
  }
  const rows = ids.map(
    (id, i) =>
      `${id},测试警报器${i + 1},电声,1200,700,${(126.6 + (i % 4) * 0.03).toFixed(4)},${(45.715 + Math.floor(i / 4) * 0.022).toFixed(4)},测试楼顶`,
  );
  const res = await request(t.app)
    .post('/api/airdefense/sirens/import')
    .set('Cookie', cookie.civil!)
    .send({ csv: `id,name,kind,rated_power_w,radius_m,lon,lat,site\n${rows.join('\n')}\n` });
  expect(res.status).toBe(200);
  credentials = (res.body as SirenImportResult).credentials;
}, 120_000);
afterAll(async () => {
  await sim?.stop();
  await bridge?.close();
  await svc.close();
  await t.close();
});

const detail = async (id: string) =>
  (await request(t.app).get(`/api/airdefense/commands/${id}`).set('Cookie', cookie.civil!)).body as SirenCommandDetail;

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('refuses a wrong password, and a siren may use only its own topics', async () => {
  await expect(
    mqtt.connectAsync(brokerUrl, { username: `siren-${ids[0]}`, password: 'not-the-password', reconnectPeriod: 0 }),
  ).rejects.toThrow();
  const own = credentials[0]!;
  const c = await mqtt.connectAsync(brokerUrl, { username: own.username, password: own.password, reconnectPeriod: 0 });
  try {
    const [mine] = await c.subscribeAsync(commandTopic(ids[0]!), { qos: 1 });
    expect(mine!.qos).toBe(1);
    // Another siren's command topic: the broker refuses the subscription (SUBACK 0x80).
    await expect(c.subscribeAsync(commandTopic(ids[1]!), { qos: 1 })).rejects.toThrow(/Subscribe error/);
  } finally {
    await c.endAsync();
  }
  // Reporting as another siren gets the connection closed, and the report is not taken.
  const c2 = await mqtt.connectAsync(brokerUrl, { username: own.username, password: own.password, reconnectPeriod: 0 });
  const closed = new Promise<void>((r) => c2.once('close', () => r()));
  c2.publish(stateTopic(ids[1]!), JSON.stringify({ state: 'fault', fault: '冒充' }), { qos: 1 });
  await closed;
  c2.end(true);
  const [other] = await t.db.query<{ state: string }>('SELECT state FROM siren WHERE id = $1', [ids[1]!]);
  expect(other!.state).not.toBe('fault');
});

it('a drill command reaches every siren; answers, faults and silence are tracked with the gap they leave', async () => {
  sim = await SirenSimulator.start({
    brokerUrl,
    speed: 0,
    sirens: credentials.map((c, i) => ({ id: c.sirenId, password: c.password, behaviour: behaviour(i) })),
  });
  const proposed = await request(t.app)
    .post('/api/airdefense/commands')
    .set('Cookie', cookie.civil!)
    .send({ scope: { sirenIds: ids }, signal: 'air_raid', drill: true, reason: '人防演练：单控测试' });
  expect(proposed.status).toBe(202);
  const id = proposed.body.id as string;
  // Nothing is sent before the confirmation.
  await new Promise((r) => setTimeout(r, 300));
  expect(sim.received.size).toBe(0);
  const confirmed = await request(t.app).post(`/api/airdefense/commands/${id}/confirm`).set('Cookie', cookie.leader!).send({});
  expect(confirmed.status).toBe(200);

  const done = await until(
    () => detail(id),
    (d) => d.state === 'completed',
  );
  expect(done.state).toBe('completed');
  // Every siren got the command on its own topic, marked as a drill, with the air-raid pattern.
  expect([...sim.received.keys()].sort()).toEqual(ids);
  for (const cmds of sim.received.values()) {
    expect(cmds).toEqual([
      expect.objectContaining({ commandId: id, signal: 'air_raid', drill: true, pattern: { onS: 6, offS: 6, cycles: 15 } }),
    ]);
  }
  const byState = (s: string) => done.targets.filter((x) => x.state === s).map((x) => x.sirenId);
  expect(byState('failed')).toEqual([ids[3], ids[8]]);
  expect(byState('no_answer')).toEqual([ids[5], ids[10]]);
  expect(byState('completed')).toHaveLength(8);
  expect(done.counts).toMatchObject({ completed: 8, failed: 2, no_answer: 2, sent: 0, acked: 0, sounding: 0 });
  expect(done.targets.find((x) => x.sirenId === ids[3])!.fault).toContain('功放模块故障');
  // Not every siren answered: no time to full acknowledgement.
  expect(done.fullAckMs).toBeNull();
  // The four silent or failed sirens leave their streets partly without sound.
  const sirens = (await request(t.app).get('/api/airdefense/sirens').set('Cookie', cookie.leader!)).body as Siren[];
  const streetOf = new Map(sirens.map((s) => [s.id, s.street]));
  const gapStreets = new Set(done.gaps.map((g) => g.street));
  for (const bad of [ids[3], ids[8], ids[5], ids[10]]) expect(gapStreets).toContain(streetOf.get(bad!));
  expect(done.gaps.every((g) => g.uncoveredShare > 0 && g.uncoveredShare <= 1)).toBe(true);
  const state = (sid: string) => sirens.find((s) => s.id === sid)!.state;
  expect([state(ids[3]!), state(ids[5]!), state(ids[0]!)]).toEqual(['fault', 'offline', 'idle']);
  // The whole network's coverage shows the same gaps.
  const coverage = (await request(t.app).get('/api/airdefense/coverage').set('Cookie', cookie.leader!)).body as {
    down: string[];
  };
  expect(coverage.down).toEqual(expect.arrayContaining([ids[3], ids[5], ids[8], ids[10]]));
});

it('when every siren answers, the time to full acknowledgement is reported', async () => {
  const healthy = [ids[0]!, ids[1]!, ids[2]!];
  const proposed = await request(t.app)
    .post('/api/airdefense/commands')
    .set('Cookie', cookie.civil!)
    .send({ scope: { sirenIds: healthy }, signal: 'all_clear', drill: true, reason: '演练：解除警报' });
  await request(t.app).post(`/api/airdefense/commands/${proposed.body.id}/confirm`).set('Cookie', cookie.leader!).send({});
  const done = await until(
    () => detail(proposed.body.id as string),
    (d) => d.state === 'completed',
  );
  expect(done.counts.completed).toBe(3);
  expect(done.fullAckMs).not.toBeNull();
  expect(done.fullAckMs!).toBeGreaterThanOrEqual(0);
  expect(done.fullAckMs!).toBeLessThan(5000);
  expect(done.gaps).toEqual([]);
});
