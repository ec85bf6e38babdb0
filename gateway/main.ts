import { createServer } from 'node:http';
import { createApp } from './app';
import { loadConfig, redactUrl } from './config';
import { Readiness } from './deps';
import { attachRealtime } from './realtime/server';
import { readSeed } from './auth/seed';
import { startPlatform } from './startup';
import { startMqttBridge, type MqttBridge } from './feeds/mqtt';
import { MediaGateway } from './media/gateway';
import { NotifyService } from './notify/service';
import { seedDemoRoster } from './duty/demo-roster';
import { startReportDelivery } from './reports/receiver';
import { createLogger } from './log';

/** The demo accounts and their published passwords, printed only while the demo seed is on. */
function demoLoginLines(seed: 'demo' | 'none'): string[] {
  if (seed !== 'demo') return [];
  const users = readSeed();
  return [
    '',
    '  Demo logins (demo data only; set IDENTITY_SEED=none in production):',
    ...users.map((u) => `    ${u.username.padEnd(18)} ${u.password.padEnd(22)} ${u.displayName}`),
  ];
}

async function main() {
  const cfg = loadConfig();
  const log = createLogger(cfg.LOG_LEVEL);
  const readiness = new Readiness();
  // The video service starts its workers beside the rest; a missing worker is reported by /api/health, never fatal.
  const media = new MediaGateway(cfg, log, readiness);
  // Notifications: the channels the configuration names; sending starts once the database is ready.
  const notify = new NotifyService(cfg, log);
  const deps = { config: cfg, log, readiness, media, notify };
  const app = createApp(deps);
  const server = createServer(app);
  const realtime = attachRealtime(server, deps);
  notify.attachRealtime(realtime.io);
  await new Promise<void>((resolve) => server.listen(cfg.PORT, cfg.HOST, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : cfg.PORT;
  log.info({ port, database: redactUrl(cfg.DATABASE_URL), city: cfg.CITY_DATA_DIR }, 'listening; starting the platform');

  let mqttBridge: MqttBridge | null = null;
  let reportDelivery: ReturnType<typeof startReportDelivery> = null;
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, 'shutting down');
    server.close();
    void realtime.close();
    const mediaClosed = media.close().catch(() => undefined);
    const state = readiness.current;
    void mediaClosed
      .then(() => mqttBridge?.close())
      .then(() => notify.close())
      .then(() => reportDelivery?.close())
      .then(() => state?.command.ingest.flush())
      .then(() => state?.db.close())
      .catch(() => undefined)
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  void media.start();
  try {
    const t0 = Date.now();
    await startPlatform(cfg, log, readiness);
    if (cfg.IDENTITY_SEED === 'demo') await seedDemoRoster(readiness.db(), log);
    // Queued notifications (also those left by an earlier run) are sent from now on.
    await notify.start(readiness.db());
    // Reports upward waiting in the outbox are sent (and retried) from now on.
    reportDelivery = startReportDelivery(cfg, readiness.db(), log);
    // Gauges and unit positions: a broker problem is reported and leaves everything else running.
    // Not awaited: a broker that is down or slow must not hold up the rest (the client keeps reconnecting).
    void startMqttBridge(cfg, readiness, log).then(
      (bridge) => {
        mqttBridge = bridge;
        if (!bridge) readiness.streams = 'off';
      },
      (err: unknown) => {
        readiness.streams = 'unavailable';
        log.error({ err }, 'MQTT streams unavailable (gauges, unit positions); the rest of the platform runs');
      },
    );
    const url = `http://localhost:${port}/`;
    process.stdout.write(
      [
        '',
        `  哈尔滨城市应急指挥与数字城管平台 is ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
        `  Open ${url}`,
        `  Database: ${redactUrl(cfg.DATABASE_URL)}    City data: ${cfg.CITY_DATA_DIR}`,
        ...demoLoginLines(cfg.IDENTITY_SEED),
        '',
      ].join('\n') + '\n',
    );
  } catch (err) {
    readiness.failure = err instanceof Error ? err.message : String(err);
    log.fatal({ err }, 'start-up failed');
    process.exitCode = 1;
    server.close();
  }
}

void main();
