/**
 * The air-defence section, on the real gateway process over PostGIS with its embedded MQTT broker:
 *
 * - a drill command to 500 simulated sirens (each its own MQTT client and login, scripts/scenario/sirens.ts), from the
 *   leader's confirmation (POST …/confirm sent) until the commander's Socket.IO client receives the command's summary
 *   with all 500 acknowledged; and each siren's acknowledgement after the confirmation (the gateway's own record);
 * - beside the broker's bare round trip: the same 500 clients on an aedes broker in this process, one publisher sending
 *   a QoS 1 message to each client's topic and waiting for its QoS 1 echo — no database, no policy, no change log.
 */
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { io as connect, type Socket } from 'socket.io-client';
import type { SirenCommandSummary, SirenImportResult } from '../../contracts/airdefense';
import type { ChangesCatchUp } from '../../contracts/incidents';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../contracts/realtime';
import { openPostgres } from '../../geo/db/postgres';
import { SirenSimulator } from '../scenario/sirens';
import type { StandaloneContext } from './context';
import { closeConnections, expectOk, send } from './http';
import { freePort, login, startGateway } from './ingest-load';
import type { Report } from './report';
import { fmt, nowMs, ratio, summarise } from './stats';

const SECTION = 'Air defence (防空警报)';
const SIRENS = Number(process.env.BENCH_SIRENS ?? 500);
const ROUNDS = Number(process.env.BENCH_SIREN_ROUNDS ?? 12);
const WARMUP = 2;
const COMMANDER = { username: 'zhihui.wang', password: 'Zhw#Command-7316' };
const LEADER = { username: 'lingdao.sun', password: 'Lds#Leader-8641' };
const SYSADMIN = { username: 'sysadmin.liu', password: 'Liu#SysOps-5372' };

type WallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The commander's socket on the `sirens` layer: when each command was first seen with every siren acknowledged. */
async function commandWatcher(baseUrl: string, cookie: string) {
  const allAcked = new Map<string, number>();
  const socket: WallSocket = connect(baseUrl, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false });
  socket.on('changes', (batch) => {
    const at = nowMs();
    for (const c of batch) {
      const cmd: SirenCommandSummary | undefined = c.sirenCommand;
      if (!cmd || allAcked.has(cmd.id)) continue;
      if (cmd.counts.acked + cmd.counts.sounding + cmd.counts.completed === cmd.sirenCount) allAcked.set(cmd.id, at);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  await new Promise<void>((resolve, reject) =>
    socket.emit('changes:subscribe', { layers: ['sirens'], areas: [], since: null }, (ack: Ack<ChangesCatchUp>) =>
      ack.ok ? resolve() : reject(new Error(ack.error.message)),
    ),
  );
  return { socket, allAcked };
}

const waitFor = async (check: () => boolean, what: string, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 2));
  }
};

