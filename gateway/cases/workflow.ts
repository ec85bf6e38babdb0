import {
  CASE_EVENT_LABELS,
  CASE_EVENTS,
  CASE_GUARD_MESSAGES,
  CASE_STATE_LABELS,
  CASE_TRANSITIONS,
  MAX_EXTENSIONS,
  SUPERVISION_LEVELS,
  type CaseEvent,
  type CaseGuard,
  type CaseState,
  type SupervisionLevel,
} from '../../contracts/cases';

/**
 * Decides one workflow event from the transition table of contracts/cases/workflow.ts: state, then role, then every
 * named guard. Pure: the store gathers the facts the guards need and applies the decision.
 */

/** Facts a guard looks at; the store fills them from the case row and the request. */
export interface GuardFacts {
  reason: string | null;
  categoryKnown: boolean;
  departmentResolved: boolean;
  caseDepartmentId: string | null;
  actorDepartmentId: string | null;
  /** Photos of the stage the event needs (feedback → `feedback`, check → `check`), already or newly attached. */
  stagePhotos: number;
  checkPassed: boolean | null;
  extensionCount: number;
  supervision: SupervisionLevel | null;
  requestedSupervision: SupervisionLevel | null;
  urgent: boolean;
}

export type Decision =
  { ok: true; to: CaseState } | { ok: false; code: 'conflict' | 'forbidden'; reason: string; guard?: CaseGuard };

const rank = (l: SupervisionLevel | null) => (l ? SUPERVISION_LEVELS.indexOf(l) + 1 : 0);

export function guardHolds(guard: CaseGuard, f: GuardFacts): boolean {
  switch (guard) {
    case 'reason_required':
      return (f.reason ?? '').trim().length >= 2;
    case 'category_known':
      return f.categoryKnown;
    case 'department_resolved':
      return f.departmentResolved;
    case 'own_department':
      return f.actorDepartmentId !== null && f.actorDepartmentId === f.caseDepartmentId;
    case 'after_photo':
    case 'check_photo':
      return f.stagePhotos > 0;
    case 'check_passed':
      return f.checkPassed === true;
    case 'extension_limit':
      return f.extensionCount < MAX_EXTENSIONS;
    case 'supervision_escalates':
      return rank(f.requestedSupervision) > rank(f.supervision);
    case 'not_urgent':
      return !f.urgent;
    default: {
      const never: never = guard;
      throw new Error(`unknown guard ${String(never)}`);
    }
  }
}

/** Events the table allows from a state for a role (guards not checked). */
export function eventsFor(state: CaseState, role: string): CaseEvent[] {
  return CASE_EVENTS.filter((e) => {
    const t = CASE_TRANSITIONS[state][e];
    return t !== undefined && (t.roles as readonly string[]).includes(role);
  });
}

export function decide(state: CaseState, event: CaseEvent, role: string, facts: GuardFacts): Decision {
  const t = CASE_TRANSITIONS[state][event];
  if (!t) {
    const allowed = CASE_EVENTS.filter((e) => CASE_TRANSITIONS[state][e]).map((e) => CASE_EVENT_LABELS[e]);
    return {
      ok: false,
      code: 'conflict',
      reason:
        `案件当前「${CASE_STATE_LABELS[state]}」，不能「${CASE_EVENT_LABELS[event]}」` +
        (allowed.length ? `；可执行：${allowed.join('、')}` : '；案件已办结') +
        ` / a case in state ${state} does not accept ${event}`,
    };
  }
  if (!(t.roles as readonly string[]).includes(role)) {
    return {
      ok: false,
      code: 'forbidden',
      reason: `「${CASE_EVENT_LABELS[event]}」由 ${t.roles.join('、')} 执行，当前角色 ${role} 不能执行 / role ${role} may not ${event}`,
    };
  }
  for (const g of t.guards) {
    if (!guardHolds(g, facts)) {
      const extra = g === 'extension_limit' ? `（最多 ${MAX_EXTENSIONS} 次）` : '';
      return { ok: false, code: 'conflict', reason: `${CASE_GUARD_MESSAGES[g]}${extra}`, guard: g };
    }
  }
  return { ok: true, to: t.to };
}
