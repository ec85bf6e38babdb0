import { CASE_FINAL_STATES } from '../../contracts/cases';
import type { ModeProfile, ModeState } from '../../contracts/incidents';
import type { Queryable } from '../../geo/db/types';
import type { WorkingCalendar } from '../cases/calendar';
import type { CaseContext } from '../cases/context';
import { resumeClock } from '../cases/sla';
import type { ModeSwitchEffect } from './service';

/** A running non-urgent case clock, as stored. */
export interface RunningClock {
  id: number;
  startedAt: Date;
  deadline: Date;
  warnAt: Date;
}

/**
 * Clocks frozen by a mode (modes.json `nonUrgentCases: "frozen"`) resume when it ends with the working time they had
 * left when the freeze began (or when they started, if later), as a 挂账 resumes: the time under the frozen mode
 * does not count. Pure.
 */
export function resumedClocks(
  cal: WorkingCalendar,
  clocks: readonly RunningClock[],
  frozenSince: Date,
  now: Date,
): { id: number; deadline: Date; warnAt: Date }[] {
  return clocks.map((c) => {
    const from = frozenSince > c.startedAt ? frozenSince : c.startedAt;
    return { id: c.id, ...resumeClock(cal, from, c.deadline, c.warnAt, now) };
  });
}

const ruleOf = (profiles: readonly ModeProfile[], s: ModeState) => profiles.find((p) => p.id === s.mode)?.nonUrgentCases;

/**
 * The switch's effect on case clocks: leaving a mode that froze non-urgent clocks for one that does not moves every
 * running non-urgent clock's deadline and warning point on by the frozen working time (in the switch's transaction).
 * Cases in 挂账 keep their own suspension; urgent cases never stopped.
 */
export function caseClockEffect(ctx: Pick<CaseContext, 'profiles' | 'tables'>): ModeSwitchEffect {
  return async (tx: Queryable, from: ModeState, to: ModeState) => {
    if (ruleOf(ctx.profiles, from) !== 'frozen' || ruleOf(ctx.profiles, to) === 'frozen') return;
    const rows = await tx.query<{ id: string; sla_started_at: Date; sla_deadline: Date; sla_warn_at: Date; now: Date }>(
      `SELECT id, sla_started_at, sla_deadline, sla_warn_at, now() AS now FROM city_case
        WHERE NOT urgent AND sla_started_at IS NOT NULL AND sla_deadline IS NOT NULL AND sla_warn_at IS NOT NULL
          AND sla_done_at IS NULL AND sla_suspended_at IS NULL AND state <> ALL($1::text[])
        FOR UPDATE`,
      [[...CASE_FINAL_STATES]],
    );
    if (!rows.length) return;
    const moved = resumedClocks(
      ctx.tables.calendar,
      rows.map((r) => ({
        id: Number(r.id),
        startedAt: new Date(r.sla_started_at),
        deadline: new Date(r.sla_deadline),
        warnAt: new Date(r.sla_warn_at),
      })),
      new Date(from.changedAt),
      new Date(rows[0]!.now),
    );
    await tx.query(
      `UPDATE city_case c SET sla_deadline = m.deadline, sla_warn_at = m.warn_at, updated_at = now()
         FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) AS m(id, deadline, warn_at)
        WHERE c.id = m.id`,
      [moved.map((m) => m.id), moved.map((m) => m.deadline.toISOString()), moved.map((m) => m.warnAt.toISOString())],
    );
  };
}
