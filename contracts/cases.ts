import { z } from 'zod';
import { bboxSchema, type NamedCode } from './geo';

/**
 * Digital city management (数字城管): cases (案件) of components (部件) and events (事件), their closed-loop
 * workflow, SLA clocks on a working calendar, photos, duplicate suggestion, evaluation and Open311. Browser-safe.
 *
 * Endpoints (all JSON unless noted; actions in data/policy.json):
 *   GET  /api/cases/categories                    category tree (部件/事件 大类 → 小类)         case.read
 *   GET  /api/cases/calendar                      working calendar summary                     case.read
 *   GET  /api/cases                               case list (scoped by caseScope)              case.read
 *   POST /api/cases                               report a case (idempotent by idempotencyKey)  case.report
 *   GET  /api/cases/duplicates?lon&lat&category   open cases of the same 小类 nearby             case.read
 *   GET  /api/cases/:id                           case detail with steps, photos, SLA          case.read
 *   POST /api/cases/:id/{event}                   one workflow event (body: CASE_EVENT_INPUTS)   per event group
 *   POST /api/cases/photos?stage=&caseId=         upload one image (raw body, image/*)         case.photo
 *   GET  /api/cases/photos/:photoId/{view|thumb}  re-encoded derivative without metadata       case.read
 *   GET  /api/cases/photos/:photoId/original      original file (restricted)                   case.photo_original
 *   GET  /api/cases/evaluation?from&to&by         indicators by dimension                       case.evaluate
 *   GET  /api/cases/evaluation/roles?from&to      role indicators, weighted scores, grades      case.evaluate
 *   GET  /api/cases/evaluation/export?…&format=   CSV or Excel export                           case.evaluate
 *   POST /api/cases/channels                      issue an Open311 channel api_key             case.channel_admin
 *   GET  /open311/v2/services.json                Open311 GeoReport v2 (public)
 *   GET  /open311/v2/requests.json                Open311 GeoReport v2 (public)
 *   GET  /open311/v2/requests/:id.json            Open311 GeoReport v2 (public)
 *   POST /open311/v2/requests.json                Open311 GeoReport v2 (api_key of a channel)
 */

// ---------------------------------------------------------------------------------------------------------------
// Paths

export const CASE_PATHS = {
  categories: '/api/cases/categories',
  calendar: '/api/cases/calendar',
  list: '/api/cases',
  report: '/api/cases',
  duplicates: '/api/cases/duplicates',
  detail: '/api/cases/:id',
  event: '/api/cases/:id/:event',
  photos: '/api/cases/photos',
  photoView: '/api/cases/photos/:photoId/view',
  photoThumb: '/api/cases/photos/:photoId/thumb',
  photoOriginal: '/api/cases/photos/:photoId/original',
  evaluation: '/api/cases/evaluation',
  evaluationRoles: '/api/cases/evaluation/roles',
  evaluationExport: '/api/cases/evaluation/export',
  channels: '/api/cases/channels',
} as const;

export const OPEN311_BASE = '/open311/v2';
export const OPEN311_PATHS = {
  services: `${OPEN311_BASE}/services.json`,
  requests: `${OPEN311_BASE}/requests.json`,
  request: `${OPEN311_BASE}/requests/:id.json`,
} as const;

/** The concrete URL of one case event, e.g. `caseEventPath(12, 'dispatch')` → `/api/cases/12/dispatch`. */
export const caseEventPath = (id: number, event: CaseEvent): string => `/api/cases/${id}/${event}`;
export const casePhotoPath = (photoId: number, variant: 'view' | 'thumb' | 'original'): string =>
  `/api/cases/photos/${photoId}/${variant}`;

// ---------------------------------------------------------------------------------------------------------------
// Categories (code tables are data: data/cityops/categories.json)

export const CASE_KINDS = ['component', 'event'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];
export const CASE_KIND_LABELS: Record<CaseKind, string> = { component: '部件', event: '事件' };

export const TIME_LIMIT_UNITS = ['working_hours', 'working_days'] as const;
export type TimeLimitUnit = (typeof TIME_LIMIT_UNITS)[number];
export const TIME_LIMIT_UNIT_LABELS: Record<TimeLimitUnit, string> = {
  working_hours: '工作时',
  working_days: '工作日',
};

