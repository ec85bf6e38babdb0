import {
  CASE_EVENT_ACTIONS,
  CASE_TRANSITIONS,
  type CaseDetail,
  type CaseEvent,
  type CaseRole,
  type CaseState,
} from '../../../contracts/cases';

/**
 * The events the signed-in user is offered for a case: those the server lists as allowed now, that the
 * transition table gives the user's role from the case's state, and whose policy action the session has.
 */
export function offeredEvents(
  c: Pick<CaseDetail, 'state' | 'allowedEvents'>,
  role: string,
  can: (action: string) => boolean,
): CaseEvent[] {
  const row = CASE_TRANSITIONS[c.state];
  return c.allowedEvents.filter((e) => {
    const t = row[e];
    return t !== undefined && t.roles.includes(role as CaseRole) && can(CASE_EVENT_ACTIONS[e]);
  });
}

/** Events a role may ever take from a state (the transition table alone, for list rows without detail). */
export function eventsOfRole(state: CaseState, role: string): CaseEvent[] {
  return (Object.entries(CASE_TRANSITIONS[state]) as [CaseEvent, { roles: readonly string[] }][])
    .filter(([, t]) => t.roles.includes(role))
    .map(([e]) => e);
}

/** What each event's form asks for. */
export type EventForm = 'none' | 'reason' | 'department' | 'photo' | 'extension' | 'supervision' | 'check' | 'verify';

export const EVENT_FORMS: Record<CaseEvent, EventForm> = {
  request_verify: 'none',
  verify: 'verify',
  accept: 'none',
  file: 'none',
  reject: 'reason',
  void: 'reason',
  dispatch: 'department',
  redispatch: 'department',
  take: 'none',
  return: 'reason',
  request_extension: 'extension',
  approve_extension: 'none',
  deny_extension: 'reason',
  suspend: 'reason',
  resume: 'none',
  feedback: 'photo',
  request_check: 'none',
  check: 'check',
  close: 'none',
  rework: 'reason',
  supervise: 'supervision',
  urge: 'none',
};

/** Events shown as the main (filled) button; the rest are secondary. */
export const PRIMARY_EVENTS: readonly CaseEvent[] = [
  'accept',
  'file',
  'dispatch',
  'take',
  'feedback',
  'request_check',
  'check',
  'verify',
  'close',
  'approve_extension',
  'resume',
];

/** States a dispatcher acts on (the acceptance/dispatch queue). */
export const CENTRE_STATES: readonly CaseState[] = [
  'reported',
  'verifying',
  'pending_filing',
  'filed',
  'returned',
  'extension_requested',
  'fed_back',
  'checked',
];
/** States an inspector acts on: 核实 and 核查. */
export const INSPECTOR_TASK_STATES: readonly CaseState[] = ['verifying', 'checking'];
