import { RESPONSE_LEVEL_NUMERALS, type ResponseLevel } from '../../../contracts/plans';
import type { ResponseTask, TaskState } from '../../../contracts/responses';

/** Elapsed time as 时:分:秒 (or 分:秒 under an hour). */
export function elapsed(fromIso: string, now: number): string {
  const s = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/** Time left to a deadline (or how long past it), in minutes, as the boards show it. */
export function untilDue(dueIso: string, now: number): string {
  const min = Math.round((Date.parse(dueIso) - now) / 60_000);
  return min >= 0 ? `剩余 ${min} 分钟` : `超时 ${-min} 分钟`;
}

export const levelBadge = (level: ResponseLevel) => `${RESPONSE_LEVEL_NUMERALS[level]}级`;

/** Tasks by state, for the wall's counts. */
export function countByState(tasks: readonly ResponseTask[]): Record<TaskState, number> {
  const out: Record<TaskState, number> = { issued: 0, received: 0, acknowledged: 0, done: 0, cancelled: 0 };
  for (const t of tasks) out[t.state]++;
  return out;
}

const OVERDUE_ORDER = { red: 0, amber: 1, none: 2 } as const;
const STATE_ORDER: Record<TaskState, number> = { issued: 0, received: 1, acknowledged: 2, done: 3, cancelled: 4 };

/** Overdue first (red, then amber), then open before done, then by deadline. */
export function orderTasks(tasks: Iterable<ResponseTask>): ResponseTask[] {
  return [...tasks].sort(
    (a, b) =>
      OVERDUE_ORDER[a.overdue] - OVERDUE_ORDER[b.overdue] ||
      Number(STATE_ORDER[a.state] >= 3) - Number(STATE_ORDER[b.state] >= 3) ||
      Date.parse(a.dueAt) - Date.parse(b.dueAt),
  );
}