export const timeLimitSchema = z
  .object({
    amount: z.number().positive().max(365),
    unit: z.enum(TIME_LIMIT_UNITS),
  })
  .strict();
export type TimeLimit = z.infer<typeof timeLimitSchema>;

/**
 * 小类 (minor category). `code` is unique across both kinds: the kind's prefix (BJ 部件, SJ 事件, configurable),
 * then the 大类 and 小类 digits at the configured widths, e.g. `BJ0101` (上水井盖), `SJ0102` (暴露垃圾).
 */
export interface CaseMinorCategory {
  /** Unique id: prefix + 大类 + 小类. */
  code: string;
  /** The standard's digits (大类 + 小类) without the prefix. */
  standardCode: string;
  majorCode: string;
  kind: CaseKind;
  name: string;
  /** Department kind responsible (see DEPARTMENT_KINDS), and the department name used in Chinese. */
  departmentKind: string;
  departmentName: string;
  /** 立案标准. */
  filingStandard: string;
  /** 处置时限. */
  timeLimit: TimeLimit;
  /** Shorter limit when the case is urgent (加急), if the table gives one. */
  urgentTimeLimit: TimeLimit | null;
  /** Further limits of the same 小类 (e.g. 私搭乱建: 拆除 20 working days after the stop-work limit). */
  additionalLimits: { label: string; limit: TimeLimit }[];
  /** 结案标准. */
  closingStandard: string;
  /** Local extension (080–999) rather than a standard code. */
  local: boolean;
}

/** 大类 (major category). */
export interface CaseMajorCategory {
  /** Prefix + 大类 digits, e.g. `BJ01`. */
  code: string;
  kind: CaseKind;
  name: string;
  minors: CaseMinorCategory[];
}

export interface CategoryTreeResponse {
  /** Table version and the standard it follows (e.g. "GB/T 30428.2-2013"). */
  version: string;
  standardRef: string;
  codeWidths: { major: number; minor: number };
  prefixes: Record<CaseKind, string>;
  component: CaseMajorCategory[];
  event: CaseMajorCategory[];
}

// ---------------------------------------------------------------------------------------------------------------
// Workflow: states, events, the transition table

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

export const nextCaseTransition = (from: CaseState, event: CaseEvent): CaseTransition | null =>
  CASE_TRANSITIONS[from][event] ?? null;

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
  request_extension: 'case.handle',
  approve_extension: 'case.dispatch',
  deny_extension: 'case.dispatch',
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

export const CASE_CHANNELS = ['inspector', 'hotline_12319', 'public', 'camera', 'sensor', 'leader', 'open311'] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];
export const CASE_CHANNEL_LABELS: Record<CaseChannel, string> = {
  inspector: '监督员上报',
  hotline_12319: '12319 热线',
  public: '公众上报',
  camera: '视频发现',
  sensor: '感知设备',
  leader: '领导交办',
  open311: '第三方渠道',
};

export const PHOTO_STAGES = ['report', 'verify', 'feedback', 'check'] as const;
export type PhotoStage = (typeof PHOTO_STAGES)[number];
export const PHOTO_STAGE_LABELS: Record<PhotoStage, string> = {
  report: '上报照片',
  verify: '核实照片',
  feedback: '处置后照片',
  check: '核查照片',
};

// ---------------------------------------------------------------------------------------------------------------
// Request bodies

const note = z.string().trim().max(1000, 'note is at most 1000 characters').optional();
const reason = z
  .string({ error: 'reason is required' })
  .trim()
  .min(2, 'reason is at least 2 characters / 须填写原因')
  .max(1000, 'reason is at most 1000 characters');
/** Database ids: positive integers a bigint column can hold and JavaScript can count exactly. */
const dbId = (what: string) =>
  z.coerce
    .number({ error: `${what} is a positive integer` })
    .int(`${what} is a positive integer`)
    .positive(`${what} is a positive integer`)
    .max(Number.MAX_SAFE_INTEGER, `${what} is too large`);
