import { FeedRejection } from '../adapter';

/**
 * Agency time formats → UTC ISO-8601 (`toISOString()`, ending in Z), and back for the scenario simulator.
 *
 * Beijing time (北京时间) is UTC+8 all year: China has had no daylight saving since 1991, so a local wall time maps
 * to exactly one instant. Every parser checks the calendar itself (2026-02-30 is refused, never rolled over to
 * 3 March as `Date` would) and refuses instants outside 2000–2099, which catches the common unit mix-ups (epoch
 * seconds sent as milliseconds land in 1970; milliseconds sent as seconds land tens of thousands of years ahead).
 * Leap seconds (:60) are refused: no agency system emits them.
 */

const BEIJING_OFFSET_MIN = 8 * 60;
const FIRST_YEAR = 2000;
const LAST_YEAR = 2099;
const EARLIEST_MS = Date.UTC(FIRST_YEAR, 0, 1);
const LATEST_MS = Date.UTC(LAST_YEAR + 1, 0, 1);

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const badTime = (field: string, raw: unknown, why: string) =>
  new FeedRejection('bad_time', `${field} ${JSON.stringify(raw)} 有误：${why}`);

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Checks every field of a wall-clock time and returns its instant, given the wall clock's offset from UTC. */
function toInstant(field: string, raw: string, c: WallClock, offsetMinutes: number): number {
  if (c.year < FIRST_YEAR || c.year > LAST_YEAR)
    throw badTime(field, raw, `年份是 ${c.year}，应在 ${FIRST_YEAR}–${LAST_YEAR} 之间`);
  if (c.month < 1 || c.month > 12) throw badTime(field, raw, `月份是 ${pad(c.month)}，月份应为 01–12`);
  const days = daysInMonth(c.year, c.month);
  if (c.day < 1 || c.day > days) {
    throw badTime(field, raw, `${c.year}-${pad(c.month)} 只有 01–${days} 日，没有 ${pad(c.day)} 日`);
  }
  if (c.hour > 23) throw badTime(field, raw, `小时是 ${pad(c.hour)}，小时应为 00–23`);
  if (c.minute > 59) throw badTime(field, raw, `分钟是 ${pad(c.minute)}，分钟应为 00–59`);
  if (c.second > 59) throw badTime(field, raw, `秒是 ${pad(c.second)}，秒应为 00–59（不含闰秒）`);
  return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second, c.millisecond) - offsetMinutes * 60_000;
}

function inWindow(field: string, raw: unknown, ms: number): number {
  if (ms < EARLIEST_MS || ms >= LATEST_MS) {
    throw badTime(field, raw, `不在 ${FIRST_YEAR}–${LAST_YEAR} 年之间（是否把秒和毫秒弄混了？）`);
  }
  return ms;
}

const num = (s: string | undefined) => (s === undefined ? 0 : Number(s));

/** Fractional seconds of any length, truncated to milliseconds. */
const fractionToMs = (fraction: string | undefined) => (fraction ? Number(fraction.slice(1, 4).padEnd(3, '0')) : 0);

function parseWithPattern(raw: string, field: string, pattern: RegExp, expected: string, offsetMinutes: number): string {
  const m = pattern.exec(raw);
  if (!m) throw badTime(field, raw, `应符合格式 ${expected}`);
  const clock: WallClock = {
    year: num(m[1]),
    month: num(m[2]),
    day: num(m[3]),
    hour: num(m[4]),
    minute: num(m[5]),
    second: num(m[6]),
    millisecond: 0,
  };
  return new Date(toInstant(field, raw, clock, offsetMinutes)).toISOString();
}

/** `yyyyMMddHHmmss` in Beijing time, e.g. "20260315142205" (the 110 platform's Oracle-style timestamps). */
export function parseBeijingCompact(raw: string, field: string): string {
  return parseWithPattern(
    raw,
    field,
    /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/,
    'yyyyMMddHHmmss (北京时间)',
    BEIJING_OFFSET_MIN,
  );
}

