import { resumeClock, viewClock, type ModeEffect, type StoredClock } from '../../gateway/cases/sla';
import { loadCaseTables } from '../../gateway/cases/tables';

/**
 * The server's SLA clock on the working calendar of data/cityops/calendar.json (Mon–Fri 08:30–12:00 and 13:30–17:30,
 * Beijing time): resuming after 挂账, the clock under a frozen or auto-extended mode, and the status at its edges.
 */
const cal = loadCaseTables().calendar;
// Dispatched Monday 2026-11-23 09:00 (Beijing) with 4 working hours: 09:00–12:00 and 13:30–14:30.
const STARTED = new Date('2026-11-23T01:00:00Z');
const DEADLINE = new Date('2026-11-23T06:30:00Z');
const WARN_AT = new Date('2026-11-23T05:42:00Z');
const running: StoredClock = {
  caseState: 'handling',
  limit: { amount: 4, unit: 'working_hours' },
  startedAt: STARTED,
  deadline: DEADLINE,
  warnAt: WARN_AT,
  suspendedAt: null,
  suspendNote: null,
  doneAt: null,
  onTime: null,
  urgent: false,
};
const TEN = new Date('2026-11-23T02:00:00Z'); // Monday 10:00
const mode = (over: Partial<ModeEffect>): ModeEffect => ({ rule: 'normal', factor: 1, note: '', since: new Date(0), ...over });

describe('resumeClock', () => {
  const TUESDAY_NINE = new Date('2026-11-24T01:00:00Z');

  it('gives back the working time left at suspension, deadline and warning point alike', () => {
    // Suspended Monday 10:00: 180 min to the deadline (10:00–12:00, 13:30–14:30), 132 to the warning point (… 13:42).
    expect(resumeClock(cal, TEN, DEADLINE, WARN_AT, TUESDAY_NINE)).toEqual({
      deadline: new Date('2026-11-24T04:00:00Z'), // Tuesday 12:00
      warnAt: new Date('2026-11-24T03:12:00Z'), // Tuesday 11:12
    });
  });

  it('warns at once when the clock was suspended past its warning point', () => {
    const at1400 = new Date('2026-11-23T06:00:00Z');
    expect(resumeClock(cal, at1400, DEADLINE, WARN_AT, TUESDAY_NINE)).toEqual({
      deadline: new Date('2026-11-24T01:30:00Z'), // Tuesday 09:30: the 30 minutes that were left
      warnAt: TUESDAY_NINE,
    });
  });

  it('leaves a clock suspended at or after its deadline as it was', () => {
    expect(resumeClock(cal, DEADLINE, DEADLINE, WARN_AT, TUESDAY_NINE)).toEqual({ deadline: DEADLINE, warnAt: WARN_AT });
    const later = new Date('2026-11-23T08:00:00Z');
    expect(resumeClock(cal, later, DEADLINE, WARN_AT, TUESDAY_NINE)).toEqual({ deadline: DEADLINE, warnAt: WARN_AT });
  });
});

describe('viewClock', () => {
  it('shows a running clock with its times and the working minutes left', () => {
    expect(viewClock(cal, running, TEN)).toEqual({
      status: 'normal',
      limit: { amount: 4, unit: 'working_hours' },
      startedAt: '2026-11-23T01:00:00.000Z',
      deadline: '2026-11-23T06:30:00.000Z',
      warnAt: '2026-11-23T05:42:00.000Z',
      suspendedAt: null,
      note: null,
      remainingWorkingMinutes: 180,
      onTime: null,
    });
  });

  it('turns 预警 at the warning point and 超时 at the deadline, to the millisecond', () => {
    expect(viewClock(cal, running, new Date(WARN_AT.getTime() - 1)).status).toBe('normal');
    expect(viewClock(cal, running, WARN_AT).status).toBe('warning');
    expect(viewClock(cal, running, new Date(DEADLINE.getTime() - 1)).status).toBe('warning');
    expect(viewClock(cal, running, DEADLINE).status).toBe('overdue');
  });

  it('shows a non-urgent clock as suspended from the start of a frozen mode, or from its own start if later', () => {
    const frozen = mode({ rule: 'frozen', note: '战时指挥：非紧急案件暂停计时', since: TEN });
    expect(viewClock(cal, running, new Date('2026-11-23T03:00:00Z'), frozen)).toMatchObject({
      status: 'suspended',
      startedAt: '2026-11-23T01:00:00.000Z',
      deadline: '2026-11-23T06:30:00.000Z',
      warnAt: '2026-11-23T05:42:00.000Z',
      suspendedAt: '2026-11-23T02:00:00.000Z',
      note: '战时指挥：非紧急案件暂停计时',
      remainingWorkingMinutes: 180,
    });
    const earlier = { ...frozen, since: new Date('2026-11-20T00:00:00Z') };
    expect(viewClock(cal, running, TEN, earlier)).toMatchObject({
      status: 'suspended',
      suspendedAt: '2026-11-23T01:00:00.000Z',
      remainingWorkingMinutes: 240,
    });
    expect(viewClock(cal, { ...running, urgent: true }, TEN, frozen)).toMatchObject({ status: 'normal', suspendedAt: null });
  });

  it('stretches a non-urgent clock by the factor of an auto-extending mode', () => {
    const extend = mode({ rule: 'auto_extend', factor: 1.5, note: '应急处置：非紧急案件时限延长' });
    // 240 × 1.5 = 360 working minutes from Monday 09:00: 09:00–12:00 and 13:30–16:30.
    expect(viewClock(cal, running, TEN, extend)).toMatchObject({
      status: 'normal',
      deadline: '2026-11-23T08:30:00.000Z',
      note: '应急处置：非紧急案件时限延长',
      remainingWorkingMinutes: 300,
    });
    expect(viewClock(cal, { ...running, urgent: true }, TEN, extend)).toMatchObject({
      deadline: '2026-11-23T06:30:00.000Z',
      note: null,
    });
    expect(viewClock(cal, running, TEN, { ...extend, factor: 1 })).toMatchObject({
      deadline: '2026-11-23T06:30:00.000Z',
      note: null,
    });
    expect(viewClock(cal, running, TEN, { ...extend, rule: 'normal' })).toMatchObject({
      deadline: '2026-11-23T06:30:00.000Z',
      note: null,
    });
  });
});