const photoIds = z.array(dbId('a photo id')).max(9, 'at most 9 photos');
/** A 小类 id: the kind's prefix (BJ 部件, SJ 事件) + 大类 + 小类, e.g. `BJ0101`, `SJ0102`. */
const categoryCode = z.string().regex(/^[A-Z]{0,4}\d{3,8}$/, 'category is a 小类 code such as BJ0101 or SJ0102');
const lon = z.number().finite().min(-180).max(180);
const lat = z.number().finite().min(-90).max(90);

/** Client-generated key; the same key resubmitted by the offline outbox returns the same case. */
export const idempotencyKeySchema = z
  .string({ error: 'idempotencyKey is required' })
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'idempotencyKey is 8–64 characters of A–Z, a–z, 0–9, "_" or "-" (e.g. a UUID)');

export const reportCaseInput = z
  .object({
    idempotencyKey: idempotencyKeySchema,
    categoryCode,
    description: z.string().trim().min(2, 'describe the problem (at least 2 characters)').max(2000),
    lon,
    lat,
    coordSystem: z.enum(['wgs84', 'gcj02']).default('wgs84'),
    address: z.string().trim().max(400).optional(),
    /** Photos uploaded first with stage `report` (by the same user). */
    photoIds: photoIds.default([]),
    channel: z.enum(CASE_CHANNELS).default('inspector'),
    /** When the inspector saw it (the phone may submit later from its outbox); defaults to now. */
    observedAt: z.string().datetime({ offset: false }).optional(),
    urgent: z.boolean().default(false),
    /** Reporter contact for hotline/public cases. */
    contact: z.string().trim().max(200).optional(),
  })
  .strict();
export type ReportCaseInput = z.infer<typeof reportCaseInput>;

export const caseEventInputs = {
  request_verify: z.object({ inspectorId: z.string().min(1).max(64).optional(), note }).strict(),
  verify: z.object({ confirmed: z.boolean(), note, photoIds: photoIds.default([]) }).strict(),
  accept: z.object({ note }).strict(),
  file: z.object({ categoryCode: categoryCode.optional(), note }).strict(),
  reject: z.object({ reason }).strict(),
  /** 作废; with `duplicateOf`, a duplicate merged into that open case (重复案件合并). */
  void: z
    .object({
      reason,
      duplicateOf: z.number({ error: 'duplicateOf is the id of the open case this one duplicates' }).int().positive().optional(),
    })
    .strict(),
  dispatch: z.object({ departmentId: z.string().min(1).max(64).optional(), note }).strict(),
  redispatch: z.object({ departmentId: z.string().min(1).max(64).optional(), note }).strict(),
  take: z.object({ note }).strict(),
  return: z.object({ reason }).strict(),
  request_extension: z.object({ amount: z.number().int().positive().max(60), unit: z.enum(TIME_LIMIT_UNITS), reason }).strict(),
  approve_extension: z.object({ note }).strict(),
  deny_extension: z.object({ reason }).strict(),
  suspend: z.object({ reason }).strict(),
  resume: z.object({ note }).strict(),
  feedback: z.object({ note, photoIds: photoIds.default([]) }).strict(),
  request_check: z.object({ inspectorId: z.string().min(1).max(64).optional(), note }).strict(),
  check: z.object({ passed: z.boolean(), note, photoIds: photoIds.default([]) }).strict(),
  close: z.object({ note }).strict(),
  rework: z.object({ reason }).strict(),
  supervise: z.object({ level: z.enum(SUPERVISION_LEVELS), note }).strict(),
  urge: z.object({ note }).strict(),
} satisfies Record<CaseEvent, z.ZodType>;
export type CaseEventInput<E extends CaseEvent> = z.infer<(typeof caseEventInputs)[E]>;

export const caseIdParam = z.object({ id: dbId('case id') });
export const caseEventParam = z.object({
  id: dbId('case id'),
  event: z.enum(CASE_EVENTS, { error: `event is one of ${CASE_EVENTS.join(', ')}` }),
});

