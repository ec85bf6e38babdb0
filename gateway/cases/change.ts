import type { CaseEvent, CaseState } from '../../contracts/cases';
import type { Queryable } from '../../geo/db/types';
import { appendChanges, lockChangeLog } from '../changes/log';
import { modeEffect, type CaseActor, type CaseContext } from './context';
import { caseSql } from './sql';
import { loadCaseRows, toSummary } from './store';

const INSERT_STEP_SQL = caseSql('step-insert.sql');

/** What a step records beside its states: the event's details (department, extension, check result…), as JSON. */
export type StepData = Record<string, string | number | boolean | null | readonly number[]>;

/**
 * Runs one change to cases in a transaction holding the change-log lock. `fn` adds the ids of the cases it changed
 * to `touched`; their new summaries are appended to the change log (topic `case`, layer `cases`) in the same
 * transaction and published to walls and consoles once it has committed.
 */
export async function changeCases<T>(ctx: CaseContext, fn: (tx: Queryable, touched: Set<number>) => Promise<T>): Promise<T> {
  const { result, changes } = await ctx.db.transaction(async (tx) => {
    await lockChangeLog(tx);
    const touched = new Set<number>();
    const result = await fn(tx, touched);
    if (!touched.size) return { result, changes: [] };
    const now = ctx.now();
    const mode = await modeEffect(ctx, tx);
    const rows = (await loadCaseRows(tx, [...touched])).sort((a, b) => Number(a.id) - Number(b.id));
    const changes = await appendChanges(
      tx,
      rows.map((r) => ({
        topic: 'case' as const,
        entity: r.id,
        district: r.district_code,
        payload: { case: toSummary(r, ctx.tables, now, mode) },
      })),
    );
    return { result, changes };
  });
  ctx.hub.publish(changes);
  return result;
}

/** Records one step of a case's history (case_step). */
export async function writeStep(
  tx: Queryable,
  at: Date,
  step: {
    caseId: number;
    event: CaseEvent | 'report';
    from: CaseState | null;
    to: CaseState;
    actor: CaseActor;
    note: string | null;
    data: StepData;
  },
): Promise<void> {
  const { caseId, event, from, to, actor, note, data } = step;
  await tx.query(INSERT_STEP_SQL, [caseId, event, from, to, at, actor.id, actor.name, actor.role, note, JSON.stringify(data)]);
}
