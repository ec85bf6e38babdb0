import { CASE_FINAL_STATES, type CaseState, type SlaClock, type TimeLimit } from '../../contracts/cases';
import type { ModeProfile } from '../../contracts/incidents';
import type { WorkingCalendar } from './calendar';

/**
 * SLA clocks of cases (处置时限): the stored clock (start, deadline, warning point, suspension, completion) plus
 * the system mode's effect on non-urgent cases, turned into what clients show. Pure.
 */

export interface StoredClock {
  /** The case's state: only a case that has ended (已结案, 作废) shows its clock as completed. */
  caseState: CaseState;
  limit: TimeLimit | null;
  startedAt: Date | null;
  deadline: Date | null;
  warnAt: Date | null;
  suspendedAt: Date | null;
  suspendNote: string | null;
  doneAt: Date | null;
  onTime: boolean | null;
  urgent: boolean;
}

/** How the current system mode treats non-urgent clocks (data/modes.json `nonUrgentCases` + settings). */
export interface ModeEffect {
  rule: ModeProfile['nonUrgentCases'];
  /** `auto_extend`: the limit is multiplied by this factor. */
  factor: number;
  note: string;
  /** When the mode began (for frozen clocks: they show as suspended from then). */
  since: Date;
}

export const NO_MODE_EFFECT: ModeEffect = { rule: 'normal', factor: 1, note: '', since: new Date(0) };

/** Starts a clock of `limit` at `start`. */
export function startClock(cal: WorkingCalendar, start: Date, limit: TimeLimit): { deadline: Date; warnAt: Date } {
  return cal.clockTimes(start, cal.limitMinutes(limit));
}

/** Moves a running clock's deadline by `extra` (延期): the warning point follows at the same share of the whole. */
export function extendClock(
  cal: WorkingCalendar,
  startedAt: Date,
  deadline: Date,
  extra: TimeLimit,
): { deadline: Date; warnAt: Date } {
  const total = Math.max(0, cal.workingMinutesBetween(startedAt, deadline)) + cal.limitMinutes(extra);
  return cal.clockTimes(startedAt, total);
}

/**
 * Resumes a suspended clock (挂账 ended) at `now` with the working time it had left when suspended; a clock
 * already overdue when suspended stays as it was.
 */
export function resumeClock(
  cal: WorkingCalendar,
  suspendedAt: Date,
  deadline: Date,
  warnAt: Date,
  now: Date,
): { deadline: Date; warnAt: Date } {
  const left = cal.workingMinutesBetween(suspendedAt, deadline);
  if (left <= 0) return { deadline, warnAt };
  const warnLeft = cal.workingMinutesBetween(suspendedAt, warnAt);
  return {
    deadline: cal.addWorkingMinutes(now, left),
    warnAt: warnLeft > 0 ? cal.addWorkingMinutes(now, warnLeft) : now,
  };
}

/** The clock as clients see it at `now`. */
export function viewClock(cal: WorkingCalendar, c: StoredClock, now: Date, mode: ModeEffect = NO_MODE_EFFECT): SlaClock {
  const base: SlaClock = {
    status: 'none',
    limit: c.limit,
    startedAt: c.startedAt?.toISOString() ?? null,
    deadline: c.deadline?.toISOString() ?? null,
    warnAt: c.warnAt?.toISOString() ?? null,
    suspendedAt: c.suspendedAt?.toISOString() ?? null,
    note: c.suspendNote,
    remainingWorkingMinutes: null,
    onTime: c.onTime,
  };
  if (!c.startedAt || !c.deadline || !c.warnAt) return base;
  if (CASE_FINAL_STATES.includes(c.caseState)) return { ...base, status: 'done' };
  // Fed back but not closed yet (已反馈, 核查中, 已核查): the handling clock stopped, the case goes on.
  if (c.doneAt) return { ...base, status: 'awaiting_close' };
  if (c.suspendedAt) {
    return { ...base, status: 'suspended', remainingWorkingMinutes: round(cal.workingMinutesBetween(c.suspendedAt, c.deadline)) };
  }
  let deadline = c.deadline;
  let warnAt = c.warnAt;
  let note: string | null = null;
  if (!c.urgent && mode.rule === 'frozen') {
    const from = mode.since > c.startedAt ? mode.since : c.startedAt;
    return {
      ...base,
      status: 'suspended',
      suspendedAt: from.toISOString(),
      note: mode.note,
      remainingWorkingMinutes: round(cal.workingMinutesBetween(from, c.deadline)),
    };
  }
  if (!c.urgent && mode.rule === 'auto_extend' && mode.factor > 1) {
    const total = Math.max(0, cal.workingMinutesBetween(c.startedAt, c.deadline)) * mode.factor;
    ({ deadline, warnAt } = cal.clockTimes(c.startedAt, total));
    note = mode.note;
  }
  const status = now >= deadline ? 'overdue' : now >= warnAt ? 'warning' : 'normal';
  return {
    ...base,
    status,
    deadline: deadline.toISOString(),
    warnAt: warnAt.toISOString(),
    note,
    remainingWorkingMinutes: round(cal.workingMinutesBetween(now, deadline)),
  };
}

const round = (m: number) => Math.round(m * 10) / 10;
