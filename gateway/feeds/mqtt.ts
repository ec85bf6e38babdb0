import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { authenticateSiren } from '../airdefense/registry';
import { airDefenseOf } from '../airdefense/service';
import { commandTopic, SIREN_STATE_FILTER, SIREN_TOPIC_PREFIX, sirenOfStateTopic, stateTopic } from '../airdefense/wire';
import { auditMachineLoginFailure } from '../audit/machine-login';
import { isRecordFault } from '../changes/group-commit';
import type { ChangeHub } from '../changes/hub';
import type { Config } from '../config';
import type { Readiness, ReadyState } from '../deps';
import { AppError } from '../http/errors';
import { locateReport } from '../incidents/locate';
import { FeedRejection } from './adapter';
import { AVL_TOPIC_FILTER, AVL_TOPIC_PREFIX, parseAvlMessage } from './avl';
import { assertNotAhead } from './clock';
import { recordDeadLetter } from './dead-letters';
import { gaugeAlarmReport, writeGaugeReading } from './gauge-writer';
import { GAUGE_TOPIC_FILTER, GAUGE_TOPIC_PREFIX, parseGaugeMessage, type GaugeStation } from './gauges';
import type { FeedKeys } from './keys';
import { MQTT_PAYLOAD_MAX_BYTES, parseFeedJson } from './payload';

/** Which stream a publisher may write to, by its broker login (embedded broker). */
const STREAM_TOPICS = { flood: GAUGE_TOPIC_PREFIX, avl: AVL_TOPIC_PREFIX } as const;

export interface MqttBridge {
  /** The embedded broker's port, or null when an external broker is used. */
  brokerPort: number | null;
  close(): Promise<void>;
}

/**
 * Flood-control gauges and unit positions over MQTT, each message acknowledged only once it is stored or
 * dead-lettered:
 * - With MQTT_URL the gateway subscribes to that broker on a persistent session and sends its PUBACK after storing,
 *   so the broker redelivers what a crashed gateway had not stored.
 * - Without it an embedded broker (aedes) listens on MQTT_PORT with one login per stream and stores each message
 *   before the publisher's PUBACK: the broker lives in the gateway's process, so a message it had acknowledged and
 *   only queued would die with the process. A message that cannot be stored for now is not acknowledged; the
 *   publisher is disconnected and sends it again.
 */
