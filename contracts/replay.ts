import { z } from 'zod';
import type { Change } from './incidents';

/**
 * Replay (复盘): any past period shown again from the change log. `GET /api/replay?from&to` answers in pages: first
 * the state at `from` (the newest version of every entity logged at or before it), then the changes after `from`
 * up to `to` in sequence order; each page names the cursor of the next. The browser feeds both to the wall's own
 * reducer, so a replayed picture follows the same rules as the live one.
 */

/** The longest period one replay may cover. */
const REPLAY_MAX_DAYS = 31;
/** Entries per page: the default and the most a client may ask for. */
const REPLAY_PAGE_DEFAULT = 2000;
const REPLAY_PAGE_MAX = 5000;

/**
 * Topics a replay leaves out: city-management cases (数字城管) are a separate workflow with per-person scopes, not
 * part of the emergency picture. Every other topic (incidents, units, the mode, gauges, responses, tasks, warnings,
 * and any later one) is replayed as logged.
 */
export const REPLAY_EXCLUDED_TOPICS: readonly string[] = ['case'];

const isoTime = (what: string) => z.iso.datetime({ offset: true, error: `${what}须为 ISO 8601 时间（如 2026-01-05T08:00:00Z）` });

export const replayQuery = z
  .object({
    from: isoTime('开始时间 from'),
    to: isoTime('结束时间 to'),
    /** Opaque: the `next` of the previous page. */
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,400}$/, '翻页标记 cursor 无效：请使用上一页返回的 next')
      .optional(),
    limit: z.coerce
      .number({ error: '每页条数 limit 须为整数' })
      .int('每页条数 limit 须为整数')
      .min(1, '每页条数 limit 至少为 1')
      .max(REPLAY_PAGE_MAX, `每页条数 limit 不能超过 ${REPLAY_PAGE_MAX}`)
      .default(REPLAY_PAGE_DEFAULT),
  })
  .strict()
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { error: '结束时间须晚于开始时间', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= REPLAY_MAX_DAYS * 86_400_000, {
    error: `复盘时段不能超过 ${REPLAY_MAX_DAYS} 天`,
    path: ['to'],
  });

/** One change-log entry as replayed: the change as the wall receives it, plus the id of the entity it carries. */
export type ReplayEntry = Change & { entity: string };

/** A video recording that overlaps the period (a conference recording; the end is when its file was last written). */
export interface ReplayRecording {
  name: string;
  title: string;
  conferenceId: string;
  startedAt: string;
  endedAt: string;
  cameraIds: string[];
}

export interface ReplayPeriod {
  from: string;
  /** The period's end, never later than when the first page was read. */
  to: string;
  /** Recordings overlapping the period, by start time. */
  recordings: ReplayRecording[];
  /** What can be said of the cameras' own archives (the platform relays live camera video; it keeps no archive). */
  cameraArchive: string;
}

export interface ReplayPage {
  /** On the first page (no cursor) only. */
  period?: ReplayPeriod;
  /** The state at `from`: the newest version of each entity, ordered by topic and entity. */
  state: ReplayEntry[];
  /** Changes after `from` up to `to`, in sequence order. */
  changes: ReplayEntry[];
  /** The cursor of the next page; null after the last. */
  next: string | null;
}
