import {
  CASE_GUARD_MESSAGES,
  CASE_OPEN_STATES,
  type CaseEvent,
  type CaseEventInput,
  type CaseMinorCategory,
  type CaseState,
  type PhotoStage,
} from '../../contracts/cases';
import type { Queryable } from '../../geo/db/types';
import { AppError } from '../http/errors';
import type { CaseUpdate } from './case-update';
import type { StepData } from './change';
import { minorOrThrow, type CaseActor } from './context';
import { resolveDepartment } from './department-rule';
import { countStagePhotos } from './photo-records';
import { extendClock, resumeClock, startClock } from './sla';
import { caseSql } from './sql';
import type { CaseRow } from './store';
import type { CaseTables } from './tables';
import type { GuardFacts } from './workflow';

/**
 * What each workflow event does to a case, one entry per event of the transition table (contracts/cases/workflow.ts),
 * each typed by its own request body (`CaseEventInput<E>`, inferred from the zod schema of contracts/cases/inputs.ts).
 * An effect gathers the facts its guards need (a department, photos, a new category), calls `decide` — which refuses
 * with the 409/403 of the table — and then says which columns change and what the step records. events.ts runs it
 * inside the case's transaction and writes the result.
 */

/** What an effect works with: the locked case row, the actor, one `now`, and the decision by the table. */
export interface EventContext {
  readonly tx: Queryable;
  readonly row: CaseRow;
  readonly actor: CaseActor;
  readonly now: Date;
  readonly tables: CaseTables;
  /** The case's 小类 as the code table has it (null when the table no longer holds the code). */
  readonly minor: CaseMinorCategory | null;
  /**
   * Decides the event by the transition table with these facts over the ones of the row (gateway/cases/workflow.ts);
   * throws the refusal. Called once by each effect, before it computes any change.
   */
  decide(facts?: Partial<GuardFacts>): void;
  /** Attaches the actor's own photos of a stage while the case is open (rolled back with the event if refused). */
  attachPhotos(stage: PhotoStage, ids: readonly number[]): Promise<void>;
}

/** What an event changes: columns of the case, the step's details and its note (the event's label when absent). */
interface EventChange {
  set: CaseUpdate;
  data?: StepData;
  note?: string | null | undefined;
}

type CaseEffect<E extends CaseEvent> = (c: EventContext, input: CaseEventInput<E>) => Promise<EventChange> | EventChange;
export type CaseEffects = { [E in CaseEvent]: CaseEffect<E> };

const MERGE_TARGET_SQL = caseSql('merge-target.sql');

/** A new SLA clock from now on the 小类's limit (its urgent limit for an urgent case): 派遣, 改派, 返工. */
function freshClock(c: EventContext): { set: CaseUpdate; deadline: Date } {
  const minor = c.minor;
  if (!minor) throw new AppError('conflict', CASE_GUARD_MESSAGES.category_known);
  const limit = c.row.urgent ? (minor.urgentTimeLimit ?? minor.timeLimit) : minor.timeLimit;
  const { deadline, warnAt } = startClock(c.tables.calendar, c.now, limit);
  return {
    deadline,
    set: {
      limit_amount: limit.amount,
      limit_unit: limit.unit,
      sla_started_at: c.now,
      sla_deadline: deadline,
      sla_warn_at: warnAt,
      sla_suspended_at: null,
      sla_note: null,
      sla_done_at: null,
      on_time: null,
    },
  };
}

/** 派遣 and 改派: the department by override, rule or 小类 (department-rule.ts), and a fresh clock. */
async function dispatchTo(c: EventContext, departmentId: string | undefined, note: string | undefined): Promise<EventChange> {
  const { row } = c;
  const department = await resolveDepartment(
    c.tx,
    c.tables.dispatchRules,
    c.minor,
    { gridCode: row.grid_code, districtCode: row.district_code },
    departmentId,
  );
  c.decide({ departmentResolved: department !== null });
  const chosen = department!;
  const clock = freshClock(c);
  const data: StepData = { departmentId: chosen.id, departmentName: chosen.name, via: chosen.via };
  if (row.department_id && row.department_id !== chosen.id) data.previousDepartmentId = row.department_id;
  data.deadline = clock.deadline.toISOString();
  return {
    set: {
      department_id: chosen.id,
      dispatched_at: c.now,
      dispatched_by: c.actor.id,
      // The first dispatch stays as it was through 改派 and 返工 (按时派遣率 and the dispatcher indicators count it).
      ...(row.first_dispatched_at ? {} : { first_dispatched_at: c.now, first_dispatched_by: c.actor.id }),
      ...clock.set,
    },
    data,
    note,
  };
}

