import { z } from 'zod';
import type { TimeLimit } from '../../contracts/cases';

/**
 * The working calendar of case SLA clocks: working weekdays, working hours (one or more intervals a day),
 * public holidays and 调休 working weekends, in one fixed UTC offset (China has no daylight saving). Pure: no
 * database, no clock; every function takes the instants it works on.
 */

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time is HH:MM (00:00–24:00)');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD');

export const calendarFileSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.string().min(1),
    timezone: z.string().min(1),
    utcOffsetMinutes: z.number().int().min(-720).max(840),
    workingWeekdays: z.array(z.number().int().min(0).max(6)).min(1).max(7),
    workingHours: z
      .array(z.object({ start: hhmm, end: hhmm }).strict())
      .min(1)
      .max(6),
    holidays: z.array(isoDate),
    workingWeekends: z.array(isoDate),
    /** Share of the limit left when the warning (预警) starts, e.g. 0.2: warn at 80 % of the limit. */
    warnFraction: z.number().min(0).max(0.9),
  })
  .strict();
export type CalendarFile = z.infer<typeof calendarFileSchema>;

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** No limit spans more than this many calendar days (ten years): a longer walk is a configuration error. */
const MAX_DAYS = 3660;

const minutesOf = (t: string): number => {
  const [h, m] = t.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

export class WorkingCalendar {
  /** Working intervals of a working day, in minutes after local midnight, sorted and disjoint. */
  readonly intervals: readonly (readonly [number, number])[];
  /** Working minutes of one working day. */
  readonly dayMinutes: number;
  private readonly offsetMs: number;
  private readonly holidays: ReadonlySet<string>;
  private readonly workingWeekends: ReadonlySet<string>;
  private readonly weekdays: ReadonlySet<number>;

  constructor(readonly file: CalendarFile) {
    const parsed = calendarFileSchema.parse(file);
    const intervals = parsed.workingHours.map((h) => [minutesOf(h.start), minutesOf(h.end)] as const).sort((a, b) => a[0] - b[0]);
    intervals.forEach(([s, e], i) => {
      if (e <= s) throw new Error(`calendar: working hours ${s}–${e} end before they start`);
      const prev = intervals[i - 1];
      if (prev && prev[1] > s) throw new Error('calendar: working hours overlap');
    });
    const both = parsed.holidays.filter((d) => parsed.workingWeekends.includes(d));
    if (both.length) throw new Error(`calendar: ${both.join(', ')} is both a holiday and a working day`);
    this.intervals = intervals;
    this.dayMinutes = intervals.reduce((n, [s, e]) => n + e - s, 0);
    this.offsetMs = parsed.utcOffsetMinutes * MINUTE_MS;
    this.holidays = new Set(parsed.holidays);
    this.workingWeekends = new Set(parsed.workingWeekends);
    this.weekdays = new Set(parsed.workingWeekdays);
  }

  get warnFraction(): number {
    return this.file.warnFraction;
  }

  /** Local calendar day number (days since 1970-01-01 local) of an instant. */
  private dayOf(ms: number): number {
    return Math.floor((ms + this.offsetMs) / DAY_MS);
  }

  /** The local date (YYYY-MM-DD) of an instant. */
  localDate(at: Date): string {
    return new Date(this.dayOf(at.getTime()) * DAY_MS).toISOString().slice(0, 10);
  }

  private isWorkingDayNumber(day: number): boolean {
    const d = new Date(day * DAY_MS);
    const date = d.toISOString().slice(0, 10);
    if (this.holidays.has(date)) return false;
    if (this.workingWeekends.has(date)) return true;
    return this.weekdays.has(d.getUTCDay());
  }

  /** Whether a local date (YYYY-MM-DD) is a working day. */
  isWorkingDate(date: string): boolean {
    return this.isWorkingDayNumber(Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS));
  }

  /** Whether an instant lies inside working time (start inclusive, end exclusive). */
  isWorkingTime(at: Date): boolean {
    const ms = at.getTime();
    const day = this.dayOf(ms);
    if (!this.isWorkingDayNumber(day)) return false;
    const minute = (ms + this.offsetMs - day * DAY_MS) / MINUTE_MS;
    return this.intervals.some(([s, e]) => minute >= s && minute < e);
  }

  /** UTC ms of a local day's minute. */
  private at(day: number, minute: number): number {
    return day * DAY_MS + minute * MINUTE_MS - this.offsetMs;
  }

  /**
   * The instant `minutes` working minutes after `start`. Time outside working hours does not count; a result
   * that falls exactly on the end of a working interval stays there (a 12:00 deadline is 12:00, not 13:30).
   */
  addWorkingMinutes(start: Date, minutes: number): Date {
    if (!Number.isFinite(minutes) || minutes < 0) throw new Error(`working minutes must be finite and ≥ 0, got ${minutes}`);
    let remaining = minutes * MINUTE_MS;
    let from = start.getTime();
    if (remaining === 0) return new Date(from);
    const firstDay = this.dayOf(from);
    for (let day = firstDay; day < firstDay + MAX_DAYS; day++) {
      if (!this.isWorkingDayNumber(day)) continue;
      for (const [s, e] of this.intervals) {
        const segStart = Math.max(from, this.at(day, s));
        const segEnd = this.at(day, e);
        if (segStart >= segEnd) continue;
        const avail = segEnd - segStart;
        if (remaining <= avail) return new Date(segStart + remaining);
        remaining -= avail;
        from = segEnd;
      }
    }
    throw new Error('working calendar: no working time within ten years (check calendar.json)');
  }

  /** Working minutes from `a` to `b`; negative when `b` is before `a`. */
  workingMinutesBetween(a: Date, b: Date): number {
    const x = a.getTime();
    const y = b.getTime();
    if (y < x) return -this.workingMinutesBetween(b, a);
    let total = 0;
    const last = this.dayOf(y);
    const first = this.dayOf(x);
    if (last - first > MAX_DAYS) throw new Error('working calendar: span longer than ten years');
    for (let day = first; day <= last; day++) {
      if (!this.isWorkingDayNumber(day)) continue;
      for (const [s, e] of this.intervals) {
        const lo = Math.max(x, this.at(day, s));
        const hi = Math.min(y, this.at(day, e));
        if (hi > lo) total += hi - lo;
      }
    }
    return total / MINUTE_MS;
  }

  /** Working minutes of a time limit: hours × 60, or days × the working minutes of one day. */
  limitMinutes(limit: TimeLimit): number {
    return limit.unit === 'working_hours' ? limit.amount * 60 : limit.amount * this.dayMinutes;
  }

  /** Deadline and warning point of a clock of `minutes` working minutes started at `start`. */
  clockTimes(start: Date, minutes: number): { deadline: Date; warnAt: Date } {
    return {
      deadline: this.addWorkingMinutes(start, minutes),
      warnAt: this.addWorkingMinutes(start, minutes * (1 - this.warnFraction)),
    };
  }
}
