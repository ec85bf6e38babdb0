import { Router } from 'express';
import type { AppDeps } from '../deps';

/** `GET /api/health`: 200 `{"status":"ok"}` once ready to serve, 503 with the start-up step before. */
export function healthRoutes({ readiness }: AppDeps): Router {
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
    });
  });
  return r;
}
