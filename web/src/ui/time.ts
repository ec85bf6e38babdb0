/**
 * Times as people in Harbin read them: Beijing time (UTC+8, no daylight saving) on a 24-hour clock, whatever zone the
 * browser itself is set to. Every screen formats times through this module, so the zone and the shapes are one rule.
 */

const ZONE = 'Asia/Shanghai';
const OFFSET_MS = 8 * 3_600_000;

// hourCycle h23: midnight is 00:05, never 24:05 (which `hour12: false` gives in some engines).
const format = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat('zh-CN', { timeZone: ZONE, hourCycle: 'h23', ...o });

const FORMATS = {
  /** 13:05 */
  hourMinute: format({ hour: '2-digit', minute: '2-digit' }),
  /** 13:05:09 */
  clock: format({ hour: '2-digit', minute: '2-digit', second: '2-digit' }),
  /** 11/22 13:05 */
  monthMinute: format({ month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }),
  /** 11/22 13:05:09 */
  monthSecond: format({ month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }),
  /** 2026/11/22 13:05 */
  dateMinute: format({ year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }),
  /** 2026/11/22 13:05:09 */
  dateSecond: format({
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }),
} as const;

export type TimeShape = keyof typeof FORMATS;

/** `value` in Beijing time in the given shape; `fallback` when there is no value or it is not a time. */
export function beijing(
  value: string | number | Date | null | undefined,
  shape: TimeShape = 'monthMinute',
  fallback = '—',
): string {
  if (value === null || value === undefined || value === '') return fallback;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? fallback : FORMATS[shape].format(d);
}

/** A `datetime-local` input's value (Beijing wall-clock time) as ISO 8601 with its offset; '' stays ''. */
export const fromBeijingLocal = (local: string): string => (local ? `${local}:00+08:00` : '');

/** An instant as a `datetime-local` input's value in Beijing time (`2026-11-22T13:05`). */
export const toBeijingLocal = (iso: string | number): string =>
  new Date(new Date(iso).getTime() + OFFSET_MS).toISOString().slice(0, 16);
