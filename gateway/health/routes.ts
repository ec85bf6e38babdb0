import { Router } from 'express';
import type { Db } from '../../geo/db/types';
import type { AppDeps, Readiness } from '../deps';
import type { Capability } from '../http/capability';
import type { MediaGateway } from '../media/gateway';
import { NotifyService } from '../notify/service';

/** A database that does not answer `SELECT 1` within this long is reported failing. */
export const DB_PROBE_TIMEOUT_MS = 2000;
/** A group-commit transaction (feed records, unit positions) running this long means ingest is stuck. */
export const WRITER_STUCK_MS = 30_000;

async function probeDatabase(db: Db): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.query('SELECT 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${DB_PROBE_TIMEOUT_MS} ms`)), DB_PROBE_TIMEOUT_MS);
      }),
    ]);
    return null;
  } catch (err) {
    return `database: ${err instanceof Error ? err.message : String(err)}`;
  } finally {
    clearTimeout(timer);
  }
}

/** Every reason the running platform is not fully serving, empty when it is. */
async function problemsOf(readiness: Readiness, media: MediaGateway | undefined, now: number): Promise<string[]> {
  const state = readiness.current!;
  const problems: string[] = [];
  const db = await probeDatabase(state.db);
  if (db) problems.push(db);
  if (readiness.streams === 'starting' || readiness.streams === 'unavailable') {
    problems.push(
      `MQTT streams (gauges, unit positions): ${readiness.streams === 'starting' ? 'not yet subscribed' : 'broker unreachable'}`,
    );
  }
  for (const [name, s] of Object.entries(readiness.streamMonitor.report(now))) {
    if (s.state === 'stalled') {
      problems.push(
        `MQTT stream ${name}: stalled for ${s.stalledForS} s on a message it cannot store${s.lastError ? ` (${s.lastError})` : ''}`,
      );
    }
  }
  for (const [what, writer] of [
    ['feed records', state.command.ingest],
    ['unit positions', state.command.avl],
  ] as const) {
    const { busyMs, queued } = writer.status(now);
    if (busyMs >= WRITER_STUCK_MS)
      problems.push(`${what}: one write has run for ${Math.round(busyMs / 1000)} s, ${queued} waiting`);
  }
  if (media && media.status().workers === 0)
    problems.push(`video: no live media worker (${media.status().reason ?? 'none started'})`);
  return problems;
}

/**
 * `GET /api/health`: 503 with the start-up step while starting; then 200 `{"status":"ok"}` when everything serves,
 * or 503 `{"status":"degraded","problems":[…]}` naming each part that does not: the database does not answer, an
 * MQTT stream is not subscribed or stalled on a message, an ingest writer is stuck, or this process runs the video
 * service and no media worker lives. The parts that still work keep serving either way. `streams` is the broker
 * connection, `streamDetail` each stream's consumer (see data/feeds/README.md).
 */
function healthRoutes({ readiness, media, notify, config, log }: AppDeps): Router {
  const r = Router();
  // Without a running sender (an app serving no delivery) the channels are still reported, as configured.
  const channels = notify ?? new NotifyService(config, log);
  r.get('/health', async (_req, res) => {
    const state = readiness.current;
    if (!state) {
      res.status(503).json({ status: readiness.failure ? 'failed' : 'starting', step: readiness.step, error: readiness.failure });
      return;
    }
    const now = Date.now();
    const problems = await problemsOf(readiness, media, now);
    res.status(problems.length ? 503 : 200).json({
      status: problems.length ? 'degraded' : 'ok',
      ...(problems.length ? { problems } : {}),
      database: state.db.backend,
      grid: { cells: state.geo.locator.cellCount },
      streams: readiness.streams,
      streamDetail: readiness.streamMonitor.report(now),
      media: media?.status() ?? { workers: 0, reason: 'the video service is not started in this process' },
      // Notification channels (optional, so never a problem): off when not configured (GET /api/notify/channels).
      notify: Object.fromEntries(channels.channels().map((c) => [c.channel, c.on ? (c.ready ? 'ready' : 'not ready') : 'off'])),
    });
  });
  return r;
}

/** Health answers from the first request: while starting it says which step the platform is at. */
export const healthCapability: Capability = { name: 'health', boot: healthRoutes };
