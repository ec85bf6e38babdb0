import { statSync } from 'node:fs';
import path from 'node:path';
import type { ReplayRecording } from '../../contracts/replay';
import { listRecordings } from '../../media/recording/store';
import type { Identity } from '../auth/identity';
import type { Principal } from '../auth/principal';
import { viewableRecordings } from '../media/conference-routes';

/**
 * The platform relays camera video live and keeps no archive of it (GB/T 28181 playback from the cameras' own
 * recorders is not connected); what it records are conferences. Said as it is on every replay.
 */
export const CAMERA_ARCHIVE_NOTE =
  '平台只转发摄像头实时视频，不存档；摄像头自身录像机的回看尚未接入。以下为时段内的视频会商录像。';

/**
 * Conference recordings under `dir` that overlap [from, to] and that the principal may play (as for the recordings
 * list itself), by start time. A recording ends when its file was last written.
 */
export async function recordingsOverlapping(
  identity: Identity,
  principal: Principal,
  dir: string,
  from: string,
  to: string,
): Promise<ReplayRecording[]> {
  const out: ReplayRecording[] = [];
  for (const r of await viewableRecordings(identity, principal, listRecordings(dir))) {
    let endedAt: string;
    try {
      endedAt = statSync(path.join(dir, r.name)).mtime.toISOString();
    } catch {
      continue;
    }
    const start = Date.parse(r.startedAt);
    if (!(start <= Date.parse(to) && Date.parse(endedAt) >= Date.parse(from))) continue;
    out.push({
      name: r.name,
      title: r.title,
      conferenceId: r.conferenceId,
      startedAt: r.startedAt,
      endedAt,
      cameraIds: r.cameraIds,
    });
  }
  return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}
