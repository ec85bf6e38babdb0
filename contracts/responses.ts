import { z } from 'zod';
import { RESPONSE_LEVELS, type ResponseLevel } from './plans';

/**
 * Emergency responses (应急响应): a plan declared at a level for one or more incidents, raised, lowered and ended;
 * the departments' tasks (任务) it issues, worked on their consoles; and the suggestions (启动建议) the trigger rules
 * make. Browser-safe.
 *
 * Endpoints (actions in data/policy.json):
 *   GET  /api/plans                               every plan (data/plans/)                       plan.read
 *   GET  /api/responses?status=active|ended|all   responses with their tasks                     response.read
 *   POST /api/responses                           declare (启动) a response → 201                 response.declare
 *   POST /api/responses/:id/level                 raise (升级) or lower (降级) the level             response.declare
 *   POST /api/responses/:id/end                   end (终止)                                      response.declare
 *   GET  /api/responses/suggestions               open suggestions                               response.read
 *   POST /api/responses/suggestions/:id/dismiss   set a suggestion aside                         response.declare
 *   GET  /api/responses/tasks?scope=mine|all      tasks (a handler: their department's)          response_task.read
 *   GET  /api/responses/tasks/:id                 one task with notes and photos                 response_task.read
 *   POST /api/responses/tasks/:id/transition      receive / acknowledge / done                   response_task.work
 *   POST /api/responses/tasks/:id/notes           a progress note, ticking checklist items       response_task.work
 *   POST /api/responses/tasks/:id/photos          one image (raw body, image/*)                  response_task.work
 *   GET  /api/responses/tasks/:id/photos/:photoId/{view|thumb}                                    response_task.read
 * Declaring, raising, lowering and ending also need the plan's `declaredBy` for the level concerned.
 */

export const RESPONSE_STATUSES = ['active', 'ended'] as const;
export type ResponseStatus = (typeof RESPONSE_STATUSES)[number];

export const RESPONSE_STEP_ACTIONS = ['declare', 'escalate', 'deescalate', 'end'] as const;
export type ResponseStepAction = (typeof RESPONSE_STEP_ACTIONS)[number];
export const RESPONSE_STEP_LABELS: Record<ResponseStepAction, string> = {
  declare: '启动',
  escalate: '升级',
  deescalate: '降级',
  end: '终止',
};

/** A task's life on a department's console. */
export const TASK_STATES = ['issued', 'received', 'acknowledged', 'done', 'cancelled'] as const;
export type TaskState = (typeof TASK_STATES)[number];
export const TASK_STATE_LABELS: Record<TaskState, string> = {
  issued: '已下达',
  received: '已接收',
  acknowledged: '已确认',
  done: '已完成',
  cancelled: '已撤销',
};
export const OPEN_TASK_STATES: readonly TaskState[] = ['issued', 'received', 'acknowledged'];

export const TASK_ACTIONS = ['receive', 'acknowledge', 'done'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];
export const TASK_ACTION_LABELS: Record<TaskAction, string> = { receive: '接收', acknowledge: '确认', done: '完成' };
/** THE task transition table: from state → action → to state. Absent means refused. */
export const TASK_TRANSITIONS: Record<TaskState, Partial<Record<TaskAction, TaskState>>> = {
  issued: { receive: 'received', acknowledge: 'acknowledged' },
  received: { acknowledge: 'acknowledged' },
  acknowledged: { done: 'done' },
  done: {},
  cancelled: {},
};

/** Past its deadline a task is amber; past the grace period after it, red (and escalated to the duty leader). */
export const OVERDUE_STAGES = ['none', 'amber', 'red'] as const;
export type OverdueStage = (typeof OVERDUE_STAGES)[number];
export const OVERDUE_LABELS: Record<OverdueStage, string> = { none: '', amber: '已超时', red: '严重超时（已上报带班领导）' };

export interface ChecklistItem {
  item: string;
  done: boolean;
}

export interface TaskNote {
  id: number;
  author: string;
  authorName: string;
  body: string;
  at: string;
  photoIds: number[];
}

export interface TaskPhoto {
  id: number;
  noteId: number | null;
  width: number;
  height: number;
  uploadedAt: string;
}

