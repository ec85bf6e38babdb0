import path from 'node:path';
import { Router } from 'express';
import { replayQuery, type ReplayPage } from '../../contracts/replay';
import { identityOf } from '../auth/identity';
import { actorOf } from '../auth/principal';
import { origin, principalOf } from '../auth/request';
import type { AppDeps, ReadyState } from '../deps';
import type { Capability } from '../http/capability';
import { AppError, parseInput } from '../http/errors';
import { CAMERA_ARCHIVE_NOTE, recordingsOverlapping } from './recordings';
import { replayPage } from './store';

/**
 * `GET /api/replay?from&to[&cursor][&limit]` (复盘, read-only): the state at `from`, then the changes up to `to`, in
 * pages (store.ts). The first page also describes the period — its end, never later than now, and the recordings
 * overlapping it — and opening a replay is written to the audit log with the period.
 */
function replayRoutes({ db }: ReadyState, deps: AppDeps): Router {
  const r = Router();
  const recordingsDir = path.join(deps.config.DATA_DIR, 'recordings');

  r.get('/replay', async (req, res) => {
    const q = parseInput(replayQuery, req.query);
    if (Date.parse(q.from) >= Date.now()) throw new AppError('bad_request', '开始时间须早于现在：复盘只回放已经发生的时段');
    const to = new Date(Math.min(Date.parse(q.to), Date.now())).toISOString();
    const from = new Date(q.from).toISOString();
    const page: ReplayPage = await replayPage(db, { from, to, cursor: q.cursor, limit: q.limit });
    if (q.cursor === undefined) {
      const identity = identityOf(deps);
      const principal = principalOf(req);
      await identity.audit.append({
        ...origin(req),
        action: 'replay.read',
        outcome: 'ok',
        actor: actorOf(principal),
        object: `replay ${from}/${to}`,
        detail: { from, to },
      });
      page.period = {
        from,
        to,
        recordings: await recordingsOverlapping(identity, principal, recordingsDir, from, to),
        cameraArchive: CAMERA_ARCHIVE_NOTE,
      };
    }
    res.json(page);
  });

  return r;
}

export const replayCapability: Capability = { name: 'replay', ready: { paths: ['/replay'], routes: replayRoutes } };
