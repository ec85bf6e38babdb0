import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import { listRecordings } from '../../media/recording/store';
import { identityOf } from '../auth/identity';
import { actorOf } from '../auth/principal';
import { origin, principalOf } from '../auth/request';
import type { AppDeps } from '../deps';
import { AppError, parseInput } from '../http/errors';

const recordingName = z.object({
  name: z.string().regex(/^[0-9TZ-]+-[0-9a-f]{8}\.(webm|mkv)$/, 'name is a recording file name from the list'),
});

/**
 * `GET /api/conferences/recordings`: the recordings of conferences (DATA_DIR/recordings), newest first.
 * `GET /api/conferences/recordings/:name`: one recording for playback (WebM or Matroska, with byte ranges for seeking); the start
 * of each playback is audited.
 */
export function conferenceRoutes(deps: AppDeps): Router {
  const r = Router();
  const dir = path.join(deps.config.DATA_DIR, 'recordings');

  r.get('/conferences/recordings', (_req, res) => {
    res.json({ recordings: listRecordings(dir) });
  });

  r.get('/conferences/recordings/:name', async (req, res) => {
    const { name } = parseInput(recordingName, req.params);
    const recording = listRecordings(dir).find((x) => x.name === name);
    if (!recording) throw new AppError('not_found', `没有这个录像（${name}）`);
    const range = req.headers.range;
    if (!range || /^bytes=0-/.test(range)) {
      await identityOf(deps).audit.append({
        ...origin(req),
        action: 'conference.recording',
        outcome: 'ok',
        actor: actorOf(principalOf(req)),
        object: `conference ${recording.conferenceId}`,
        detail: { event: 'play', name, title: recording.title },
      });
    }
    res.setHeader('Cache-Control', 'private, no-store');
    res.type(name.endsWith('.mkv') ? 'video/x-matroska' : 'video/webm');
    res.sendFile(name, { root: dir, dotfiles: 'deny' });
  });

  return r;
}
