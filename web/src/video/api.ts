import { z } from 'zod';
import { CAMERA_CODECS, videoPresetSchema, type CameraList } from '../../../contracts/media';
import { getJson } from '../api/http';

/** One camera as GET /api/cameras (and, with its distance, /api/cameras/nearest) sends it. */
export const cameraSchema = z.object({
  id: z.string(),
  name: z.string(),
  lon: z.number(),
  lat: z.number(),
  direction: z.number(),
  ownerKind: z.string(),
  districtAdcode: z.string(),
  districtName: z.string().nullable(),
  group: z.string(),
  codec: z.enum(CAMERA_CODECS),
  sourceKind: z.enum(['simulated', 'rtp']),
});

const cameraListSchema: z.ZodType<CameraList> = z.object({
  cameras: z.array(cameraSchema),
  presets: z.record(z.string(), videoPresetSchema),
  video: z.object({ workers: z.number(), reason: z.string().optional() }),
});

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
