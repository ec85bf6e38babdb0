import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { cameraFileSchema, type CameraFile } from '../../contracts/media';

export const CAMERA_FILE = path.resolve(__dirname, '..', '..', 'data', 'cameras.json');

/** Reads and checks `data/cameras.json` (ids unique, presets naming known cameras); throws with the reasons. */
export function loadCameraFile(file: string = CAMERA_FILE): CameraFile {
  const parsed = cameraFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  const ids = new Set<string>();
  const problems: string[] = [];
  for (const c of parsed.data.cameras) {
    if (ids.has(c.id)) problems.push(`camera "${c.id}" is listed twice`);
    ids.add(c.id);
  }
  for (const [mode, preset] of Object.entries(parsed.data.presets)) {
    for (const id of preset.cameras) if (!ids.has(id)) problems.push(`presets.${mode}: unknown camera "${id}"`);
    if (preset.cameras.length > preset.layout) problems.push(`presets.${mode}: more cameras than tiles`);
  }
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
  return parsed.data;
}
