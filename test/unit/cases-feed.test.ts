import type { CaseState, CaseSummary } from '../../contracts/cases';
import type { Change } from '../../contracts/incidents';
import {
  applyCaseChanges,
  applyCaseList,
  caseList,
  emptyCases,
  matchesFilter,
  type CaseFeedState,
} from '../../web/src/cases/case-feed';
import { applyCatchUp } from '../../web/src/changes/feed';
import type { CaseListFilter } from '../../web/src/cases/api';

const T0 = '2026-03-01T08:00:00.000Z';
const at = (minute: number) => `2026-03-01T08:${String(minute).padStart(2, '0')}:00.000Z`;

function kase(id: number, over: Partial<CaseSummary> = {}): CaseSummary {
  return {
    id,
    code: `2026030100${id}`,
    state: 'filed',
    kind: 'event',
    categoryCode: 'SJ0102',
    categoryName: '暴露垃圾',
    majorCode: 'SJ01',
    majorName: '市容环境',
    description: `案件 ${id}`,
    place: { lon: 126.64, lat: 45.75, district: null, street: null, gridCode: null, community: null, address: null },
    channel: 'inspector',
    reporterId: null,
    reporterName: null,
    departmentId: null,
    departmentName: null,
    inspectorId: null,
    urgent: false,
    supervision: null,
    reworkCount: 0,
    extensionCount: 0,
    sla: {
      status: 'none',
      limit: null,
      startedAt: null,
      deadline: null,
      warnAt: null,
      suspendedAt: null,
      note: null,
      remainingWorkingMinutes: null,
      onTime: null,
    },
    reportedAt: T0,
    filedAt: null,
    closedAt: null,
    updatedAt: T0,
    thumbUrl: null,
    ...over,
  };
}

const caseChange = (seq: number, c: CaseSummary): Change => ({ seq, topic: 'case', at: T0, district: null, case: c });
const moved = (c: CaseSummary, state: CaseState, minute: number): CaseSummary => ({ ...c, state, updatedAt: at(minute) });

const OPEN: CaseListFilter = { state: 'open' };

function loaded(filter: CaseListFilter = OPEN): CaseFeedState {
  return applyCaseList(filter, emptyCases(filter), {
    cases: [kase(1, { updatedAt: at(1) }), kase(2, { updatedAt: at(2) })],
    total: 2,
    seq: 50,
  });
}

const ids = (s: CaseFeedState) => caseList(s.cases.values()).map((c) => c.id);

describe('case list kept from the change log', () => {
  test('the list loads, last changed first, and resumes from its sequence', () => {
    const s = loaded();
    expect(s.loaded).toBe(true);
    expect(ids(s)).toEqual([2, 1]);
    expect(s.lastSeq).toBe(50);
  });

  test('a reported case is added and a changed case replaced in place, without reading the list again', () => {
    let s = loaded();
    s = applyCaseChanges(OPEN, s, [
      caseChange(51, kase(3, { updatedAt: at(3) })),
      caseChange(52, moved(kase(1), 'dispatched', 4)),
    ]);
    expect(ids(s)).toEqual([1, 3, 2]);
    expect(s.cases.get(1)?.state).toBe('dispatched');
    expect(s.lastSeq).toBe(52);
  });

  test('a case that reaches a final state leaves the open list, and a late older change does not bring it back', () => {
    let s = loaded();
    s = applyCaseChanges(OPEN, s, [caseChange(60, moved(kase(1), 'closed', 10))]);
    expect(s.cases.has(1)).toBe(false);
    s = applyCaseChanges(OPEN, s, [caseChange(59, moved(kase(1), 'checking', 9))]);
    expect(s.cases.has(1)).toBe(false);
    // A list of every state keeps it.
    const all: CaseListFilter = { state: 'all' };
    const kept = applyCaseChanges(all, loaded(all), [caseChange(60, moved(kase(1), 'closed', 10))]);
    expect(kept.cases.get(1)?.state).toBe('closed');
  });

  test('a change delivered twice is applied once; the catch-up overlap the list already holds is ignored', () => {
    let s = loaded();
    const c = caseChange(70, moved(kase(2), 'handling', 20));
    s = applyCaseChanges(OPEN, s, [c]);
    const after = s;
    expect(applyCaseChanges(OPEN, s, [c, c])).toBe(after);
    // The list was read at 50: a replayed change at 49 is already in it.
    s = applyCaseChanges(OPEN, s, [caseChange(49, moved(kase(1), 'dispatched', 0))]);
    expect(s.cases.get(1)?.state).toBe('filed');
  });

  test('changes of other layers leave the list as it is', () => {
    const s = loaded();
    const next = applyCaseChanges(OPEN, s, [{ seq: 80, topic: 'unit', at: T0, district: null }]);
    expect(next.cases).toBe(s.cases);
    expect(next.lastSeq).toBe(80);
  });

  test("a department's list loses a case dispatched elsewhere and gains one dispatched to it", () => {
    const mine: CaseListFilter = { state: 'open', departmentId: 'd-env' };
    let s = applyCaseList(mine, emptyCases(mine), { cases: [kase(1, { departmentId: 'd-env' })], total: 1, seq: 10 });
    s = applyCaseChanges(mine, s, [
      caseChange(11, { ...kase(1), departmentId: 'd-water', updatedAt: at(5) }),
      caseChange(12, { ...kase(2), departmentId: 'd-env', updatedAt: at(6) }),
    ]);
    expect(ids(s)).toEqual([2]);
    expect(matchesFilter(kase(3, { state: 'rejected' }), { state: 'rejected' })).toBe(true);
    expect(matchesFilter(kase(3, { state: 'filed' }), { state: 'rejected' })).toBe(false);
  });

  test('a reset catch-up applies nothing; the reloaded list replaces the picture, keeping newer versions', () => {
    let s = loaded();
    s = applyCaseChanges(OPEN, s, [caseChange(900, moved(kase(2), 'handling', 30))]);
    const reset = applyCatchUp((st: CaseFeedState, ch: readonly Change[]) => applyCaseChanges(OPEN, st, ch), s, {
      changes: [caseChange(950, kase(9))],
      head: 950,
      reset: true,
    });
    expect(reset.reset).toBe(true);
    expect(reset.state).toBe(s);
    s = applyCaseList(OPEN, s, { cases: [kase(2, { state: 'dispatched' }), kase(5)], total: 2, seq: 800 });
    // 1 left (not in the reloaded list); 2 keeps the version newer than the list; 5 arrived with it.
    expect(ids(s).sort()).toEqual([2, 5]);
    expect(s.cases.get(2)?.state).toBe('handling');
    expect(s.lastSeq).toBe(800);
  });
});