export const caseListQuery = z.object({
  state: z.enum(['open', 'all', ...CASE_STATES]).default('open'),
  kind: z.enum(CASE_KINDS).optional(),
  categoryCode: categoryCode.optional(),
  district: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  departmentId: z.string().max(64).optional(),
  sla: z.enum(['normal', 'warning', 'overdue', 'suspended']).optional(),
  /** `west,south,east,north` in WGS-84, for the map (at most 1° a side). */
  bbox: bboxSchema.optional(),
  /** Only the verification and check tasks assigned to the signed-in inspector (the phone's task list). */
  assignedToMe: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type CaseListQuery = z.infer<typeof caseListQuery>;

export const duplicateQuery = z.object({
  lon: z.coerce.number().finite().min(-180).max(180),
  lat: z.coerce.number().finite().min(-90).max(90),
  categoryCode,
  /** Defaults to the configured radius (data/cityops/settings.json); at most 500 m. */
  radiusM: z.coerce.number().positive().max(500).optional(),
});

export const photoUploadQuery = z.object({
  stage: z.enum(PHOTO_STAGES, { error: `stage is one of ${PHOTO_STAGES.join(', ')}` }),
  caseId: dbId('caseId').optional(),
});

export const EVALUATION_DIMENSIONS = ['none', 'district', 'street', 'grid', 'department', 'category', 'channel'] as const;
export type EvaluationDimension = (typeof EVALUATION_DIMENSIONS)[number];

export const evaluationQuery = z.object({
  /** Inclusive start and exclusive end, dates in Asia/Shanghai (YYYY-MM-DD). */
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'from is a date YYYY-MM-DD'),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'to is a date YYYY-MM-DD'),
  by: z.enum(EVALUATION_DIMENSIONS).default('none'),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});
export type EvaluationQuery = z.infer<typeof evaluationQuery>;

export const channelKeyInput = z
  .object({
    channel: z.enum(CASE_CHANNELS),
    name: z.string().trim().min(2).max(100),
  })
  .strict();

// ---------------------------------------------------------------------------------------------------------------
// Responses

/**
 * SLA status: `none` before the clock starts (not yet dispatched); `awaiting_close` once fed back while the case is
 * still being checked or closed (已反馈, 核查中, 已核查: the handling clock stopped, `onTime` says how); `done` only
 * when the case has ended (已结案, 作废).
 */
export const SLA_STATUSES = ['none', 'normal', 'warning', 'overdue', 'suspended', 'awaiting_close', 'done'] as const;
export type SlaStatus = (typeof SLA_STATUSES)[number];
export const SLA_STATUS_LABELS: Record<SlaStatus, string> = {
  none: '未计时',
  normal: '正常',
  warning: '预警',
  overdue: '超期',
  suspended: '暂停计时',
  awaiting_close: '已反馈待结案',
  done: '已完成',
};

export interface SlaClock {
  status: SlaStatus;
  limit: TimeLimit | null;
  /** When the clock started (dispatch), ISO UTC. */
  startedAt: string | null;
  deadline: string | null;
  /** The warning point (预警) before the deadline. */
  warnAt: string | null;
  /** Set while the clock is suspended (挂账, or the system mode froze it). */
  suspendedAt: string | null;
  /** Why it is suspended or re-timed (mode, 挂账). */
  note: string | null;
  /** Working minutes left (negative when overdue), null when not running. */
  remainingWorkingMinutes: number | null;
  /** Fed back in time (null while running). */
  onTime: boolean | null;
}

export interface CasePlace {
  lon: number;
  lat: number;
  district: NamedCode | null;
  street: NamedCode | null;
  gridCode: string | null;
  community: string | null;
  address: string | null;
}

export interface CasePhoto {
  id: number;
  caseId: number | null;
  stage: PhotoStage;
  width: number;
  height: number;
  /** GPS from the original's EXIF, read once on upload (null when absent). */
  exifGps: { lon: number; lat: number } | null;
  takenAt: string | null;
  uploadedAt: string;
  uploadedBy: string;
  /** Derivatives (re-encoded, without metadata). */
  viewUrl: string;
  thumbUrl: string;
}

export interface CaseStep {
  seq: number;
  event: CaseEvent | 'report';
  from: CaseState | null;
  to: CaseState;
  at: string;
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  note: string | null;
  /** Event-specific details (department, extension, supervision level, check result…). */
  data: Record<string, unknown>;
}