export interface ResponseTask {
  id: string;
  responseId: string;
  planId: string;
  planTitle: string;
  /** The response's current level. */
  level: ResponseLevel;
  drill: boolean;
  departmentId: string;
  departmentName: string;
  taskKey: string;
  role: 'lead' | 'support';
  title: string;
  checklist: ChecklistItem[];
  state: TaskState;
  overdue: OverdueStage;
  dueAt: string;
  /** When it turns red and goes to the department's duty leader, if still open. */
  redAt: string;
  createdAt: string;
  receivedAt: string | null;
  acknowledgedAt: string | null;
  doneAt: string | null;
  doneBy: string | null;
  escalatedAt: string | null;
  notes: TaskNote[];
  photos: TaskPhoto[];
}

export interface ResponseStep {
  action: ResponseStepAction;
  levelFrom: ResponseLevel | null;
  levelTo: ResponseLevel | null;
  actor: string;
  reason: string;
  at: string;
}

export interface EmergencyResponse {
  id: string;
  planId: string;
  planVersion: number;
  planTitle: string;
  level: ResponseLevel;
  status: ResponseStatus;
  /** Declared while a drill (演练) mode was on: marked as such everywhere. */
  drill: boolean;
  incidentIds: number[];
  reason: string;
  declaredBy: string;
  startedAt: string;
  levelChangedAt: string;
  endedAt: string | null;
  endedBy: string | null;
  endNote: string | null;
  steps: ResponseStep[];
  tasks: ResponseTask[];
  /** 信息报送 deadlines from the plan's reporting clock. */
  reporting: { firstDueAt: string; firstWrittenDueAt: string; followUpMinutes: number; finalDueAt: string | null };
}

export interface ResponseSuggestion {
  id: string;
  planId: string;
  planTitle: string;
  level: ResponseLevel;
  reason: string;
  basisKind: 'incident' | 'gauge' | 'warning';
  basisKey: string;
  incidentIds: number[];
  drill: boolean;
  status: 'open' | 'accepted' | 'dismissed';
  responseId: string | null;
  createdAt: string;
}

export interface ResponseListResponse {
  responses: EmergencyResponse[];
  /** Change-log head read before the list: apply changes after it. */
  seq: number;
}
export interface SuggestionListResponse {
  suggestions: ResponseSuggestion[];
  seq: number;
}
export interface TaskListResponse {
  tasks: ResponseTask[];
  seq: number;
}

const reason = z.string().trim().min(1, '请填写理由').max(500, '理由不超过 500 字');

export const declareInput = z
  .object({
    incidentIds: z.array(z.number().int().positive('警情编号须为正整数')).max(50, '一次响应最多关联 50 起警情').default([]),
    planId: z.string().regex(/^[a-z0-9-]{2,60}$/, 'planId 须为预案编号（见 GET /api/plans）'),
    level: z.enum(RESPONSE_LEVELS, { error: '响应级别须为 I、II、III、IV 之一' }),
    reason,
    /** The suggestion this declaration takes up, if any (it is then marked accepted). */
    suggestionId: z.uuid('启动建议编号格式不正确').optional(),
  })
  .strict();
export type DeclareInput = z.infer<typeof declareInput>;

export const levelChangeInput = z
  .object({ level: z.enum(RESPONSE_LEVELS, { error: '响应级别须为 I、II、III、IV 之一' }), reason })
  .strict();
export const endInput = z.object({ reason }).strict();
export const dismissInput = z.object({ reason }).strict();

export const responseIdParam = z.object({ id: z.uuid('响应编号格式不正确') });
export const taskIdParam = z.object({ id: z.uuid('任务编号格式不正确') });
export const taskPhotoParam = z.object({
  id: z.uuid('任务编号格式不正确'),
  photoId: z.coerce
    .number()
    .int('照片编号须为正整数')
    .positive('照片编号须为正整数')
    .max(Number.MAX_SAFE_INTEGER, '照片编号过大'),
  variant: z.enum(['view', 'thumb'], { error: '照片规格须为 view 或 thumb' }),
});

export const responseListQuery = z.object({
  status: z.enum(['active', 'ended', 'all'], { error: 'status 须为 active、ended 或 all' }).default('active'),
});
export const taskListQuery = z.object({ scope: z.enum(['mine', 'all'], { error: 'scope 须为 mine 或 all' }).default('mine') });

export const taskTransitionInput = z
  .object({ action: z.enum(TASK_ACTIONS, { error: `action 须为 ${TASK_ACTIONS.join('、')} 之一` }) })
  .strict();
export const taskNoteInput = z
  .object({
    body: z.string().trim().min(1, '请填写进展').max(1000, '进展不超过 1000 字'),
    /** Checklist items (by position) this note reports as done. */
    checked: z.array(z.number().int('清单序号须为整数').min(0, '清单序号从 0 起').max(19, '清单最多 20 项')).max(20).default([]),
  })
  .strict();
