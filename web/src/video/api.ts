import { z } from 'zod';
import { cameraListSchema } from '../../../contracts/media';
import { getJson } from '../api/http';

const modeSchema = z
  .object({
    state: z.object({ mode: z.string() }).passthrough(),
    profiles: z.array(z.object({ id: z.string(), label: z.string() }).passthrough()),
  })
  .passthrough();

export interface ModeInfo {
  mode: string;
  labels: Record<string, string>;
}

export const videoApi = {
  cameras: (signal?: AbortSignal) => getJson('/api/cameras', cameraListSchema, signal),
  /** The current system mode (daily, emergency, wartime), for its preset, and the modes' names. */
  mode: async (signal?: AbortSignal): Promise<ModeInfo> => {
    const body = await getJson('/api/mode', modeSchema, signal);
    return { mode: body.state.mode, labels: Object.fromEntries(body.profiles.map((p) => [p.id, p.label])) };
  },
};