export interface CaseSummary {
  id: number;
  /** Case number, e.g. `202611220001`. */
  code: string;
  state: CaseState;
  kind: CaseKind;
  categoryCode: string;
  categoryName: string;
  majorCode: string;
  majorName: string;
  description: string;
  place: CasePlace;
  channel: CaseChannel;
  reporterId: string | null;
  reporterName: string | null;
  departmentId: string | null;
  departmentName: string | null;
  inspectorId: string | null;
  urgent: boolean;
  supervision: SupervisionLevel | null;
  reworkCount: number;
  extensionCount: number;
  sla: SlaClock;
  reportedAt: string;
  filedAt: string | null;
  closedAt: string | null;
  updatedAt: string;
  /** First report photo's thumbnail, if any. */
  thumbUrl: string | null;
}

export interface CaseDetail extends CaseSummary {
  filingStandard: string;
  closingStandard: string;
  contact: string | null;
  steps: CaseStep[];
  photos: CasePhoto[];
  /** Pending extension request, when the state is `extension_requested`. */
  pendingExtension: { amount: number; unit: TimeLimitUnit; reason: string } | null;
  /** Last check result. */
  checkPassed: boolean | null;
  /** Events the current user may try now (state and role; guards are checked on submit). */
  allowedEvents: CaseEvent[];
  /**
   * The department 派遣/改派 would choose now without a department given (the server's own choice by 小类 + grid), when
   * the current user may dispatch the case; null otherwise or when no department fits.
   */
  dispatchSuggestion: DispatchSuggestion | null;
}

export interface DispatchSuggestion {
  departmentId: string;
  departmentName: string;
  /** How it is chosen: 派遣规则, or the 小类's responsible department kind. */
  via: string;
}

export interface CaseListResponse {
  cases: CaseSummary[];
  total: number;
  /** Change-log head when read. */
  seq: number;
}

export interface ReportCaseResponse {
  case: CaseDetail;
  /** False when the idempotency key had been seen already: the existing case is returned. */
  created: boolean;
}

export interface CaseEventResponse {
  case: CaseDetail;
}

export interface DuplicateCandidate {
  id: number;
  code: string;
  state: CaseState;
  categoryCode: string;
  description: string;
  distanceM: number;
  reportedAt: string;
  thumbUrl: string | null;
}
export interface DuplicateResponse {
  categoryCode: string;
  radiusM: number;
  candidates: DuplicateCandidate[];
}

export interface CalendarSummary {
  version: string;
  timezone: string;
  workingHours: { start: string; end: string }[];
  holidays: string[];
  workingWeekends: string[];
  warnFraction: number;
}

/**
 * One row of 综合评价: indicators for one key of the dimension (or the total), over the cases filed in the period
 * (the cohort). Every rate's numerator is a subset of its denominator, so no rate exceeds 1; the wording of each
 * definition is EVALUATION_INDICATORS.
 */
export interface EvaluationRow {
  key: string;
  name: string;
  /** 立案数. */
  filed: number;
  /** 应结案数: filed cases that closed before the period ended or whose deadline passed in it (作废 excluded). */
  due: number;
  /** 结案数: filed cases closed before the period ended. */
  closed: number;
  /** 结案率 = closed / due (0–1, null when due = 0). */
  closeRate: number | null;
  /** 按期结案数: closed cases fed back within their time limit. */
  onTimeClosed: number;
  /** 按期结案率 = onTimeClosed / due. */
  onTimeRate: number | null;
  /** 返工案件数: closed cases reworked at least once (each case once), and 返工率 = reworked / closed. */
  reworked: number;
  reworkRate: number | null;
  /** 延期案件数: filed cases extended at least once, and 延期率 = extended / filed. */
  extended: number;
  extensionRate: number | null;
}

/**
 * The region and department indicators of 综合评价 with their definitions, after CJ/T 292-2008 《城市市政综合监管信息
 * 系统 绩效评价》 and GB/T 30428.4-2016 《数字化城市管理信息系统 第4部分：绩效评价》 (结案率, 按期结案率 and 返工率
 * over 结案数). Shown beside the figures and in exports.
 */
