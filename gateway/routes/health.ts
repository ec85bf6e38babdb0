import { Router } from 'express';
import type { AppDeps } from '../deps';

/**
 * `GET /api/health`: 200 `{"status":"ok"}` once ready to serve, 503 with the start-up step before. `media.workers` is
 * the number of live mediasoup workers (0, with the reason, when video is unavailable: the rest still serves).
 */
export function healthRoutes({ readiness, media }: AppDeps): Router {
  const r = Router();
  r.get('/health', (_req, res) => {
    const state = readiness.current;
    if (!state) {
      res.status(503).json({ status: readiness.failure ? 'failed' : 'starting', step: readiness.step, error: readiness.failure });
      return;
    }
    res.json({
      status: 'ok',
      database: state.db.backend,
      grid: { cells: state.geo.locator.cellCount },
      streams: readiness.streams,
      media: media?.status() ?? { workers: 0, reason: 'the video service is not started in this process' },
    });
  });
  return r;
}