/** Feedback and check: the stage's photos, those attached now and those uploaded onto the case since `since`. */
async function stagePhotos(c: EventContext, stage: 'feedback' | 'check', ids: readonly number[], since: Date | null) {
  await c.attachPhotos(stage, ids);
  return countStagePhotos(c.tx, Number(c.row.id), stage, since);
}

const withPhotos = (data: StepData, ids: readonly number[]): StepData => (ids.length ? { ...data, photoIds: ids } : data);

export const CASE_EFFECTS = {
  request_verify: (c, input) => {
    c.decide();
    return { set: { verify_requested_at: c.now, inspector_id: input.inspectorId ?? c.row.inspector_id }, note: input.note };
  },
  verify: async (c, input) => {
    await c.attachPhotos('verify', input.photoIds);
    c.decide();
    return {
      set: { verified_at: c.now, valid_report: input.confirmed },
      data: withPhotos({ confirmed: input.confirmed }, input.photoIds),
      note: input.note,
    };
  },
  accept: (c, input) => {
    c.decide();
    return { set: { valid_report: true }, note: input.note };
  },
  file: (c, input) => {
    const minor = input.categoryCode ? minorOrThrow(c.tables, input.categoryCode) : c.minor;
    c.decide({ categoryKnown: minor !== null });
    const set: CaseUpdate = { filed_at: c.now, valid_report: true };
    const data: StepData = {};
    if (minor && minor.code !== c.row.category_code) {
      Object.assign(set, { category_code: minor.code, major_code: minor.majorCode, kind: minor.kind });
      Object.assign(data, { categoryFrom: c.row.category_code, categoryTo: minor.code });
    }
    return { set, data, note: input.note };
  },
  reject: (c, input) => {
    c.decide({ reason: input.reason });
    return { set: { valid_report: false }, note: input.reason };
  },
  void: async (c, input) => {
    c.decide({ reason: input.reason });
    const { row } = c;
    const set: CaseUpdate = row.sla_started_at && !row.sla_done_at ? { sla_done_at: c.now } : {};
    const into = input.duplicateOf;
    if (into === undefined) return { set, note: input.reason };
    // A duplicate merged into the case that stays: that case must exist and still be open.
    if (into === Number(row.id)) throw new AppError('bad_request', '不能把案件合并到它自己');
    const [target] = await c.tx.query<{ code: string; state: CaseState }>(MERGE_TARGET_SQL, [into]);
    if (!target) throw new AppError('not_found', `没有编号为 ${into} 的案件，无法合并`);
    if (!CASE_OPEN_STATES.includes(target.state)) {
      throw new AppError('conflict', `案件 ${target.code} 已办结（${target.state}），不能作为合并目标`);
    }
    return { set, data: { duplicateOf: into, duplicateOfCode: target.code }, note: input.reason };
  },
  dispatch: (c, input) => dispatchTo(c, input.departmentId, input.note),
  redispatch: (c, input) => dispatchTo(c, input.departmentId, input.note),
  take: (c, input) => {
    c.decide();
    return { set: {}, note: input.note };
  },
  return: (c, input) => {
    c.decide({ reason: input.reason });
    return {
      set: { department_id: null, sla_suspended_at: c.now, sla_note: '回退待重新派遣' },
      data: { previousDepartmentId: c.row.department_id },
      note: input.reason,
    };
  },
  request_extension: (c, input) => {
    c.decide({ reason: input.reason });
    const ext = { amount: input.amount, unit: input.unit, reason: input.reason };
    return { set: { pending_extension: ext }, data: { ...ext }, note: input.reason };
  },
  approve_extension: (c, input) => {
    c.decide();
    const { row } = c;
    const ext = row.pending_extension;
    if (!ext || !row.sla_started_at || !row.sla_deadline)
      throw new AppError('conflict', '没有待审批的延期申请 / no extension request is pending');
    const moved = extendClock(c.tables.calendar, new Date(row.sla_started_at), new Date(row.sla_deadline), {
      amount: ext.amount,
      unit: ext.unit,
    });
    return {
      set: {
        sla_deadline: moved.deadline,
        sla_warn_at: moved.warnAt,
        extension_count: row.extension_count + 1,
        pending_extension: null,
      },
      data: { amount: ext.amount, unit: ext.unit, deadline: moved.deadline.toISOString() },
      note: input.note,
    };
  },
  deny_extension: (c, input) => {
    c.decide({ reason: input.reason });
    return { set: { pending_extension: null }, note: input.reason };
  },
  suspend: (c, input) => {
    c.decide({ reason: input.reason });
    return { set: { sla_suspended_at: c.now, sla_note: `挂账：${input.reason}`, pending_extension: null }, note: input.reason };
  },
  resume: (c, input) => {
    c.decide();
    const { row } = c;
    const set: CaseUpdate = { sla_suspended_at: null, sla_note: null };
    const data: StepData = {};
    if (row.sla_suspended_at && row.sla_deadline && row.sla_warn_at) {
      const r = resumeClock(
        c.tables.calendar,
        new Date(row.sla_suspended_at),
        new Date(row.sla_deadline),
        new Date(row.sla_warn_at),
        c.now,
      );
      Object.assign(set, { sla_deadline: r.deadline, sla_warn_at: r.warnAt });
      data.deadline = r.deadline.toISOString();
    }
    return { set, data, note: input.note };
  },
  feedback: async (c, input) => {
    c.decide({ stagePhotos: await stagePhotos(c, 'feedback', input.photoIds, c.row.dispatched_at) });
    const deadline = c.row.sla_deadline;
    const onTime = deadline ? c.now.getTime() <= new Date(deadline).getTime() : null;
    return {
      set: { fed_back_at: c.now, sla_done_at: c.now, on_time: onTime, pending_extension: null },
      data: withPhotos({ onTime }, input.photoIds),
      note: input.note,
    };
  },
  request_check: (c, input) => {
    c.decide();
    const { row } = c;
    return {
      set: {
        check_requested_at: c.now,
        check_passed: null,
        inspector_id: input.inspectorId ?? row.inspector_id ?? row.reporter_id,
      },
      note: input.note,
    };
  },
  check: async (c, input) => {
    c.decide({ stagePhotos: await stagePhotos(c, 'check', input.photoIds, c.row.check_requested_at) });
    return {
      set: { checked_at: c.now, check_passed: input.passed },
      data: withPhotos({ passed: input.passed }, input.photoIds),
      note: input.note,
    };
  },
  close: (c, input) => {
    c.decide();
    return { set: { closed_at: c.now }, note: input.note };
  },
  rework: (c, input) => {
    c.decide({ reason: input.reason });
    const clock = freshClock(c);
    return {
      set: { rework_count: c.row.rework_count + 1, check_passed: null, dispatched_at: c.now, ...clock.set },
      data: { deadline: clock.deadline.toISOString() },
      note: input.reason,
    };
  },
  supervise: (c, input) => {
    c.decide({ requestedSupervision: input.level });
    return { set: { supervision: input.level }, data: { level: input.level }, note: input.note };
  },
  urge: (c, input) => {
    c.decide();
    const { row, minor } = c;
    const set: CaseUpdate = { urgent: true };
    const data: StepData = {};
    if (minor?.urgentTimeLimit && row.sla_started_at && row.sla_deadline && !row.sla_done_at) {
      const u = startClock(c.tables.calendar, new Date(row.sla_started_at), minor.urgentTimeLimit);
      if (u.deadline < new Date(row.sla_deadline)) {
        Object.assign(set, {
          sla_deadline: u.deadline,
          sla_warn_at: u.warnAt,
          limit_amount: minor.urgentTimeLimit.amount,
          limit_unit: minor.urgentTimeLimit.unit,
        });
        data.deadline = u.deadline.toISOString();
      }
    }
    return { set, data, note: input.note };
  },
} satisfies CaseEffects;
