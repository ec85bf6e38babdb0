import { z } from 'zod';
import type { ReplayEntry, ReplayPage, ReplayPeriod, ReplayRecording } from '../../../contracts/replay';
import { call } from '../api/http';

/**
 * `GET /api/replay`, every page of a period read in turn. Entries are checked at the level the timeline relies on
 * (sequence, topic, time, entity id); their payloads are the contract's types, written by the same gateway.
 */

const record = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const entrySchema = z.custom<ReplayEntry>(
  (v) =>
    record(v) &&
    typeof v.seq === 'number' &&
    typeof v.topic === 'string' &&
    typeof v.at === 'string' &&
    typeof v.entity === 'string',
  'a replay entry',
);
const recordingSchema = z.custom<ReplayRecording>(
  (v) => record(v) && typeof v.name === 'string' && typeof v.startedAt === 'string' && typeof v.endedAt === 'string',
  'a recording',
);
const periodSchema: z.ZodType<ReplayPeriod> = z.object({
  from: z.string(),
  to: z.string(),
  recordings: z.array(recordingSchema),
  cameraArchive: z.string(),
});
const pageSchema: z.ZodType<ReplayPage> = z.object({
  period: periodSchema.optional(),
  state: z.array(entrySchema),
  changes: z.array(entrySchema),
  next: z.string().nullable(),
});

export interface LoadedReplay {
  period: ReplayPeriod;
  state: ReplayEntry[];
  changes: ReplayEntry[];
}

const pagePath = (from: string, to: string, cursor?: string) =>
  `/api/replay?${new URLSearchParams({ from, to, ...(cursor ? { cursor } : {}) })}`;

/** Reads the whole period, page by page (the later pages for the period's end the first page fixed). */
export async function loadReplay(
  from: string,
  to: string,
  onProgress: (entries: number) => void,
  signal?: AbortSignal,
): Promise<LoadedReplay> {
  const first = await call('GET', pagePath(from, to), pageSchema, undefined, signal);
  if (!first.period) throw new Error('复盘首页缺少时段说明');
  const period = first.period;
  const state = [...first.state];
  const changes = [...first.changes];
  let next = first.next;
  while (next) {
    onProgress(state.length + changes.length);
    const page = await call('GET', pagePath(period.from, period.to, next), pageSchema, undefined, signal);
    state.push(...page.state);
    changes.push(...page.changes);
    next = page.next;
  }
  return { period, state, changes };
}
