import { createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { ChangeHub } from '../changes/hub';
import type { Config } from '../config';
import type { Readiness, ReadyState } from '../deps';
import { AppError } from '../http/errors';
import { locateReport } from '../incidents/locate';
import { FeedRejection } from './adapter';
import { AVL_TOPIC_FILTER, AVL_TOPIC_PREFIX, parseAvlMessage } from './avl';
import { recordDeadLetter } from './dead-letters';
import { gaugeAlarmReport, writeGaugeReading } from './gauge-writer';
import { GAUGE_TOPIC_FILTER, GAUGE_TOPIC_PREFIX, parseGaugeMessage, type GaugeStation } from './gauges';
import type { FeedKeys } from './keys';

/** Which stream a publisher may write to, by its broker login (embedded broker). */
const STREAM_TOPICS = { flood: GAUGE_TOPIC_PREFIX, avl: AVL_TOPIC_PREFIX } as const;

export interface MqttBridge {
  /** The embedded broker's port, or null when an external broker is used. */
  brokerPort: number | null;
  close(): Promise<void>;
}

/**
 * Flood-control gauges and unit positions over MQTT. With MQTT_URL the gateway subscribes to that broker
 * (shared subscription, so several gateways split the streams); without it an embedded broker (aedes) listens
 * on MQTT_PORT with one login per stream. Each message is acknowledged (PUBACK) only after it is stored or
 * dead-lettered, on a persistent session, so the broker redelivers what a crashed gateway had not stored.
 */
export async function startMqttBridge(cfg: Config, readiness: Readiness, log: Logger): Promise<MqttBridge | null> {
  const state = readiness.current;
  if (!state) throw new Error('the MQTT bridge starts after the platform is ready');
  const keys = state.command.keys;
  let broker: Aedes | null = null;
  let server: Server | null = null;
  let url = cfg.MQTT_URL;
  if (!url) {
    if (cfg.MQTT_PORT === 0) return null;
    broker = await Aedes.createBroker({ id: `harbin-${hostname()}` });
    // Which stream login each connected client used.
    const loginOf = new WeakMap<object, string>();
    broker.authenticate = (client, username, password, done) => {
      const login = Object.entries(keys.mqtt).find(([, c]) => c.username === username && c.password === password?.toString());
      if (login) {
        loginOf.set(client, login[0]);
        done(null, true);
      } else done(Object.assign(new Error('bad username or password'), { returnCode: 4 as const }), false);
    };
    broker.authorizePublish = (client, packet, done) => {
      const login = client ? loginOf.get(client) : undefined;
      const prefix = login && login in STREAM_TOPICS ? STREAM_TOPICS[login as keyof typeof STREAM_TOPICS] : null;
      done(prefix && packet.topic.startsWith(prefix) ? null : new Error(`not allowed to publish to ${packet.topic}`));
    };
    broker.authorizeSubscribe = (client, sub, done) => {
      done(null, loginOf.get(client) === 'gateway' ? sub : null);
    };
    broker.on('client', (client) => log.debug({ client: client.id }, 'mqtt client connected'));
    server = createServer(broker.handle);
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(cfg.MQTT_PORT, cfg.HOST, () => resolve());
    });
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : cfg.MQTT_PORT;
    url = `mqtt://127.0.0.1:${port}`;
    log.info({ port }, 'embedded MQTT broker listening');
  }
  const stations = state.command.stations;
  const client = await connectGateway(url, keys, cfg, Boolean(cfg.MQTT_URL));
  client.handleMessage = (packet, done) => {
    void handleMessage(readiness, stations, packet.topic, packet.payload as Buffer, log).finally(() => done());
  };
  client.on('error', (err) => log.warn({ err: err.message }, 'mqtt client error'));
  client.on('offline', () => (readiness.streams = 'unavailable'));
  client.on('connect', () => (readiness.streams = 'connected'));
  // Every gateway takes every message (writes are idempotent: one reading per station and time, a position only
  // when newer, one record per source id). A shared subscription would split the load, but brokers keep routing
  // shares to offline persistent sessions, where the messages wait unseen.
  await client.subscribeAsync([GAUGE_TOPIC_FILTER, AVL_TOPIC_FILTER], { qos: 1 });
  log.info({ url: url.replace(/\/\/[^@]*@/, '//***@') }, 'subscribed to gauge and AVL streams');
  readiness.streams = 'connected';
  const brokerPort = server ? ((server.address() as { port: number }).port ?? null) : null;
  return {
    brokerPort,
    close: async () => {
      await client.endAsync().catch(() => undefined);
      if (broker) await new Promise<void>((resolve) => broker!.close(() => resolve()));
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };
}