export type EvaluationIndicatorId = Exclude<keyof EvaluationRow, 'key' | 'name'>;
export const EVALUATION_INDICATORS: readonly {
  id: EvaluationIndicatorId;
  label: string;
  definition: string;
  rate?: true;
}[] = [
  { id: 'filed', label: '立案数', definition: '期内立案的案件数（按立案时间）' },
  { id: 'due', label: '应结案数', definition: '立案案件中期末前已结案或处置时限已到期的（作废除外）' },
  { id: 'closed', label: '结案数', definition: '立案案件中期末前已结案的' },
  { id: 'closeRate', label: '结案率', definition: '结案数 ÷ 应结案数', rate: true },
  { id: 'onTimeClosed', label: '按期结案数', definition: '结案数中在处置时限内反馈的' },
  { id: 'onTimeRate', label: '按期结案率', definition: '按期结案数 ÷ 应结案数', rate: true },
  { id: 'reworked', label: '返工案件数', definition: '结案数中曾返工（核查未通过、重新派遣）的案件，每件只计一次' },
  { id: 'reworkRate', label: '返工率', definition: '返工案件数 ÷ 结案数', rate: true },
  { id: 'extended', label: '延期案件数', definition: '立案案件中批准过延期的' },
  { id: 'extensionRate', label: '延期率', definition: '延期案件数 ÷ 立案数', rate: true },
];

export interface EvaluationResponse {
  from: string;
  to: string;
  by: EvaluationDimension;
  total: EvaluationRow;
  rows: EvaluationRow[];
}

export const EVALUATION_GRADES = ['A', 'B', 'C', 'D', 'E'] as const;
export type EvaluationGrade = (typeof EVALUATION_GRADES)[number];

export interface RoleIndicator {
  id: string;
  label: string;
  /** 0–1 rate (or a normalised count), and its weight (weights of a role sum to 1). */
  value: number | null;
  weight: number;
}

export interface RoleScore {
  role: 'inspector' | 'dispatcher';
  userId: string;
  name: string;
  indicators: RoleIndicator[];
  /** 0–100. */
  score: number;
  grade: EvaluationGrade;
}

export interface RoleEvaluationResponse {
  from: string;
  to: string;
  inspectors: RoleScore[];
  dispatchers: RoleScore[];
}

export interface ChannelKeyResponse {
  id: number;
  channel: CaseChannel;
  name: string;
  /** Shown once; only its hash is stored. */
  apiKey: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Open311 GeoReport v2 (wire names as the specification spells them)

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string;
  group: string;
}

/**
 * One service request. The public form carries what a public case page shows (category, status, dates, the unit-grid
 * cell's position and its street as the place); the description, the reported address and point are given only to
 * the channel that submitted the request, by its api_key.
 */
export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number;
  long: number;
  media_url: string | null;
}

export const open311PostInput = z.object({
  api_key: z.string({ error: 'api_key is required' }).min(1, 'api_key is required'),
  service_code: categoryCode,
  lat: z.coerce.number().finite().min(-90).max(90),
  long: z.coerce.number().finite().min(-180).max(180),
  description: z.string().trim().min(2, 'description is at least 2 characters').max(2000),
  address_string: z.string().max(400).optional(),
  email: z.string().max(200).optional(),
  phone: z.string().max(40).optional(),
  first_name: z.string().max(100).optional(),
  last_name: z.string().max(100).optional(),
  media_url: z.string().max(1000).optional(),
  device_id: z.string().max(64).optional(),
  account_id: z.string().max(64).optional(),
  jurisdiction_id: z.string().max(64).optional(),
  /** Not in GeoReport v2: the channel's own request id; resubmitting it returns the same service request. */
  idempotency_key: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, 'idempotency_key is 8–64 characters of A–Z, a–z, 0–9, "_" or "-"')
    .optional(),
});
export type Open311PostInput = z.infer<typeof open311PostInput>;

export const open311RequestsQuery = z.object({
  /** A channel's key (or the X-Api-Key header): its own requests are answered in full. */
  api_key: z.string().max(200).optional(),
  service_request_id: z.string().max(2000).optional(),
  service_code: z.string().max(200).optional(),
  start_date: z.string().datetime({ offset: true }).optional(),
  end_date: z.string().datetime({ offset: true }).optional(),
  status: z.enum(['open', 'closed']).optional(),
});
