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

describe('case transition table', () => {
  it('decides every state × event × role exactly as the table says', () => {
    let checked = 0;
    for (const state of CASE_STATES)
      for (const event of CASE_EVENTS)
        for (const role of [...CASE_ROLES, 'wall', 'planner']) {
          const t = CASE_TRANSITIONS[state][event];
          const d = decide(state, event, role, allHold);
          checked++;
          if (!t) {
            expect(d).toMatchObject({ ok: false, code: 'conflict' });
            if (!d.ok) expect(d.reason).toContain(state);
          } else if (!(t.roles as readonly string[]).includes(role)) {
            expect(d).toMatchObject({ ok: false, code: 'forbidden' });
          } else {
            expect(d).toEqual({ ok: true, to: t.to });
            // Each guard of the transition, broken alone, refuses with its own message (409).
            for (const g of t.guards) {
              const broken = decide(state, event, role, { ...allHold, ...breaking[g] });
              expect(broken).toMatchObject({ ok: false, code: 'conflict', guard: g });
              if (!broken.ok) expect(broken.reason).toContain(CASE_GUARD_MESSAGES[g]);
            }
          }
        }
    expect(checked).toBe(CASE_STATES.length * CASE_EVENTS.length * (CASE_ROLES.length + 2));
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
