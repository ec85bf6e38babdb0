import { conferenceRecordingsSchema } from '../../../contracts/media';
import { getJson } from '../api/http';

export const conferenceApi = {
  recordings: (signal?: AbortSignal) => getJson('/api/conferences/recordings', conferenceRecordingsSchema, signal),
  recordingUrl: (name: string) => `/api/conferences/recordings/${encodeURIComponent(name)}`,
};
