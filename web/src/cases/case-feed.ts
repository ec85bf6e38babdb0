import { CASE_FINAL_STATES, type CaseListResponse, type CaseSummary } from '../../../contracts/cases';
import { applyChanges, applySnapshot, emptyFeed, type ChangeFeedState, type LayerRules } from '../changes/feed';
import type { Change } from '../../../contracts/incidents';
import type { CaseListFilter } from './api';

/**
 * The case list kept from the change log: the list read over HTTP, then each case change applied in place by the
 * shared reducer of changes/feed.ts. A case whose new version no longer matches the list's filter leaves it.
 */

type CaseLayers = { cases: { item: CaseSummary; key: number } };
export type CaseFeedState = ChangeFeedState<CaseLayers>;

/** Whether a case belongs in a list read with `filter` (state `open`, `all` or one state; department), as `GET /api/cases`. */
export function matchesFilter(c: CaseSummary, filter: CaseListFilter): boolean {
  const state = filter.state ?? 'open';
  if (state === 'open' ? CASE_FINAL_STATES.includes(c.state) : state !== 'all' && c.state !== state) return false;
  return !filter.departmentId || c.departmentId === filter.departmentId;
}

export const caseRules = (filter: CaseListFilter): LayerRules<CaseLayers> => ({
  cases: { of: (change) => change.case, id: (c) => c.id, keeps: (c) => matchesFilter(c, filter) },
});

export const emptyCases = (filter: CaseListFilter): CaseFeedState => emptyFeed(caseRules(filter));

export const applyCaseList = (filter: CaseListFilter, state: CaseFeedState, list: CaseListResponse): CaseFeedState =>
  applySnapshot(caseRules(filter), state, { cases: { items: list.cases, seq: list.seq } });

export const applyCaseChanges = (filter: CaseListFilter, state: CaseFeedState, changes: readonly Change[]): CaseFeedState =>
  applyChanges(caseRules(filter), state, changes);

/** The cases in the list's order: last changed first (as the server sorts them), then by id. */
export function caseList(cases: Iterable<CaseSummary>): CaseSummary[] {
  return [...cases].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || b.id - a.id);
}
