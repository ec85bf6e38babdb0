import { z } from 'zod';
import type { ConferenceRecording } from '../../../contracts/media';
import { getJson } from '../api/http';

const recordingsSchema: z.ZodType<{ recordings: ConferenceRecording[] }> = z.object({
  recordings: z.array(
    z.object({
      name: z.string(),
      conferenceId: z.string(),
      title: z.string(),
      startedAt: z.string(),
      bytes: z.number(),
      cameraIds: z.array(z.string()),
    }),
  ),
});

export const conferenceApi = {
  recordings: (signal?: AbortSignal) => getJson('/api/conferences/recordings', recordingsSchema, signal),
  recordingUrl: (name: string) => `/api/conferences/recordings/${encodeURIComponent(name)}`,
};