/** The reference: a bare aedes broker, one publisher, SIRENS echo clients; time until every echo is back. */
async function bareRoundTrips(rounds: number): Promise<{ all: number[]; each: number[]; close: () => Promise<void> }> {
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `mqtt://127.0.0.1:${port}`;
  const echoes: MqttClient[] = [];
  for (let i = 0; i < SIRENS; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, SIRENS - i) }, async (_, k) => {
        const c = await mqtt.connectAsync(url, { clientId: `echo-${i + k}`, reconnectPeriod: 0 });
        await c.subscribeAsync(`bare/${i + k}/cmd`, { qos: 1 });
        c.on('message', (_t, payload) => void c.publishAsync(`bare/${i + k}/state`, payload, { qos: 1 }));
        return c;
      }),
    );
    echoes.push(...batch);
  }
  const controller = await mqtt.connectAsync(url, { clientId: 'bare-controller', reconnectPeriod: 0 });
  await controller.subscribeAsync('bare/+/state', { qos: 1 });
  const all: number[] = [];
  const each: number[] = [];
  let pending = new Map<string, number>();
  let start = 0;
  controller.on('message', (topic) => {
    if (pending.delete(topic)) each.push(nowMs() - start);
  });
  for (let r = 0; r < rounds + WARMUP; r++) {
    pending = new Map(Array.from({ length: SIRENS }, (_, i) => [`bare/${i}/state`, 0]));
    const eachBefore = each.length;
    start = nowMs();
    await Promise.all(
      Array.from({ length: SIRENS }, (_, i) => controller.publishAsync(`bare/${i}/cmd`, `{"round":${r}}`, { qos: 1 })),
    );
    await waitFor(() => pending.size === 0, 'every bare echo');
    if (r < WARMUP) each.splice(eachBefore);
    else all.push(nowMs() - start);
  }
  return {
    all,
    each,
    close: async () => {
      await Promise.all([controller, ...echoes].map((c) => c.endAsync().catch(() => undefined)));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function benchSirens(ctx: StandaloneContext, report: Report): Promise<void> {
  const mqttPort = await freePort();
  const gateway = await startGateway({ databaseUrl: ctx.databaseUrl, extraEnv: { MQTT_PORT: String(mqttPort) } });
  const db = await openPostgres(ctx.databaseUrl);
  let sim: SirenSimulator | null = null;
  let watcher: Awaited<ReturnType<typeof commandWatcher>> | null = null;
  try {
    const [commander, leader, sysadmin] = [
      await login(gateway.baseUrl, COMMANDER.username, COMMANDER.password, '10.79.0.1'),
      await login(gateway.baseUrl, LEADER.username, LEADER.password, '10.79.0.2'),
      await login(gateway.baseUrl, SYSADMIN.username, SYSADMIN.password, '10.79.0.3'),
    ];
    // Fresh ids each run (the register keeps earlier ones), on unit-grid cells spread over the whole covered city.
    const tag = `B${Date.now().toString(36)}`;
    const places = await db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
         SELECT ST_PointOnSurface(geom) AS p, row_number() OVER (ORDER BY code) AS n, count(*) OVER () AS total FROM grid_cell) c
        WHERE n % greatest(1, total / $1) = 0 ORDER BY n LIMIT $1`,
      [SIRENS],
    );
    const rows = places.map(
      (p, i) => `${tag}-${i},基准警报器${i},电声,1200,700,${Number(p.lon).toFixed(6)},${Number(p.lat).toFixed(6)},基准`,
    );
    const imported = JSON.parse(
      await expectOk(
        send(`${gateway.baseUrl}/api/airdefense/sirens/import`, sysadmin, {
          csv: `id,name,kind,rated_power_w,radius_m,lon,lat,site\n${rows.join('\n')}\n`,
        }),
        'siren import',
      ),
    ) as SirenImportResult;
    sim = await SirenSimulator.start({
      brokerUrl: `mqtt://127.0.0.1:${mqttPort}`,
      speed: 0,
      sirens: imported.credentials.map((c) => ({ id: c.sirenId, password: c.password, behaviour: 'ok' as const })),
    });
    watcher = await commandWatcher(gateway.baseUrl, commander);
    const ids = imported.credentials.map((c) => c.sirenId);
    const toAll: number[] = [];
    const commandIds: string[] = [];
    for (let r = 0; r < ROUNDS + WARMUP; r++) {
      const proposed = JSON.parse(
        await expectOk(
          send(`${gateway.baseUrl}/api/airdefense/commands`, commander, {
            scope: { sirenIds: ids },
            signal: 'test',
            drill: true,
            reason: `基准测试第 ${r + 1} 轮`,
          }),
          'proposal',
        ),
      ) as SirenCommandSummary;
      const t0 = nowMs();
      await expectOk(send(`${gateway.baseUrl}/api/airdefense/commands/${proposed.id}/confirm`, leader, {}), 'confirmation');
      await waitFor(() => watcher!.allAcked.has(proposed.id), `all ${SIRENS} acknowledgements of round ${r + 1}`);
      if (r >= WARMUP) {
        toAll.push(watcher.allAcked.get(proposed.id)! - t0);
        commandIds.push(proposed.id);
      }
    }
    const perSiren = (
      await db.query<{ ms: number }>(
        `SELECT EXTRACT(EPOCH FROM (t.acked_at - c.confirmed_at)) * 1000 AS ms
           FROM siren_command_target t JOIN siren_command c ON c.id = t.command_id
          WHERE t.command_id = ANY($1::uuid[]) AND t.acked_at IS NOT NULL`,
        [commandIds],
      )
    ).map((r) => Number(r.ms));
    const bare = await bareRoundTrips(ROUNDS);
    await bare.close();
    const sub = summarise(toAll);
    const ref = summarise(bare.all);
    const subEach = summarise(perSiren);
    const refEach = summarise(bare.each);
    const row = (figure: string, value: string, reference: string, r: string) =>
      report.add({ section: SECTION, figure, backend: 'postgis', value, reference, ratio: r, target: '—', verdict: 'info' });
    row(
      `drill command to ${SIRENS} sirens → all acknowledged, seen on the commander's socket (p50 / p95, ${ROUNDS} rounds)`,
      `${fmt(sub.p50)} / ${fmt(sub.p95)}`,
      `bare MQTT publish → echo from all ${SIRENS}: ${fmt(ref.p50)} / ${fmt(ref.p95)}`,
      ratio(sub.p95, ref.p95),
    );
    row(
      `one siren's acknowledgement after the confirmation (p50 / p95 of ${subEach.n})`,
      `${fmt(subEach.p50)} / ${fmt(subEach.p95)}`,
      `bare round trip per client: ${fmt(refEach.p50)} / ${fmt(refEach.p95)}`,
      ratio(subEach.p95, refEach.p95),
    );
    report.note(
      `${SECTION}: ${SIRENS} simulated sirens, each its own MQTT connection with its own login to the gateway's embedded ` +
        `aedes broker, answering ack → sounding → done at once; each round is a 试鸣 drill proposed by the commander and ` +
        `confirmed by the leader, timed from the confirmation request until the commander's socket holds the command ` +
        `summary with every siren acknowledged (the gateway writes the answers by group commit, updates the command and ` +
        `appends the change log). The reference runs the same ${SIRENS} clients against a bare aedes broker in the bench ` +
        `process. ${WARMUP} warm-up rounds each.`,
    );
  } finally {
    watcher?.socket.disconnect();
    await sim?.stop();
    await db.close();
    closeConnections();
    await gateway.stop();
  }
}
