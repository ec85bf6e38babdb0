import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import request from 'supertest';
import pino from 'pino';
import { loadConfig } from '../../gateway/config';
import { latestGaugeReadings } from '../../gateway/feeds/gauge-writer';
import { gaugeTopic } from '../../gateway/feeds/gauges';
import { startMqttBridge, type MqttBridge } from '../../gateway/feeds/mqtt';
import { StreamMonitor } from '../../gateway/feeds/stream-health';
import { encodeAvl, encodeGauge } from '../../scripts/scenario/encoders';
import { createTestApp, type TestApp } from '../support/app';
import { testDatabaseUrl } from '../support/env';
import { FEED_KEYS, placeUnits } from '../support/feeds';

/**
 * Gauge readings and unit positions through the gateway's embedded MQTT broker (aedes) on the real test PostGIS: a
 * message that cannot be stored becomes a dead letter and the stream goes on; the publisher's PUBACK comes only
 * once its message is stored; a stream held up by storage is reported by /api/health.
 */
const HARBIN = '10800400';
const MULAN = '10800710';
let t: TestApp;
let bridge: MqttBridge;
let gauges: MqttClient;
let avl: MqttClient;
const trigger = `test_gauge_poison_${randomBytes(4).toString('hex')}`;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  t = await createTestApp();
  t.readiness.streamMonitor = new StreamMonitor(1000);
  const port = await freePort();
  const cfg = loadConfig({
    ...process.env,
    MQTT_URL: undefined,
    MQTT_PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  });
  bridge = (await startMqttBridge(cfg, t.readiness, pino({ level: 'silent' })))!;
  const url = `mqtt://127.0.0.1:${bridge.brokerPort}`;
  gauges = await mqtt.connectAsync(url, { ...FEED_KEYS.mqtt.flood, reconnectPeriod: 0 });
  avl = await mqtt.connectAsync(url, { ...FEED_KEYS.mqtt.avl, reconnectPeriod: 0 });
  // A storage failure no validation catches: the database refuses one particular water level for what it is.
  await t.db.exec(`CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF round(NEW.water_level_m::numeric, 2) = 111.11 THEN RAISE EXCEPTION 'simulated refusal' USING ERRCODE = '22023'; END IF;
    RETURN NEW; END $$;
    CREATE TRIGGER ${trigger} BEFORE INSERT ON gauge_reading FOR EACH ROW EXECUTE FUNCTION ${trigger}();`);
});
afterAll(async () => {
  await t.db.exec(`DROP TRIGGER IF EXISTS ${trigger} ON gauge_reading; DROP FUNCTION IF EXISTS ${trigger}();`);
  await gauges?.endAsync();
  await avl?.endAsync();
  await bridge?.close();
  await t.state.command.ingest.flush();
  await t.close();
});

/** A time of its own for each reading (readings are unique per station and time), minutes in the past. */
let minutes = 0;
const past = () => new Date(Math.floor((Date.now() - ++minutes * 60_000 - 3_600_000) / 1000) * 1000);
const reading = (stcd: string, at: Date, z: number, extra = '') => {
  const json = JSON.stringify(encodeGauge({ stcd, at, waterLevelM: z, rainfallMm: 1 }));
  return extra ? `${json.slice(0, -1)},${extra}}` : json;
};
const publish = (c: MqttClient, topic: string, payload: string) => c.publishAsync(topic, payload, { qos: 1 });
const storedAt = async (stcd: string, at: Date) =>
  (await t.db.query('SELECT 1 FROM gauge_reading WHERE station_id = $1 AND at = $2', [stcd, at])).length;
const lastDeadLetter = async () =>
  (
    await t.db.query<{ code: string; reason: string; transport: string; payload: string }>(
      `SELECT code, reason, transport, payload FROM dead_letter WHERE source = 'flood-gauge' ORDER BY id DESC LIMIT 1`,
    )
  )[0];

