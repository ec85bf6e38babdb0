import {
  CASE_EVENT_ACTIONS,
  CASE_EVENTS,
  CASE_FINAL_STATES,
  CASE_GUARD_MESSAGES,
  CASE_GUARDS,
  CASE_ROLES,
  CASE_STATES,
  CASE_TRANSITIONS,
  caseEventInputs,
  type CaseEvent,
  type CaseGuard,
  type CaseState,
} from '../../contracts/cases';
import { loadPolicy } from '../../gateway/policy/load';
import { decide, eventsFor, guardHolds, type GuardFacts } from '../../gateway/cases/workflow';

/** Facts under which every guard holds. */
const allHold: GuardFacts = {
  reason: '现场核实无误',
  categoryKnown: true,
  departmentResolved: true,
  caseDepartmentId: 'urban-mgmt',
  actorDepartmentId: 'urban-mgmt',
  stagePhotos: 1,
  checkPassed: true,
  extensionCount: 0,
  supervision: null,
  requestedSupervision: 'yellow',
  urgent: false,
};

/** For each guard, facts that break exactly it. */
const breaking: Record<CaseGuard, Partial<GuardFacts>> = {
  reason_required: { reason: ' ' },
  category_known: { categoryKnown: false },
  department_resolved: { departmentResolved: false },
  own_department: { actorDepartmentId: 'traffic-police' },
  after_photo: { stagePhotos: 0 },
  check_photo: { stagePhotos: 0 },
  check_passed: { checkPassed: false },
  extension_limit: { extensionCount: 2 },
  supervision_escalates: { supervision: 'red', requestedSupervision: 'yellow' },
  not_urgent: { urgent: true },
};

const DISPATCH = ['dispatcher', 'commander'];
const SUPERVISORS = ['dispatcher', 'commander', 'leader'];
const HANDLER = ['handler'];
const INSPECTOR = ['inspector'];

/**
 * The case workflow (DOMAIN.md, 数字城管 closed loop), written out by hand: state, event → next state, the roles that
 * may act, the guards checked. Every state × event × role is decided against this list; anything not listed is
 * refused. 督办 and 加急 overlay every open state except 已核查 and keep it.
 */
