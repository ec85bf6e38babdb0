/**
 * The case workflow: states, events, the roles that act, named guards and THE transition table. The server decides
 * by it (gateway/cases/workflow.ts); the console offers what it allows.
 */

export const CASE_STATES = [
  'reported', // 上报
  'verifying', // 核实中
  'pending_filing', // 待立案
  'filed', // 已立案
  'dispatched', // 已派遣
  'handling', // 处置中
  'extension_requested', // 申请延期
  'suspended', // 挂账
  'returned', // 回退
  'fed_back', // 已反馈
  'checking', // 核查中
  'checked', // 已核查（待结案）
  'closed', // 已结案
  'rejected', // 不予立案
  'voided', // 作废
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const CASE_STATE_LABELS: Record<CaseState, string> = {
  reported: '上报',
  verifying: '核实中',
  pending_filing: '待立案',
  filed: '已立案',
  dispatched: '已派遣',
  handling: '处置中',
  extension_requested: '申请延期',
  suspended: '挂账',
  returned: '回退',
  fed_back: '已反馈',
  checking: '核查中',
  checked: '已核查',
  closed: '已结案',
  rejected: '不予立案',
  voided: '作废',
};

export const CASE_FINAL_STATES: readonly CaseState[] = ['closed', 'rejected', 'voided'];
export const CASE_OPEN_STATES: readonly CaseState[] = CASE_STATES.filter((s) => !CASE_FINAL_STATES.includes(s));

export const CASE_EVENTS = [
  'request_verify', // 派核实
  'verify', // 核实（监督员）
  'accept', // 受理（无需核实）
  'file', // 立案
  'reject', // 不予立案
  'void', // 作废
  'dispatch', // 派遣
  'redispatch', // 改派
  'take', // 签收（处置部门）
  'return', // 回退（派错）
  'request_extension', // 申请延期
  'approve_extension', // 批准延期
  'deny_extension', // 驳回延期
  'suspend', // 挂账
  'resume', // 恢复处置
  'feedback', // 反馈（须有处置后照片）
  'request_check', // 派核查
  'check', // 核查（监督员，须有照片）
  'close', // 结案
  'rework', // 返工
  'supervise', // 督办（普通/黄牌/红牌）
  'urge', // 加急
] as const;
export type CaseEvent = (typeof CASE_EVENTS)[number];

export const CASE_EVENT_LABELS: Record<CaseEvent, string> = {
  request_verify: '派发核实',
  verify: '核实',
  accept: '受理',
  file: '立案',
  reject: '不予立案',
  void: '作废',
  dispatch: '派遣',
  redispatch: '改派',
  take: '签收',
  return: '回退',
  request_extension: '申请延期',
  approve_extension: '批准延期',
  deny_extension: '驳回延期',
  suspend: '挂账',
  resume: '恢复处置',
  feedback: '处置反馈',
  request_check: '派发核查',
  check: '核查',
  close: '结案',
  rework: '返工',
  supervise: '督办',
  urge: '加急',
};

/** Roles that act on cases (ids of data/policy.json roles). */
export const CASE_ROLES = ['dispatcher', 'inspector', 'handler', 'commander', 'leader'] as const;
export type CaseRole = (typeof CASE_ROLES)[number];

/**
 * Named guards a transition checks besides role and state; the server evaluates them, the UI shows their
 * messages. `CASE_GUARD_MESSAGES` is the reason given with the 409.
 */
export const CASE_GUARDS = [
  'reason_required', // a reason of at least 2 characters
  'category_known', // the case has a valid 小类
  'department_resolved', // a responsible department was found (automatic) or given (override)
  'own_department', // a handler acts only on cases dispatched to their department
  'after_photo', // feedback carries at least one photo of stage `feedback`
  'check_photo', // a check carries at least one photo of stage `check`
  'check_passed', // the last check passed
  'extension_limit', // at most MAX_EXTENSIONS approved extensions
  'supervision_escalates', // 督办 only raises the level (普通 → 黄牌 → 红牌)
  'not_urgent', // 加急 only once
] as const;
export type CaseGuard = (typeof CASE_GUARDS)[number];

export const CASE_GUARD_MESSAGES: Record<CaseGuard, string> = {
  reason_required: '须填写原因（至少 2 个字）/ a reason of at least 2 characters is required',
  category_known: '案件须有有效的小类 / the case needs a valid minor category',
  department_resolved: '未找到责任部门，请指定 / no responsible department found: choose one',
  own_department: '该案件未派遣到本部门 / the case is not dispatched to your department',
  after_photo: '反馈须附处置后照片 / feedback needs at least one after photo',
  check_photo: '核查须附现场照片 / a check needs at least one photo taken on site',
  check_passed: '核查未通过，不能结案 / the check did not pass: the case cannot be closed',
  extension_limit: '延期次数已达上限 / the extension limit is reached',
  supervision_escalates: '督办只能升级 / supervision can only be raised',
  not_urgent: '案件已加急 / the case is already urgent',
};

export const MAX_EXTENSIONS = 2;

export interface CaseTransition {
  /** Next state; equal to the current state for overlay events (督办, 加急, 改派). */
  to: CaseState;
  roles: readonly CaseRole[];
  guards: readonly CaseGuard[];
}

const DISPATCH: readonly CaseRole[] = ['dispatcher', 'commander'];
const SUPERVISORS: readonly CaseRole[] = ['dispatcher', 'commander', 'leader'];
const HANDLER: readonly CaseRole[] = ['handler'];
const INSPECTOR: readonly CaseRole[] = ['inspector'];

const t = (to: CaseState, roles: readonly CaseRole[], guards: readonly CaseGuard[] = []): CaseTransition => ({
  to,
  roles,
  guards,
});

const overlays = (s: CaseState): Partial<Record<CaseEvent, CaseTransition>> => ({
  supervise: t(s, SUPERVISORS, ['supervision_escalates']),
  urge: t(s, SUPERVISORS, ['not_urgent']),
});

/** THE transition table: state × event → next state, roles, guards. Absent means refused (409). */
export const CASE_TRANSITIONS: Record<CaseState, Partial<Record<CaseEvent, CaseTransition>>> = {
  reported: {
    request_verify: t('verifying', DISPATCH),
    accept: t('pending_filing', DISPATCH),
    reject: t('rejected', DISPATCH, ['reason_required']),
    void: t('voided', DISPATCH, ['reason_required']),
    ...overlays('reported'),
  },
  verifying: {
    verify: t('pending_filing', INSPECTOR),
    reject: t('rejected', DISPATCH, ['reason_required']),
    void: t('voided', DISPATCH, ['reason_required']),
    ...overlays('verifying'),
  },
  pending_filing: {
    file: t('filed', DISPATCH, ['category_known']),
    request_verify: t('verifying', DISPATCH),
    reject: t('rejected', DISPATCH, ['reason_required']),
    void: t('voided', DISPATCH, ['reason_required']),
    ...overlays('pending_filing'),
  },
  filed: {
    dispatch: t('dispatched', DISPATCH, ['category_known', 'department_resolved']),
    void: t('voided', DISPATCH, ['reason_required']),
    ...overlays('filed'),
  },
  dispatched: {
    take: t('handling', HANDLER, ['own_department']),
    return: t('returned', HANDLER, ['own_department', 'reason_required']),
    redispatch: t('dispatched', DISPATCH, ['department_resolved']),
    suspend: t('suspended', DISPATCH, ['reason_required']),
    ...overlays('dispatched'),
  },
  handling: {
    feedback: t('fed_back', HANDLER, ['own_department', 'after_photo']),
    return: t('returned', HANDLER, ['own_department', 'reason_required']),
    request_extension: t('extension_requested', HANDLER, ['own_department', 'reason_required', 'extension_limit']),
    suspend: t('suspended', DISPATCH, ['reason_required']),
    redispatch: t('dispatched', DISPATCH, ['department_resolved']),
    ...overlays('handling'),
  },
  extension_requested: {
    approve_extension: t('handling', DISPATCH, ['extension_limit']),
    deny_extension: t('handling', DISPATCH, ['reason_required']),
    feedback: t('fed_back', HANDLER, ['own_department', 'after_photo']),
    suspend: t('suspended', DISPATCH, ['reason_required']),
    ...overlays('extension_requested'),
  },
  suspended: {
    resume: t('handling', DISPATCH),
    void: t('voided', DISPATCH, ['reason_required']),
    ...overlays('suspended'),
  },
  returned: {
    dispatch: t('dispatched', DISPATCH, ['category_known', 'department_resolved']),
    void: t('voided', DISPATCH, ['reason_required']),
    ...overlays('returned'),
  },
  fed_back: {
    request_check: t('checking', DISPATCH),
    rework: t('dispatched', DISPATCH, ['reason_required']),
    ...overlays('fed_back'),
  },
  checking: {
    check: t('checked', INSPECTOR, ['check_photo']),
    ...overlays('checking'),
  },
  checked: {
    close: t('closed', DISPATCH, ['check_passed']),
    rework: t('dispatched', DISPATCH, ['reason_required']),
    request_check: t('checking', DISPATCH),
  },
  closed: {},
  rejected: {},
  voided: {},
};

/** Which policy action (data/policy.json) each event's route is declared under. */
export const CASE_EVENT_ACTIONS: Record<CaseEvent, string> = {
  request_verify: 'case.dispatch',
  verify: 'case.inspect',
  accept: 'case.dispatch',
  file: 'case.dispatch',
  reject: 'case.dispatch',
  void: 'case.dispatch',
  dispatch: 'case.dispatch',
  redispatch: 'case.dispatch',
  take: 'case.handle',
  return: 'case.handle',
  request_extension: 'case.extension_request',
  approve_extension: 'case.extension_decide',
  deny_extension: 'case.extension_decide',
  suspend: 'case.dispatch',
  resume: 'case.dispatch',
  feedback: 'case.handle',
  request_check: 'case.dispatch',
  check: 'case.inspect',
  close: 'case.dispatch',
  rework: 'case.dispatch',
  supervise: 'case.supervise',
  urge: 'case.supervise',
};

export const SUPERVISION_LEVELS = ['normal', 'yellow', 'red'] as const;
export type SupervisionLevel = (typeof SUPERVISION_LEVELS)[number];
export const SUPERVISION_LEVEL_LABELS: Record<SupervisionLevel, string> = {
  normal: '普通督办',
  yellow: '黄牌督办',
  red: '红牌督办',
};
