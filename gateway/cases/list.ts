import type { CaseListQuery, CaseListResponse } from '../../contracts/cases';
import { changeHead } from '../changes/log';
import { modeEffect, type CaseContext, type CaseScope } from './context';
import { caseSql, withScope } from './sql';
import { loadCaseRows, toSummary } from './store';

const LIST_SQL = caseSql('list.sql');

/** The case list of a console or the inspector's phone: filters, a page, the total, and the change-log head it read. */
export async function listCases(
  ctx: CaseContext,
  q: CaseListQuery,
  scope: CaseScope,
  viewerId: string | null = null,
): Promise<CaseListResponse> {
  const seq = await changeHead(ctx.db);
  const now = ctx.now();
  const params = [
    q.state,
    q.kind ?? null,
    q.categoryCode ?? null,
    q.district ?? null,
    q.departmentId ?? null,
    q.bbox?.west ?? null,
    q.bbox?.south ?? null,
    q.bbox?.east ?? null,
    q.bbox?.north ?? null,
    q.assignedToMe ? (viewerId ?? '') : null,
    q.sla ?? null,
    now,
    q.limit,
    q.offset,
  ];
  const [page] = await ctx.db.query<{ total: string; ids: string[] }>(withScope(LIST_SQL, scope, params.length), [
    ...params,
    ...scope.params,
  ]);
  const rows = await loadCaseRows(ctx.db, (page?.ids ?? []).map(Number));
  const mode = await modeEffect(ctx);
  return { cases: rows.map((r) => toSummary(r, ctx.tables, now, mode)), total: Number(page?.total ?? 0), seq };
}
