/**
 * The gateway assembled as gateway/main.ts assembles it (the same app, Socket.IO server, authentication, rooms,
 * session sweep, heartbeat and change-log tail), plus one benchmark-only door on a second loopback port:
 * `POST /publish` with a change's JSON emits it through the gateway's own Socket.IO server to the change rooms,
 * exactly as the realtime server's broadcast does for each change the tail reads from the change log. This isolates
 * the cost of Socket.IO delivery from ingest (signature check, adapter, database write, fusion) and from the tail's
 * read of the log, without changing any gateway code. Used only by the ingest benchmark.
 *
 *   DATABASE_URL=… PORT=… TRIGGER_PORT=… npx tsx scripts/bench/ingest-hub-gateway.ts
 */
import { createServer } from 'node:http';
import pino from 'pino';
import { TOPIC_LAYER, type Change } from '../../contracts/incidents';
import { createApp } from '../../gateway/app';
import { loadConfig } from '../../gateway/config';
import { Readiness } from '../../gateway/deps';
import { attachRealtime } from '../../gateway/realtime/server';
import { changeRooms } from '../../gateway/realtime/types';
import { startPlatform } from '../../gateway/startup';

async function main() {
  const cfg = loadConfig();
  const log = pino({ level: cfg.LOG_LEVEL });
  const readiness = new Readiness();
  const deps = { config: cfg, log, readiness };
  const server = createServer(createApp(deps));
  const realtime = attachRealtime(server, deps);
  await new Promise<void>((resolve) => server.listen(cfg.PORT, cfg.HOST, resolve));
  const state = await startPlatform(cfg, log, readiness);

  const trigger = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/publish') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let change: Change;
      try {
        change = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Change;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const layer = TOPIC_LAYER[change.topic];
      if (layer) realtime.io.local.to(changeRooms.of(layer, change.district)).emit('changes', [change]);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => trigger.listen(Number(process.env.TRIGGER_PORT ?? 0), '127.0.0.1', resolve));

  const shutdown = () => {
    trigger.close();
    server.close();
    void realtime
      .close()
      .then(() => state.db.close())
      .finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  console.log('broadcast-only gateway is ready');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
