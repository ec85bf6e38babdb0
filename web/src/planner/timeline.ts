/**
 * Time slider playback, pure: the time extent of a result, a step and a window length that suit its span, which
 * features fall in the moving window ending at the slider time, and how the slider advances.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Steps the slider may take, shortest first; the shortest that keeps the playback within `MAX_STEPS` is chosen. */
export const STEP_CHOICES_MS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  30 * DAY,
] as const;
export const MAX_STEPS = 120;

/** Window lengths offered to the planner (the last N hours up to the slider time). */
export const WINDOW_CHOICES_MS = [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 3 * DAY, 7 * DAY, 30 * DAY] as const;

/** Playback speeds: slider steps per second. */
export const SPEEDS = [1, 2, 4, 8] as const;

export interface TimeExtent {
  start: number;
  end: number;
}

/** A feature's time in epoch ms from an ISO 8601 (or epoch ms) property, or null when missing or unreadable. */
export function timeOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value === '') return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/** Earliest and latest of the times, or null when there is none. */
export function extentOf(times: readonly number[]): TimeExtent | null {
  if (!times.length) return null;
  let start = Infinity;
  let end = -Infinity;
  for (const t of times) {
    if (t < start) start = t;
    if (t > end) end = t;
  }
  return { start, end };
}

/** The shortest step from `STEP_CHOICES_MS` that crosses `span` in at most `maxSteps` steps (the longest if none does). */
export function stepFor(spanMs: number, maxSteps = MAX_STEPS): number {
  for (const s of STEP_CHOICES_MS) if (spanMs / s <= maxSteps) return s;
  return 30 * DAY;
}

/** A default window: about a tenth of the span, from the offered lengths, at least one step long. */
export function defaultWindowFor(spanMs: number, stepMs: number): number {
  const wanted = Math.max(stepMs, spanMs / 10);
  for (const w of WINDOW_CHOICES_MS) if (w >= wanted) return w;
  return 30 * DAY;
}

/** Number of steps from the start to the end of the extent (the slider's positions are 0…count). */
export function stepCount(extent: TimeExtent, stepMs: number): number {
  return Math.max(0, Math.ceil((extent.end - extent.start) / stepMs));
}

/** Slider time at a position: the start plus whole steps, never past the end. */
export function timeAt(extent: TimeExtent, stepMs: number, position: number): number {
  return Math.min(extent.end, extent.start + Math.max(0, Math.round(position)) * stepMs);
}

/** The next position during playback, or null when the last one has been shown (the player then stops). */
export function nextPosition(position: number, count: number): number | null {
  return position >= count ? null : position + 1;
}

/** Times sorted ascending with the index of the item each came from (items without a time are left out). */
export interface TimeIndex {
  times: number[];
  order: number[];
}

export function indexTimes<T>(items: readonly T[], timeOfItem: (item: T) => number | null): TimeIndex {
  const pairs: [number, number][] = [];
  items.forEach((item, i) => {
    const t = timeOfItem(item);
    if (t !== null) pairs.push([t, i]);
  });
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { times: pairs.map((p) => p[0]), order: pairs.map((p) => p[1]) };
}

/** First index of a sorted array whose value is > x (or >= x when `inclusive`). */
function firstAbove(sorted: readonly number[], x: number, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (inclusive ? v < x : v <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The items whose time falls in the window `(at − windowMs, at]`, in time order: what the map shows when the
 * slider stands at `at`.
 */
export function inWindow<T>(items: readonly T[], index: TimeIndex, at: number, windowMs: number): T[] {
  const from = firstAbove(index.times, at - windowMs, false);
  const to = firstAbove(index.times, at, false);
  const out: T[] = [];
  for (let i = from; i < to; i++) out.push(items[index.order[i]!]!);
  return out;
}

/** A duration in Chinese: 30 分钟, 6 小时, 3 天. */
export function durationLabel(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY} 天`;
  if (ms % HOUR === 0) return `${ms / HOUR} 小时`;
  return `${Math.round(ms / MINUTE)} 分钟`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A time as Beijing local time (UTC+8, no daylight saving), `2026-11-22 13:05`. */
export function beijingTime(ms: number): string {
  const d = new Date(ms + 8 * HOUR);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}