const ALLOWED: [CaseState, CaseEvent, CaseState, string[], CaseGuard[]][] = [
  ['reported', 'request_verify', 'verifying', DISPATCH, []],
  ['reported', 'accept', 'pending_filing', DISPATCH, []],
  ['reported', 'reject', 'rejected', DISPATCH, ['reason_required']],
  ['reported', 'void', 'voided', DISPATCH, ['reason_required']],
  ['reported', 'supervise', 'reported', SUPERVISORS, ['supervision_escalates']],
  ['reported', 'urge', 'reported', SUPERVISORS, ['not_urgent']],

  ['verifying', 'verify', 'pending_filing', INSPECTOR, []],
  ['verifying', 'reject', 'rejected', DISPATCH, ['reason_required']],
  ['verifying', 'void', 'voided', DISPATCH, ['reason_required']],
  ['verifying', 'supervise', 'verifying', SUPERVISORS, ['supervision_escalates']],
  ['verifying', 'urge', 'verifying', SUPERVISORS, ['not_urgent']],

  ['pending_filing', 'file', 'filed', DISPATCH, ['category_known']],
  ['pending_filing', 'request_verify', 'verifying', DISPATCH, []],
  ['pending_filing', 'reject', 'rejected', DISPATCH, ['reason_required']],
  ['pending_filing', 'void', 'voided', DISPATCH, ['reason_required']],
  ['pending_filing', 'supervise', 'pending_filing', SUPERVISORS, ['supervision_escalates']],
  ['pending_filing', 'urge', 'pending_filing', SUPERVISORS, ['not_urgent']],

  ['filed', 'dispatch', 'dispatched', DISPATCH, ['category_known', 'department_resolved']],
  ['filed', 'void', 'voided', DISPATCH, ['reason_required']],
  ['filed', 'supervise', 'filed', SUPERVISORS, ['supervision_escalates']],
  ['filed', 'urge', 'filed', SUPERVISORS, ['not_urgent']],

  ['dispatched', 'take', 'handling', HANDLER, ['own_department']],
  ['dispatched', 'return', 'returned', HANDLER, ['own_department', 'reason_required']],
  ['dispatched', 'redispatch', 'dispatched', DISPATCH, ['department_resolved']],
  ['dispatched', 'suspend', 'suspended', DISPATCH, ['reason_required']],
  ['dispatched', 'supervise', 'dispatched', SUPERVISORS, ['supervision_escalates']],
  ['dispatched', 'urge', 'dispatched', SUPERVISORS, ['not_urgent']],

  ['handling', 'feedback', 'fed_back', HANDLER, ['own_department', 'after_photo']],
  ['handling', 'return', 'returned', HANDLER, ['own_department', 'reason_required']],
  ['handling', 'request_extension', 'extension_requested', HANDLER, ['own_department', 'reason_required', 'extension_limit']],
  ['handling', 'suspend', 'suspended', DISPATCH, ['reason_required']],
  ['handling', 'redispatch', 'dispatched', DISPATCH, ['department_resolved']],
  ['handling', 'supervise', 'handling', SUPERVISORS, ['supervision_escalates']],
  ['handling', 'urge', 'handling', SUPERVISORS, ['not_urgent']],

  ['extension_requested', 'approve_extension', 'handling', DISPATCH, ['extension_limit']],
  ['extension_requested', 'deny_extension', 'handling', DISPATCH, ['reason_required']],
  ['extension_requested', 'feedback', 'fed_back', HANDLER, ['own_department', 'after_photo']],
  ['extension_requested', 'suspend', 'suspended', DISPATCH, ['reason_required']],
  ['extension_requested', 'supervise', 'extension_requested', SUPERVISORS, ['supervision_escalates']],
  ['extension_requested', 'urge', 'extension_requested', SUPERVISORS, ['not_urgent']],

  ['suspended', 'resume', 'handling', DISPATCH, []],
  ['suspended', 'void', 'voided', DISPATCH, ['reason_required']],
  ['suspended', 'supervise', 'suspended', SUPERVISORS, ['supervision_escalates']],
  ['suspended', 'urge', 'suspended', SUPERVISORS, ['not_urgent']],

  ['returned', 'dispatch', 'dispatched', DISPATCH, ['category_known', 'department_resolved']],
  ['returned', 'void', 'voided', DISPATCH, ['reason_required']],
  ['returned', 'supervise', 'returned', SUPERVISORS, ['supervision_escalates']],
  ['returned', 'urge', 'returned', SUPERVISORS, ['not_urgent']],

  ['fed_back', 'request_check', 'checking', DISPATCH, []],
  ['fed_back', 'rework', 'dispatched', DISPATCH, ['reason_required']],
  ['fed_back', 'supervise', 'fed_back', SUPERVISORS, ['supervision_escalates']],
  ['fed_back', 'urge', 'fed_back', SUPERVISORS, ['not_urgent']],

  ['checking', 'check', 'checked', INSPECTOR, ['check_photo']],
  ['checking', 'supervise', 'checking', SUPERVISORS, ['supervision_escalates']],
  ['checking', 'urge', 'checking', SUPERVISORS, ['not_urgent']],

  ['checked', 'close', 'closed', DISPATCH, ['check_passed']],
  ['checked', 'rework', 'dispatched', DISPATCH, ['reason_required']],
  ['checked', 'request_check', 'checking', DISPATCH, []],
];

const expectedRow = (state: CaseState, event: CaseEvent) => ALLOWED.find(([s, e]) => s === state && e === event) ?? null;

/** Guards whose breaking facts touch the same field (after_photo and check_photo both count the stage's photos). */
const sharesFacts = (a: CaseGuard, b: CaseGuard) => Object.keys(breaking[a]).some((k) => k in breaking[b]);

/** One state × event × role decided as ALLOWED says: refused, forbidden, or allowed with exactly its guards. */
function decidesAsListed(state: CaseState, event: CaseEvent, role: string): void {
  const row = expectedRow(state, event);
  const d = decide(state, event, role, allHold);
  if (!row) {
    expect(d).toMatchObject({ ok: false, code: 'conflict' });
    if (!d.ok) expect(d.reason).toContain(state);
    return;
  }
  const [, , to, roles, guards] = row;
  if (!roles.includes(role)) {
    expect(d).toMatchObject({ ok: false, code: 'forbidden' });
    return;
  }
  expect(d).toEqual({ ok: true, to });
  // Each listed guard, broken alone, refuses with its own message (409) …
  for (const g of guards) {
    const broken = decide(state, event, role, { ...allHold, ...breaking[g] });
    expect(broken).toMatchObject({ ok: false, code: 'conflict', guard: g });
    if (!broken.ok) expect(broken.reason).toContain(CASE_GUARD_MESSAGES[g]);
  }
  // … and no other guard is checked.
  for (const g of CASE_GUARDS.filter((x) => !guards.includes(x) && !guards.some((y) => sharesFacts(x, y)))) {
    expect({ guard: g, decision: decide(state, event, role, { ...allHold, ...breaking[g] }) }).toEqual({
      guard: g,
      decision: { ok: true, to },
    });
  }
}

