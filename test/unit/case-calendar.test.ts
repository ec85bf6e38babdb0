import fc from 'fast-check';
import { WorkingCalendar, type CalendarFile } from '../../gateway/cases/calendar';
import { loadCalendar } from '../../gateway/cases/tables';
import { extendClock, resumeClock, startClock, viewClock, type StoredClock } from '../../gateway/cases/sla';

/** The shipped 2026 calendar (data/cityops/calendar.json) and a synthetic one with a working-time edge at midnight. */
const cal = loadCalendar();
const nightShift: CalendarFile = {
  version: 'test',
  timezone: 'Asia/Shanghai',
  utcOffsetMinutes: 480,
  workingWeekdays: [1, 2, 3, 4, 5],
  workingHours: [
    { start: '00:00', end: '02:00' },
    { start: '22:00', end: '24:00' },
  ],
  holidays: ['2026-03-04'],
  workingWeekends: ['2026-03-08'],
  warnFraction: 0.25,
};
const night = new WorkingCalendar(nightShift);

/** Beijing local time → Date. */
const bj = (local: string) => new Date(`${local}+08:00`);

/** Instants throughout 2026 (and a little either side), at minute resolution. */
const instant = fc
  .integer({ min: Date.parse('2025-12-20T00:00:00Z') / 60000, max: Date.parse('2027-01-10T00:00:00Z') / 60000 })
  .map((m) => new Date(m * 60000));
const limitMinutes = fc.integer({ min: 1, max: 60 * 24 * 8 });

