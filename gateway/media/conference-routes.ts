import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import type { ConferenceRecording } from '../../contracts/media';
import { getCamera } from '../../media/cameras/store';
import { listRecordings } from '../../media/recording/store';
import { MediaError } from '../../media/sfu/errors';
import { identityOf, type Identity } from '../auth/identity';
import { actorOf, type Principal } from '../auth/principal';
import { origin, principalOf } from '../auth/request';
import type { AppDeps } from '../deps';
import { AppError, parseInput } from '../http/errors';
import { authorizeCameraMedia, cameraAccess } from './access';

const recordingName = z.object({
  name: z.string().regex(/^[0-9TZ-]+-[0-9a-f]{8}\.(webm|mkv)$/, 'name is a recording file name from the list'),
});

/** The recordings whose every camera the principal may view (a camera no longer registered is not viewable). */
export async function viewableRecordings(identity: Identity, principal: Principal, all: ConferenceRecording[]) {
  const ids = [...new Set(all.flatMap((r) => r.cameraIds))];
  const viewable = new Set<string>();
  for (const id of ids) {
    const camera = await getCamera(identity.db(), id);
    if (camera && cameraAccess(identity.policy, principal, camera).allowed) viewable.add(id);
  }
  return all.filter((r) => r.cameraIds.every((id) => viewable.has(id)));
}

/**
 * `GET /api/conferences/recordings`: the recordings of conferences (DATA_DIR/recordings) the caller may play, newest
 * first: a recording that shows a camera is listed and played only for those who may view that camera.
 * `GET /api/conferences/recordings/:name`: one recording for playback (WebM or Matroska, with byte ranges for seeking); the start
 * of each playback is audited, a refusal too.
 */
export function conferenceRoutes(deps: AppDeps): Router {
  const r = Router();
  const dir = path.join(deps.config.DATA_DIR, 'recordings');

  r.get('/conferences/recordings', async (req, res) => {
    res.json({ recordings: await viewableRecordings(identityOf(deps), principalOf(req), listRecordings(dir)) });
  });

  r.get('/conferences/recordings/:name', async (req, res) => {
    const { name } = parseInput(recordingName, req.params);
    const recording = listRecordings(dir).find((x) => x.name === name);
    if (!recording) throw new AppError('not_found', `没有这个录像（${name}）`);
    for (const cameraId of recording.cameraIds) {
      await authorizeCameraMedia(identityOf(deps), principalOf(req), cameraId, {
        event: 'conference.recording',
        sourceIp: origin(req).sourceIp,
        detail: { channel: 'http', recording: name },
      }).catch((err: unknown) => {
        throw err instanceof MediaError ? new AppError(err.code, err.message) : err;
      });
    }
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
