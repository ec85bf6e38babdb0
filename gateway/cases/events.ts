import {
  CASE_EVENT_LABELS,
  CASE_OPEN_STATES,
  type CaseDetail,
  type CaseEvent,
  type CaseEventInput,
  type CaseState,
} from '../../contracts/cases';
import { AppError } from '../http/errors';
import { updateCase } from './case-update';
import { changeCases, writeStep } from './change';
import { ALL_CASES, noSuchCase, type CaseActor, type CaseContext, type CaseScope } from './context';
import { CASE_EFFECTS, type CaseEffects, type EventContext } from './effects';
import { attachPhotos } from './photo-records';
import { caseSql, withScope } from './sql';
import { loadCaseRows, readCase } from './store';
import { decide, type GuardFacts } from './workflow';

const LOCK_SQL = caseSql('case-lock.sql');
/** The effects table as its mapped type, so that `EFFECTS[event]` takes exactly `CaseEventInput<E>`. */
const EFFECTS: CaseEffects = CASE_EFFECTS;

/**
 * Applies one workflow event to a case the actor's scope holds, in one transaction: lock the row, run the event's
 * effect (effects.ts), which decides by the transition table (workflow.ts) and says what changes, then write the
 * columns and the step; the case goes onto the change log (change.ts). Returns the case as the actor now sees it.
 */
export async function applyCaseEvent<E extends CaseEvent>(
  ctx: CaseContext,
  id: number,
  event: E,
  input: CaseEventInput<E>,
  actor: CaseActor,
  scope: CaseScope,
): Promise<CaseDetail> {
  await changeCases(ctx, async (tx, touched) => {
    const [locked] = await tx.query(withScope(LOCK_SQL, scope, 1), [id, ...scope.params]);
    if (!locked) throw noSuchCase(id);
    const [row] = await loadCaseRows(tx, [id]);
    if (!row) throw noSuchCase(id);
    const now = ctx.now();
    const minor = ctx.tables.categories.minor(row.category_code);
    const decided: { to: CaseState | null } = { to: null };
    const c: EventContext = {
      tx,
      row,
      actor,
      now,
      tables: ctx.tables,
      minor,
      decide: (facts = {}) => {
        const all: GuardFacts = {
          reason: null,
          categoryKnown: minor !== null,
          departmentResolved: false,
          caseDepartmentId: row.department_id,
          actorDepartmentId: actor.departmentId,
          stagePhotos: 0,
          checkPassed: row.check_passed,
          extensionCount: row.extension_count,
          supervision: row.supervision,
          requestedSupervision: null,
          urgent: row.urgent,
          ...facts,
        };
        const d = decide(row.state, event, actor.role, all);
        if (!d.ok) throw new AppError(d.code, d.reason, { state: row.state, event, guard: d.guard ?? null });
        decided.to = d.to;
      },
      attachPhotos: async (stage, ids) => {
        if (ids.length && CASE_OPEN_STATES.includes(row.state)) await attachPhotos(tx, id, ids, stage, actor);
      },
    };
    const change = await EFFECTS[event](c, input);
    const to = decided.to;
    if (to === null) throw new Error(`the effect of ${event} did not decide`);
    await updateCase(tx, id, { ...change.set, state: to, updated_at: now });
    await writeStep(tx, now, {
      caseId: id,
      event,
      from: row.state,
      to,
      actor,
      note: change.note ?? CASE_EVENT_LABELS[event],
      data: change.data ?? {},
    });
    touched.add(id);
  });
  return readCase(ctx, id, actor.role, ALL_CASES);
}
