import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ConferenceRecording } from '../../contracts/media';
import { MediaError } from '../sfu/errors';

/**
 * Recordings of conferences under `dir`: each a .webm or .mkv with a .json of the same name plus `.json` beside it
 * (conference, title, start, the cameras whose video it holds).
 */
export function listRecordings(dir: string): ConferenceRecording[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.webm') || n.endsWith('.mkv'));
  } catch {
    return [];
  }
  const out: ConferenceRecording[] = [];
  for (const name of names) {
    try {
      const meta = JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as {
        conferenceId: string;
        title: string;
        startedAt: string;
        cameraIds?: string[];
      };
      out.push({
        name,
        conferenceId: meta.conferenceId,
        title: meta.title,
        startedAt: meta.startedAt,
        bytes: statSync(path.join(dir, name)).size,
        cameraIds: Array.isArray(meta.cameraIds) ? meta.cameraIds.map(String) : [],
      });
    } catch {
      // a recording without its description is not listed
    }
  }
  return out.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** The path of a listed recording, or not_found: names are matched against the listing, never joined blindly. */
export function recordingPath(dir: string, name: string): string {
  if (!listRecordings(dir).some((r) => r.name === name)) throw new MediaError('not_found', `没有这个录像（${name}）`);
  return path.join(dir, name);
}