describe('a poison message', () => {
  it('U+0000 in an extra field of a reading over the warning level: dead letter, and the stream goes on', async () => {
    const [poisonAt, goodAt, otherAt] = [past(), past(), past()];
    const [unit] = await placeUnits(t.db, [{ type: 'ambulance', agency: '120', lon: 126.63, lat: 45.76 }]);
    const fixAt = new Date(Date.now() + 1000);
    // Every publish resolves on its PUBACK; by then the message is stored or dead-lettered.
    await publish(gauges, gaugeTopic(HARBIN), reading(HARBIN, poisonAt, 118.9, '"rtu":"A\\u0000"'));
    const letter = await lastDeadLetter();
    expect(letter).toMatchObject({ code: 'malformed', transport: 'mqtt', reason: expect.stringMatching(/rtu.*U\+0000/) });
    expect(letter!.payload).toContain('118.9');
    await publish(gauges, gaugeTopic(HARBIN), reading(HARBIN, goodAt, 118.7));
    await publish(gauges, gaugeTopic(MULAN), reading(MULAN, otherAt, 100.2));
    await publish(
      avl,
      `harbin/avl/${unit}`,
      JSON.stringify(
        encodeAvl({
          unitId: unit!,
          cotType: 'a-f-G-E-V',
          at: fixAt,
          staleAfterS: 120,
          lon: 126.64,
          lat: 45.77,
          accuracyM: 5,
          status: null,
        }),
      ),
    );
    expect(await storedAt(HARBIN, poisonAt)).toBe(0);
    expect(await storedAt(HARBIN, goodAt)).toBe(1);
    expect(await storedAt(MULAN, otherAt)).toBe(1);
    const [u] = await t.db.query<{ lon: number }>('SELECT ST_X(geom) AS lon FROM unit WHERE id = $1', [unit!]);
    expect(u!.lon).toBeCloseTo(126.64, 6);
    // The good reading over the warning level opened its alarm incident.
    const alarm = `gauge-${HARBIN}-${goodAt.toISOString().slice(0, 13).replace(/[-T:]/g, '')}`;
    expect(await t.db.query(`SELECT 1 FROM feed_record WHERE source = 'flood' AND source_id = $1`, [alarm])).toHaveLength(1);
  });

  it('a reading the database refuses (no validation catches it): dead letter with the reason, the stream goes on', async () => {
    const [badAt, goodAt] = [past(), past()];
    await publish(gauges, gaugeTopic(MULAN), reading(MULAN, badAt, 111.11));
    expect(await lastDeadLetter()).toMatchObject({
      code: 'malformed',
      reason: expect.stringMatching(/这条消息无法保存：simulated refusal/),
    });
    await publish(gauges, gaugeTopic(MULAN), reading(MULAN, goodAt, 100.3));
    expect(await storedAt(MULAN, badAt)).toBe(0);
    expect(await storedAt(MULAN, goodAt)).toBe(1);
  });
});

describe('acknowledgement after durability', () => {
  it('sends no PUBACK while the reading cannot be written; health says the stream is stalled; then both resume', async () => {
    expect((await request(t.app).get('/api/health').expect(200)).body.status).toBe('ok');
    const at = past();
    const blocker = new pg.Client({ connectionString: testDatabaseUrl() });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE gauge_reading IN EXCLUSIVE MODE');
      let acked = false;
      const puback = publish(gauges, gaugeTopic(HARBIN), reading(HARBIN, at, 117.5)).then(() => (acked = true));
      await new Promise((r) => setTimeout(r, 1500));
      expect(acked).toBe(false);
      const health = await request(t.app).get('/api/health').expect(503);
      expect(health.body).toMatchObject({ status: 'degraded', streamDetail: { gauges: { state: 'stalled' } } });
      expect(health.body.problems.join(' ')).toMatch(/MQTT stream gauges: stalled/);
      await blocker.query('COMMIT');
      await puback;
      expect(await storedAt(HARBIN, at)).toBe(1);
    } finally {
      await blocker.end();
    }
    expect((await request(t.app).get('/api/health').expect(200)).body.status).toBe('ok');
  });
});

describe('readings stamped ahead of the clock', () => {
  it('are dead letters, and one kept from before does not freeze the station’s latest value', async () => {
    const ahead = new Date(Math.floor((Date.now() + 3_600_000) / 1000) * 1000);
    await publish(gauges, gaugeTopic(HARBIN), reading(HARBIN, ahead, 119.9));
    expect(await lastDeadLetter()).toMatchObject({
      code: 'bad_time',
      reason: expect.stringMatching(/tm \S+ 比平台时钟快 \d+ 秒/),
    });
    expect(await storedAt(HARBIN, ahead)).toBe(0);
    // A future-dated row stored before the check existed.
    await t.db.query(`INSERT INTO gauge_reading (station_id, at, water_level_m) VALUES ($1, $2, 130)`, [MULAN, ahead]);
    const now = new Date(Math.floor((Date.now() - 1000) / 1000) * 1000);
    await publish(gauges, gaugeTopic(MULAN), reading(MULAN, now, 100.4));
    const latest = (await latestGaugeReadings(t.db, t.state.command.stations)).find((g) => g.stationId === MULAN);
    expect(latest).toMatchObject({ at: now.toISOString(), waterLevelM: expect.closeTo(100.4, 3) });
  });
});