describe('case transition table', () => {
  const pairs = CASE_STATES.flatMap((s) => CASE_EVENTS.map((e) => [s, e] as const));
  const roles = [...CASE_ROLES, 'wall', 'planner'];

  it('covers all 15 states × 22 events, each for 7 roles', () => {
    expect(pairs).toHaveLength(15 * 22);
    expect(roles).toHaveLength(7);
  });

  it.each(pairs)('%s + %s', (state, event) => {
    for (const role of roles) decidesAsListed(state, event, role);
  });

  it('is the table the console reads: the same rows, roles and guards', () => {
    const table = CASE_STATES.flatMap((s) =>
      CASE_EVENTS.flatMap((e) => {
        const t = CASE_TRANSITIONS[s][e];
        return t ? [[s, e, t.to, [...t.roles].sort(), [...t.guards].sort()]] : [];
      }),
    );
    const byHand = ALLOWED.map(([s, e, to, roles, guards]) => [s, e, to, [...roles].sort(), [...guards].sort()]);
    const key = (r: unknown[]) => `${String(r[0])} ${String(r[1])}`;
    expect(table.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(byHand.sort((a, b) => key(a).localeCompare(key(b))));
  });

  it('has no way out of a final state, and every open state has a way forward', () => {
    for (const s of CASE_FINAL_STATES) expect(Object.keys(CASE_TRANSITIONS[s])).toEqual([]);
    for (const s of CASE_STATES.filter((x) => !CASE_FINAL_STATES.includes(x))) {
      const moves = Object.values(CASE_TRANSITIONS[s]).filter((t) => t.to !== s);
      expect(moves.length).toBeGreaterThan(0);
    }
  });

  it('reaches 已结案 from 上报 along the main path, and every state from 上报', () => {
    const main: [CaseState, (typeof CASE_EVENTS)[number]][] = [
      ['reported', 'request_verify'],
      ['verifying', 'verify'],
      ['pending_filing', 'file'],
      ['filed', 'dispatch'],
      ['dispatched', 'take'],
      ['handling', 'feedback'],
      ['fed_back', 'request_check'],
      ['checking', 'check'],
      ['checked', 'close'],
    ];
    let s: CaseState = 'reported';
    for (const [from, e] of main) {
      expect(s).toBe(from);
      s = CASE_TRANSITIONS[s][e]!.to;
    }
    expect(s).toBe('closed');
    const seen = new Set<CaseState>(['reported']);
    const queue: CaseState[] = ['reported'];
    while (queue.length) {
      const x = queue.shift()!;
      for (const t of Object.values(CASE_TRANSITIONS[x]))
        if (!seen.has(t.to)) {
          seen.add(t.to);
          queue.push(t.to);
        }
    }
    expect([...seen].sort()).toEqual([...CASE_STATES].sort());
  });

  it('keeps the state for the overlays 督办, 加急 and 改派', () => {
    for (const s of CASE_STATES) {
      for (const e of ['supervise', 'urge', 'redispatch'] as const) {
        const t = CASE_TRANSITIONS[s][e];
        if (t && e !== 'redispatch') expect(t.to).toBe(s);
      }
    }
    expect(CASE_TRANSITIONS.handling.redispatch!.to).toBe('dispatched');
  });

  it('lists the events a role may try', () => {
    expect(eventsFor('dispatched', 'handler')).toEqual(['take', 'return']);
    expect(eventsFor('checking', 'inspector')).toEqual(['check']);
    expect(eventsFor('closed', 'dispatcher')).toEqual([]);
  });

  it('guards: supervision only rises, urgency only once, extensions at most twice', () => {
    expect(guardHolds('supervision_escalates', { ...allHold, supervision: null, requestedSupervision: 'normal' })).toBe(true);
    expect(guardHolds('supervision_escalates', { ...allHold, supervision: 'yellow', requestedSupervision: 'red' })).toBe(true);
    expect(guardHolds('supervision_escalates', { ...allHold, supervision: 'yellow', requestedSupervision: 'yellow' })).toBe(
      false,
    );
    expect(guardHolds('extension_limit', { ...allHold, extensionCount: 1 })).toBe(true);
    expect(guardHolds('own_department', { ...allHold, actorDepartmentId: null })).toBe(false);
    expect(guardHolds('reason_required', { ...allHold, reason: null })).toBe(false);
    for (const g of CASE_GUARDS) expect(CASE_GUARD_MESSAGES[g].length).toBeGreaterThan(5);
  });

  it('has a body schema per event and a policy action per event, granted to the roles of the table', () => {
    const policy = loadPolicy();
    for (const e of CASE_EVENTS) {
      expect(caseEventInputs[e]).toBeDefined();
      const action = policy.action(CASE_EVENT_ACTIONS[e]);
      expect(action).toBeTruthy();
      const roles = new Set<string>();
      for (const s of CASE_STATES) for (const r of CASE_TRANSITIONS[s][e]?.roles ?? []) roles.add(r);
      for (const r of roles) {
        const granted = (action?.allow ?? []).some((g) => g === r || g.startsWith(`${r}:`));
        expect({ event: e, role: r, granted }).toEqual({ event: e, role: r, granted: true });
      }
    }
  });
});
