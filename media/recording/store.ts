import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ConferenceRecording } from '../../contracts/media';

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