export async function startMqttBridge(cfg: Config, readiness: Readiness, log: Logger): Promise<MqttBridge | null> {
  const state = readiness.current;
  if (!state) throw new Error('the MQTT bridge starts after the platform is ready');
  const stations = state.command.stations;
  if (!cfg.MQTT_URL && cfg.MQTT_PORT === 0) return null;
  readiness.streams = 'starting';
  if (cfg.MQTT_URL) return subscribeToBroker(cfg, cfg.MQTT_URL, readiness, stations, log);
  const keys = state.command.keys;
  const broker = await Aedes.createBroker({ id: `harbin-${hostname()}` });
  // Which stream login each connected client used.
  const loginOf = new WeakMap<object, string>();
  const sirens = airDefenseOf(readiness);
  broker.authenticate = (client, username, password, done) => {
    if (username?.startsWith('siren-')) {
      // A siren's own login (data/airdefense/mqtt.md): checked against its stored password hash.
      void authenticateSiren(state.db, username, password?.toString() ?? '').then(
        (sirenId) => {
          if (sirenId) loginOf.set(client, `siren:${sirenId}`);
          done(sirenId ? null : Object.assign(new Error('bad username or password'), { returnCode: 4 as const }), !!sirenId);
        },
        (err: unknown) => done(Object.assign(new Error(String(err)), { returnCode: 3 as const }), false),
      );
      return;
    }
    const login = Object.entries(keys.mqtt).find(([, c]) => c.username === username && c.password === password?.toString());
    if (login) {
      loginOf.set(client, login[0]);
      done(null, true);
    } else {
      const sourceIp = (client.conn as { remoteAddress?: string }).remoteAddress ?? null;
      void auditMachineLoginFailure(
        { db: state.db, config: cfg },
        { channel: 'mqtt', principal: username ?? '(none)', reason: 'bad username or password', sourceIp },
      );
      done(Object.assign(new Error('bad username or password'), { returnCode: 4 as const }), false);
    }
  };
  broker.authorizePublish = (client, packet, done) => {
    const login = client ? loginOf.get(client) : undefined;
    if (login?.startsWith('siren:')) {
      const sirenId = login.slice('siren:'.length);
      if (packet.topic !== stateTopic(sirenId)) return done(new Error(`not allowed to publish to ${packet.topic}`));
      // Written (with the other reports of the moment) before the siren's PUBACK.
      sirens.receive(sirenId, packet.payload as Buffer).then(
        () => done(null),
        (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
      );
      return;
    }
    const prefix = login && login in STREAM_TOPICS ? STREAM_TOPICS[login as keyof typeof STREAM_TOPICS] : null;
    if (!prefix || !packet.topic.startsWith(prefix)) return done(new Error(`not allowed to publish to ${packet.topic}`));
    // Stored (or dead-lettered) before aedes sends the PUBACK; no subscriber needs the message afterwards.
    handleMessage(readiness, stations, packet.topic, packet.payload as Buffer, log, EMBEDDED_ATTEMPTS).then(
      () => done(null),
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
    );
  };
  broker.authorizeSubscribe = (client, sub, done) => {
    const login = loginOf.get(client);
    // A siren hears only its own command topic.
    const own = login?.startsWith('siren:') && sub.topic === commandTopic(login.slice('siren:'.length));
    done(null, login === 'gateway' || own ? sub : null);
  };
  broker.on('clientDisconnect', (client) => {
    const login = loginOf.get(client);
    if (login?.startsWith('siren:')) {
      sirens.disconnected(login.slice('siren:'.length)).catch((err: unknown) => log.warn({ err }, 'siren offline not recorded'));
    }
  });
  sirens.transport = {
    publish: (topic, payload) =>
      new Promise<void>((resolve, reject) =>
        broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false }, (err) =>
          err ? reject(err) : resolve(),
        ),
      ),
  };
  broker.on('client', (client) => log.debug({ client: client.id }, 'mqtt client connected'));
  const server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.MQTT_PORT, cfg.HOST, () => resolve());
  });
  const brokerPort = (server.address() as { port: number }).port;
  log.info({ port: brokerPort }, 'embedded MQTT broker listening; gauge and AVL messages are stored before PUBACK');
  readiness.streams = 'connected';
  return {
    brokerPort,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Storage attempts (about 30 s) before an embedded-broker publisher is sent away unacknowledged to retry. */
const EMBEDDED_ATTEMPTS = 8;

async function subscribeToBroker(
  cfg: Config,
  url: string,
  readiness: Readiness,
  stations: GaugeStation[],
  log: Logger,
): Promise<MqttBridge> {
  const client = connectGateway(url, readiness.current!.command.keys, cfg);
  const sirens = airDefenseOf(readiness);
  client.handleMessage = (packet, done) => {
    const sirenId = sirenOfStateTopic(packet.topic);
    if (sirenId) {
      void sirens.receive(sirenId, packet.payload as Buffer).finally(() => done());
      return;
    }
    if (packet.topic.startsWith(SIREN_TOPIC_PREFIX)) return done();
    void handleMessage(readiness, stations, packet.topic, packet.payload as Buffer, log).finally(() => done());
  };
  sirens.transport = {
    publish: async (topic, payload) => {
      await client.publishAsync(topic, payload, { qos: 1 });
    },
  };
  client.on('error', (err) => log.warn({ err: err.message }, 'mqtt client error'));
  // From the first attempt on, so a broker that is down from the start is reported as such.
  client.on('close', () => (readiness.streams = 'unavailable'));
  client.on('connect', () => (readiness.streams = 'connected'));
  if (!client.connected) await new Promise((resolve) => client.once('connect', resolve));
  // Every gateway takes every message (writes are idempotent: one reading per station and time, a position only
  // when newer, one record per source id). A shared subscription would split the load, but brokers keep routing
  // shares to offline persistent sessions, where the messages wait unseen.
  await client.subscribeAsync([GAUGE_TOPIC_FILTER, AVL_TOPIC_FILTER, SIREN_STATE_FILTER], { qos: 1 });
  log.info({ url: url.replace(/\/\/[^@]*@/, '//***@') }, 'subscribed to gauge and AVL streams');
  readiness.streams = 'connected';
  return {
    brokerPort: null,
    close: async () => {
      await client.endAsync().catch(() => undefined);
    },
  };
}

/** How long an external broker keeps a stopped gateway's session (and its queued messages). */
export const SESSION_EXPIRY_S = 3600;

function connectGateway(url: string, keys: FeedKeys, cfg: Config): MqttClient {
  // A fixed client id per host and port with a persistent session: what arrives while the gateway is down (a crash,
  // a restart) is delivered when it is back. The session expires after SESSION_EXPIRY_S (MQTT 5), so gateways that
  // are gone for good do not collect messages for ever.
  const clientId = `harbin-gw-${hostname()}-${cfg.PORT}`;
  return mqtt.connect(url, {
    clientId,
    clean: false,
    protocolVersion: 5,
    properties: { sessionExpiryInterval: SESSION_EXPIRY_S },
    username: keys.mqtt.gateway.username,
    password: keys.mqtt.gateway.password,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
  });
}

/**
 * Stores one message or dead-letters it, and only then lets it be acknowledged. What can never be stored — not JSON,
 * refused by validation, or refused by the database for what it carries (`isRecordFault`) — is a dead letter with
 * its reason, so one bad message cannot hold the stream. While the database itself is unavailable the message is
 * retried (the stream is reported stalled once that lasts), since acknowledging it would lose it; after
 * `maxAttempts` the last error is thrown and the message stays unacknowledged.
 */
async function handleMessage(
  readiness: Readiness,
  stations: GaugeStation[],
  topic: string,
  payload: Buffer,
  log: Logger,
  maxAttempts = Infinity,
): Promise<void> {
  const state = readiness.current!;
  const text = payload.toString('utf8');
  const source = topic.startsWith(GAUGE_TOPIC_PREFIX) ? 'flood-gauge' : topic.startsWith(AVL_TOPIC_PREFIX) ? 'avl' : 'mqtt';
  const inHand = readiness.streamMonitor.begin(source === 'avl' ? 'avl' : 'gauges');
  for (let attempt = 1; ; attempt++) {
    try {
      if (payload.length > MQTT_PAYLOAD_MAX_BYTES) {
        throw new FeedRejection('malformed', `消息有 ${payload.length} 字节，最多接收 ${MQTT_PAYLOAD_MAX_BYTES} 字节`);
      }
      const body = parseFeedJson(text, '消息');
      if (source === 'flood-gauge') await storeGauge(state, readiness.changes, stations, topic, body);
      else if (source === 'avl') await storeFix(state, topic, body);
      else throw new FeedRejection('malformed', `主题 ${topic} 上没有数据流`);
      inHand.end('stored');
      return;
    } catch (err) {
      let failure = err;
      const rejection =
        err instanceof FeedRejection || err instanceof AppError
          ? { code: err instanceof FeedRejection ? err.kind : err.code, reason: err.message }
          : isRecordFault(err)
            ? { code: 'malformed', reason: `这条消息无法保存：${(err as Error).message}` }
            : null;
      if (rejection) {
        try {
          await recordDeadLetter(state.db, { source, sourceId: null, ...rejection, transport: 'mqtt', payload: text });
          inHand.end('dead_letter');
          return;
        } catch (e) {
          // Not even the dead letter could be written: the database is unavailable; keep the message.
          failure = e;
        }
      }
      inHand.failed(failure);
      if (attempt >= maxAttempts) {
        inHand.end('not_stored');
        throw failure;
      }
      log.warn({ err: failure, topic, attempt }, 'MQTT message not stored; retrying');
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
  assertNotAhead(reading.at, 'tm');
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
  assertNotAhead(fix.at, 'time');
  const result = await state.command.avl.submit(fix);
  if (!result.applied && result.reason === 'unknown_unit') {
    throw new FeedRejection('unknown_code', `没有登记编号为 ${fix.unitId} 的力量：请先在平台中登记该力量`);
  }
}