/** `yyyy-MM-dd HH:mm:ss` in Beijing time, e.g. "2026-03-15 14:22:05" (traffic command, SL 323 gauge `tm`). */
export function parseBeijingDashed(raw: string, field: string): string {
  return parseWithPattern(
    raw,
    field,
    /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/,
    'yyyy-MM-dd HH:mm:ss (北京时间)',
    BEIJING_OFFSET_MIN,
  );
}

const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * ISO 8601 with an explicit offset, e.g. "2026-03-15T14:22:05+08:00" or "…Z". A time without an offset is refused:
 * it could be local or UTC, eight hours apart, and an adapter does not guess.
 */
export function parseIsoWithOffset(raw: string, field: string): string {
  const m = ISO_PATTERN.exec(raw);
  if (!m) throw badTime(field, raw, '应为 ISO 8601 格式（yyyy-MM-ddTHH:mm:ss[.sss]±hh:mm）');
  const zone = m[8];
  if (!zone) throw badTime(field, raw, '缺少时区偏移（北京时间请加 +08:00，UTC 请加 Z）');
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(4, 6));
    if (hours > 14 || minutes > 59) throw badTime(field, raw, `时区偏移 ${zone} 不可能存在`);
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  const clock: WallClock = {
    year: num(m[1]),
    month: num(m[2]),
    day: num(m[3]),
    hour: num(m[4]),
    minute: num(m[5]),
    second: num(m[6]),
    millisecond: fractionToMs(m[7]),
  };
  return new Date(toInstant(field, raw, clock, offsetMinutes)).toISOString();
}

/** ISO 8601 in UTC, ending in Z, e.g. "2026-03-15T06:22:05Z" (flood reports, Cursor-on-Target times). */
export function parseIsoUtc(raw: string, field: string): string {
  const m = ISO_PATTERN.exec(raw);
  if (m && m[8] !== 'Z') throw badTime(field, raw, '应为以 Z 结尾的 UTC 时间（如 2026-03-15T06:22:05Z）');
  return parseIsoWithOffset(raw, field);
}

function epoch(value: number, field: string, unitMs: number, unit: string): string {
  if (!Number.isSafeInteger(value)) throw badTime(field, value, `应为自 1970-01-01 UTC 起的整数${unit}`);
  return new Date(inWindow(field, value, value * unitMs)).toISOString();
}

/** Unix time in milliseconds, e.g. 1773555725000 (120 dispatch). */
export const parseEpochMillis = (value: number, field: string) => epoch(value, field, 1, '毫秒数');

/** Unix time in seconds, e.g. 1773555725 (civil air defence). */
export const parseEpochSeconds = (value: number, field: string) => epoch(value, field, 1000, '秒数');

/** The wall clock in Beijing at an instant, for the encoders (the inverse of the parsers above). */
function beijingClock(at: Date): WallClock {
  const local = new Date(at.getTime() + BEIJING_OFFSET_MIN * 60_000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: local.getUTCMilliseconds(),
  };
}

/** "20260315142205" (Beijing time; milliseconds dropped). */
export function formatBeijingCompact(at: Date): string {
  const c = beijingClock(at);
  return `${c.year}${pad(c.month)}${pad(c.day)}${pad(c.hour)}${pad(c.minute)}${pad(c.second)}`;
}

/** "2026-03-15 14:22:05" (Beijing time; milliseconds dropped). */
export function formatBeijingDashed(at: Date): string {
  const c = beijingClock(at);
  return `${c.year}-${pad(c.month)}-${pad(c.day)} ${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}`;
}

/** "2026-03-15T14:22:05+08:00" (Beijing time with its offset; milliseconds dropped). */
export function formatIsoBeijing(at: Date): string {
  return `${formatBeijingDashed(at).replace(' ', 'T')}+08:00`;
}