describe('the 2026 working calendar', () => {
  it('knows the 2026 public holidays and 调休 working weekends', () => {
    expect(cal.isWorkingDate('2026-01-01')).toBe(false);
    expect(cal.isWorkingDate('2026-01-04')).toBe(true); // Sunday, 调休 上班
    expect(cal.isWorkingDate('2026-02-16')).toBe(false); // 春节 Monday
    expect(cal.isWorkingDate('2026-02-14')).toBe(true); // Saturday, 调休 上班
    expect(cal.isWorkingDate('2026-02-28')).toBe(true);
    expect(cal.isWorkingDate('2026-10-08')).toBe(true); // Thursday after 国庆
    expect(cal.isWorkingDate('2026-10-10')).toBe(true); // Saturday, 调休 上班
    expect(cal.isWorkingDate('2026-10-11')).toBe(false); // an ordinary Sunday
    expect(cal.isWorkingDate('2026-11-23')).toBe(true); // an ordinary Monday
  });

  it('computes 4 working hours across lunch, the night and a weekend', () => {
    // Friday 16:00 → 1.5 h left on Friday, then Monday 08:30 + 2.5 h = 11:00.
    expect(cal.addWorkingMinutes(bj('2026-11-20T16:00:00'), 240).toISOString()).toBe(bj('2026-11-23T11:00:00').toISOString());
    // Tuesday 11:00 + 4 h: 1 h before lunch, 3 h after 13:30 → 16:30.
    expect(cal.addWorkingMinutes(bj('2026-11-24T11:00:00'), 240).toISOString()).toBe(bj('2026-11-24T16:30:00').toISOString());
    // A report at 23:50 on Sunday starts counting on Monday at 08:30.
    expect(cal.addWorkingMinutes(bj('2026-11-22T23:50:00'), 30).toISOString()).toBe(bj('2026-11-23T09:00:00').toISOString());
  });

  it('skips the whole 春节 holiday and counts the 调休 Saturday', () => {
    // Friday 13 Feb 17:00 + 2 h: 0.5 h on Friday, Saturday 14 Feb is a working day → 14 Feb 10:00.
    expect(cal.addWorkingMinutes(bj('2026-02-13T17:00:00'), 120).toISOString()).toBe(bj('2026-02-14T10:00:00').toISOString());
    // Saturday 14 Feb 17:00 + 1 h: 0.5 h, then nothing until Tuesday 24 Feb 08:30 → 09:00.
    expect(cal.addWorkingMinutes(bj('2026-02-14T17:00:00'), 60).toISOString()).toBe(bj('2026-02-24T09:00:00').toISOString());
  });

  it('keeps a deadline that ends exactly at the end of a working interval there', () => {
    expect(cal.addWorkingMinutes(bj('2026-11-24T08:30:00'), 210).toISOString()).toBe(bj('2026-11-24T12:00:00').toISOString());
  });

  it('turns 5 working days into 5 × the working day (绿地养护)', () => {
    // Thursday before 中秋 (25–27): Mon 28, Tue 29, Wed 30, then 国庆 (1–7 Oct), Thu 8 and Fri 9 Oct.
    const start = bj('2026-09-24T10:00:00');
    const { deadline } = startClock(cal, start, { amount: 5, unit: 'working_days' });
    expect(cal.workingMinutesBetween(start, deadline)).toBeCloseTo(5 * cal.dayMinutes, 6);
    expect(deadline.toISOString()).toBe(bj('2026-10-09T10:00:00').toISOString());
  });

  it('property: the working time from start to deadline equals the limit', () => {
    fc.assert(
      fc.property(instant, limitMinutes, (start, m) => {
        const end = cal.addWorkingMinutes(start, m);
        expect(cal.workingMinutesBetween(start, end)).toBeCloseTo(m, 6);
        expect(end.getTime()).toBeGreaterThanOrEqual(start.getTime());
      }),
      { numRuns: 400 },
    );
  });

  it('property: a deadline never falls on a holiday or weekend rest day, nor outside working hours', () => {
    fc.assert(
      fc.property(instant, limitMinutes, (start, m) => {
        const end = cal.addWorkingMinutes(start, m);
        // The instant just before the deadline is working time (the deadline may sit on an interval's end).
        expect(cal.isWorkingTime(new Date(end.getTime() - 1))).toBe(true);
        expect(cal.isWorkingDate(cal.localDate(new Date(end.getTime() - 1)))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('property: adding is monotonic and additive', () => {
    fc.assert(
      fc.property(instant, limitMinutes, limitMinutes, (start, a, b) => {
        const ab = cal.addWorkingMinutes(cal.addWorkingMinutes(start, a), b);
        const whole = cal.addWorkingMinutes(start, a + b);
        expect(Math.abs(ab.getTime() - whole.getTime())).toBeLessThanOrEqual(1);
        expect(cal.addWorkingMinutes(start, a + b).getTime()).toBeGreaterThan(cal.addWorkingMinutes(start, a).getTime() - 1);
      }),
      { numRuns: 300 },
    );
  });

  it('property: working minutes between two instants never exceed the wall-clock minutes, and are antisymmetric', () => {
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const w = cal.workingMinutesBetween(a, b);
        expect(Math.abs(w)).toBeLessThanOrEqual(Math.abs(b.getTime() - a.getTime()) / 60000 + 1e-9);
        expect(cal.workingMinutesBetween(b, a)).toBeCloseTo(-w, 6);
      }),
      { numRuns: 300 },
    );
  });

  it('property: the warning point lies between the start and the deadline, at the configured share', () => {
    fc.assert(
      fc.property(instant, limitMinutes, (start, m) => {
        const { deadline, warnAt } = cal.clockTimes(start, m);
        expect(warnAt.getTime()).toBeLessThanOrEqual(deadline.getTime());
        expect(warnAt.getTime()).toBeGreaterThanOrEqual(start.getTime());
        expect(cal.workingMinutesBetween(warnAt, deadline)).toBeCloseTo(m * cal.warnFraction, 5);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a calendar whose working time crosses midnight', () => {
  it('counts 22:00–24:00 and 00:00–02:00 as one stretch over midnight', () => {
    // Monday 2 March 23:00 + 2 h: 1 h to midnight, then Tuesday 00:00–01:00.
    expect(night.addWorkingMinutes(bj('2026-03-02T23:00:00'), 120).toISOString()).toBe(bj('2026-03-03T01:00:00').toISOString());
  });

  it('skips its holiday (Wednesday 4 March) and works its Sunday (8 March)', () => {
    // Tuesday 3 March 23:30 + 1 h: 0.5 h to midnight; 4 March is a holiday → Thursday 5 March 00:00–00:30.
    expect(night.addWorkingMinutes(bj('2026-03-03T23:30:00'), 60).toISOString()).toBe(bj('2026-03-05T00:30:00').toISOString());
    // Saturday 7 March 12:00 + 1 h → Sunday 8 March 01:00 (Sunday is a working day here).
    expect(night.addWorkingMinutes(bj('2026-03-07T12:00:00'), 60).toISOString()).toBe(bj('2026-03-08T01:00:00').toISOString());
  });

  it('property: limits across midnight add up exactly', () => {
    fc.assert(
      fc.property(instant, limitMinutes, (start, m) => {
        const end = night.addWorkingMinutes(start, m);
        expect(night.workingMinutesBetween(start, end)).toBeCloseTo(m, 6);
        expect(night.isWorkingTime(new Date(end.getTime() - 1))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a calendar with overlapping hours or a day that is both holiday and working day', () => {
    expect(
      () =>
        new WorkingCalendar({
          ...nightShift,
          workingHours: [
            { start: '08:00', end: '12:00' },
            { start: '11:00', end: '13:00' },
          ],
        }),
    ).toThrow(/overlap/);
    expect(() => new WorkingCalendar({ ...nightShift, workingWeekends: ['2026-03-04'] })).toThrow(/both a holiday/);
    expect(() => new WorkingCalendar({ ...nightShift, workingHours: [{ start: '25:00', end: '26:00' }] })).toThrow();
  });
});

describe('SLA clocks', () => {
  const limit = { amount: 4, unit: 'working_hours' } as const;
  const start = bj('2026-11-23T09:00:00'); // Monday
  const clock = (over: Partial<StoredClock> = {}): StoredClock => {
    const { deadline, warnAt } = startClock(cal, start, limit);
    return {
      caseState: 'handling',
      limit,
      startedAt: start,
      deadline,
      warnAt,
      suspendedAt: null,
      suspendNote: null,
      doneAt: null,
      onTime: null,
      urgent: false,
      ...over,
    };
  };

  it('is normal, then warning, then overdue', () => {
    const c = clock();
    expect(c.deadline!.toISOString()).toBe(bj('2026-11-23T14:30:00').toISOString());
    expect(viewClock(cal, c, bj('2026-11-23T10:00:00')).status).toBe('normal');
    expect(viewClock(cal, c, bj('2026-11-23T13:50:00')).status).toBe('warning');
    const late = viewClock(cal, c, bj('2026-11-23T15:30:00'));
    expect(late.status).toBe('overdue');
    expect(late.remainingWorkingMinutes).toBe(-60);
  });

  it('moves the deadline by an extension, in working time', () => {
    const c = clock();
    const ext = extendClock(cal, start, c.deadline!, { amount: 1, unit: 'working_days' });
    expect(cal.workingMinutesBetween(c.deadline!, ext.deadline)).toBeCloseTo(cal.dayMinutes, 6);
    expect(viewClock(cal, { ...c, ...ext }, bj('2026-11-23T15:30:00')).status).toBe('normal');
  });

  it('keeps the remaining time over a suspension (挂账) and resumes with it', () => {
    const c = clock();
    const suspendedAt = bj('2026-11-23T10:00:00'); // 3 working hours left
    expect(viewClock(cal, { ...c, suspendedAt }, bj('2026-12-01T10:00:00')).status).toBe('suspended');
    const resumed = resumeClock(cal, suspendedAt, c.deadline!, c.warnAt!, bj('2026-11-27T16:00:00'));
    // Friday 16:00 + 3 h → 1.5 h Friday, Monday 08:30 + 1.5 h = 10:00.
    expect(resumed.deadline.toISOString()).toBe(bj('2026-11-30T10:00:00').toISOString());
  });

  it('follows the system mode for non-urgent cases only', () => {
    const c = clock();
    const now = bj('2026-11-23T15:30:00');
    const frozen = { rule: 'frozen' as const, factor: 1, note: '战时冻结', since: bj('2026-11-23T12:00:00') };
    const f = viewClock(cal, c, now, frozen);
    expect(f.status).toBe('suspended');
    expect(f.note).toBe('战时冻结');
    expect(viewClock(cal, { ...c, urgent: true }, now, frozen).status).toBe('overdue');
    const extended = viewClock(cal, c, now, { rule: 'auto_extend', factor: 2, note: '应急延期', since: start });
    expect(extended.status).toBe('normal');
    expect(cal.workingMinutesBetween(start, new Date(extended.deadline!))).toBeCloseTo(480, 6);
  });

  it('waits for 结案 once fed back, is done once the case is closed, and none before dispatch', () => {
    const fed = { doneAt: bj('2026-11-23T11:00:00'), onTime: true };
    expect(viewClock(cal, clock({ ...fed, caseState: 'checking' }), bj('2026-11-30T00:00:00'))).toMatchObject({
      status: 'awaiting_close',
      onTime: true,
    });
    expect(viewClock(cal, clock({ ...fed, caseState: 'closed' }), bj('2026-11-30T00:00:00'))).toMatchObject({
      status: 'done',
      onTime: true,
    });
    expect(viewClock(cal, clock({ startedAt: null }), start).status).toBe('none');
  });
});

describe('working-calendar edges', () => {
  it('counts working time from the first minute of an interval up to, not including, its end', () => {
    expect(cal.isWorkingTime(bj('2026-11-23T08:29:59.999'))).toBe(false);
    expect(cal.isWorkingTime(bj('2026-11-23T08:30:00'))).toBe(true);
    expect(cal.isWorkingTime(bj('2026-11-23T11:59:59.999'))).toBe(true);
    expect(cal.isWorkingTime(bj('2026-11-23T12:00:00'))).toBe(false);
    expect(cal.isWorkingTime(bj('2026-11-23T13:30:00'))).toBe(true);
    expect(cal.isWorkingTime(bj('2026-11-23T17:30:00'))).toBe(false);
    // 国庆 (a Thursday) and a Saturday: no working time at 09:00.
    expect(cal.isWorkingTime(bj('2026-10-01T09:00:00'))).toBe(false);
    expect(cal.isWorkingTime(bj('2026-11-21T09:00:00'))).toBe(false);
  });

  it('reads local dates in Beijing time', () => {
    expect(cal.localDate(new Date('2026-11-22T15:59:59Z'))).toBe('2026-11-22');
    expect(cal.localDate(new Date('2026-11-22T16:00:00Z'))).toBe('2026-11-23');
  });

  it('adds zero minutes as the start itself, even outside working time, and refuses negative or endless ones', () => {
    const saturday = bj('2026-11-21T09:00:00');
    expect(cal.addWorkingMinutes(saturday, 0)).toEqual(saturday);
    expect(cal.addWorkingMinutes(saturday, 1)).toEqual(bj('2026-11-23T08:31:00'));
    expect(() => cal.addWorkingMinutes(saturday, -1)).toThrow('working minutes must be finite and ≥ 0, got -1');
    expect(() => cal.addWorkingMinutes(saturday, Number.POSITIVE_INFINITY)).toThrow('must be finite');
    expect(() => cal.addWorkingMinutes(saturday, Number.NaN)).toThrow('must be finite');
  });

  it('takes working hours that touch, and refuses hours that end when or before they start', () => {
    const touching = new WorkingCalendar({
      ...nightShift,
      workingHours: [
        { start: '08:00', end: '12:00' },
        { start: '12:00', end: '13:00' },
      ],
    });
    expect(touching.dayMinutes).toBe(300);
    // Hours may be listed in any order: they are read sorted.
    expect(new WorkingCalendar({ ...nightShift, workingHours: [...nightShift.workingHours].reverse() }).intervals).toEqual([
      [0, 120],
      [1320, 1440],
    ]);
    expect(() => new WorkingCalendar({ ...nightShift, workingHours: [{ start: '09:00', end: '09:00' }] })).toThrow(
      'calendar: working hours 540–540 end before they start',
    );
    expect(() => new WorkingCalendar({ ...nightShift, workingWeekends: ['2026-03-04'] })).toThrow(
      'calendar: 2026-03-04 is both a holiday and a working day',
    );
  });
});