/** How long an external broker keeps a stopped gateway's session (and its queued messages). */
export const SESSION_EXPIRY_S = 3600;

async function connectGateway(url: string, keys: FeedKeys, cfg: Config, external: boolean): Promise<MqttClient> {
  // A fixed client id per host and port with a persistent session: what arrives while the gateway is down (a crash,
  // a restart) is delivered when it is back. On an external broker the session expires after SESSION_EXPIRY_S
  // (MQTT 5), so gateways that are gone for good do not collect messages for ever.
  const clientId = `harbin-gw-${hostname()}-${cfg.PORT}`;
  return mqtt.connectAsync(url, {
    clientId,
    clean: false,
    ...(external ? { protocolVersion: 5 as const, properties: { sessionExpiryInterval: SESSION_EXPIRY_S } } : {}),
    username: keys.mqtt.gateway.username,
    password: keys.mqtt.gateway.password,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
  });
}

/** Stores one message or dead-letters it; retries storage while the database is unavailable. */
async function handleMessage(readiness: Readiness, stations: GaugeStation[], topic: string, payload: Buffer, log: Logger) {
  const state = readiness.current!;
  const text = payload.toString('utf8');
  const source = topic.startsWith(GAUGE_TOPIC_PREFIX) ? 'flood-gauge' : topic.startsWith(AVL_TOPIC_PREFIX) ? 'avl' : 'mqtt';
  for (let attempt = 1; ; attempt++) {
    try {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (err) {
        throw new FeedRejection('malformed', `the payload is not JSON: ${(err as Error).message}`);
      }
      if (source === 'flood-gauge') await storeGauge(state, readiness.changes, stations, topic, body);
      else if (source === 'avl') await storeFix(state, topic, body);
      else throw new FeedRejection('malformed', `no stream on topic ${topic}`);
      return;
    } catch (err) {
      if (err instanceof FeedRejection || err instanceof AppError) {
        const kind = err instanceof FeedRejection ? err.kind : err.code;
        await recordDeadLetter(state.db, {
          source,
          sourceId: null,
          code: kind,
          reason: err.message,
          transport: 'mqtt',
          payload: text,
        }).catch((e: unknown) => log.error({ err: e }, 'could not store an MQTT dead letter'));
        return;
      }
      log.warn({ err, topic, attempt }, 'MQTT message not stored; retrying');
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
    }
  }
}

async function storeGauge(
  state: ReadyState,
  hub: ChangeHub,
  stations: GaugeStation[],
  topic: string,
  body: unknown,
): Promise<void> {
  const reading = parseGaugeMessage(topic, body, stations);
  await writeGaugeReading(state.db, hub, state.geo.locator, reading);
  const station = stations.find((s) => s.stcd === reading.stationId)!;
  const report = gaugeAlarmReport(reading, station);
  if (report) {
    const place = await locateReport(report, state.geo.locator, state.geo.geocoder, state.db);
    await state.command.ingest.submit({ report, place, native: body, transport: 'mqtt' });
  }
}

async function storeFix(state: ReadyState, topic: string, body: unknown): Promise<void> {
  const fix = parseAvlMessage(topic, body);
  const result = await state.command.avl.submit(fix);
  if (!result.applied && result.reason === 'unknown_unit') {
    throw new FeedRejection('unknown_code', `no unit ${fix.unitId} is registered`);
  }
}
