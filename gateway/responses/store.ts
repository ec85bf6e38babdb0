import type { Plan, ResponseLevel } from '../../contracts/plans';
import type {
  EmergencyResponse,
  ResponseStatus,
  ResponseSuggestion,
  ResponseTask,
  TaskNote,
  TaskPhoto,
} from '../../contracts/responses';
import type { Queryable } from '../../geo/db/types';

/** Reads of responses, tasks and suggestions as the wire carries them. */

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

interface TaskRow {
  id: string;
  response_id: string;
  plan_id: string;
  plan_title: string;
  level: ResponseLevel;
  drill: boolean;
  department_id: string;
  department_name: string;
  task_key: string;
  role: 'lead' | 'support';
  title: string;
  checklist: { item: string; done: boolean }[];
  state: ResponseTask['state'];
  overdue: ResponseTask['overdue'];
  due_at: Date;
  red_at: Date;
  created_at: Date;
  received_at: Date | null;
  acknowledged_at: Date | null;
  done_at: Date | null;
  done_by: string | null;
  escalated_at: Date | null;
  notes: { id: number; author: string; author_name: string; body: string; at: string; photo_ids: number[] | null }[];
  photos: { id: number; note_id: number | null; width: number; height: number; uploaded_at: string }[];
}

const TASK_SELECT = `
  SELECT t.id, t.response_id, r.plan_id, r.plan_title, r.level, r.drill, t.department_id, d.name AS department_name,
         t.task_key, t.role, t.title, t.checklist, t.state, t.overdue, t.due_at, t.red_at, t.created_at, t.received_at,
         t.acknowledged_at, t.done_at, t.done_by, t.escalated_at,
         COALESCE((SELECT json_agg(json_build_object('id', n.id, 'author', n.author, 'author_name', n.author_name,
                          'body', n.body, 'at', n.at,
                          'photo_ids', (SELECT json_agg(p.id ORDER BY p.id) FROM response_task_photo p WHERE p.note_id = n.id))
                          ORDER BY n.id)
                     FROM response_task_note n WHERE n.task_id = t.id), '[]') AS notes,
         COALESCE((SELECT json_agg(json_build_object('id', p.id, 'note_id', p.note_id, 'width', p.width, 'height', p.height,
                          'uploaded_at', p.uploaded_at) ORDER BY p.id)
                     FROM response_task_photo p WHERE p.task_id = t.id), '[]') AS photos
    FROM response_task t
    JOIN emergency_response r ON r.id = t.response_id
    JOIN department d ON d.id = t.department_id`;

/** Overdue first (red, then amber), then by deadline. */
const TASK_ORDER = `ORDER BY CASE t.overdue WHEN 'red' THEN 0 WHEN 'amber' THEN 1 ELSE 2 END, t.due_at, t.task_key`;

const toTask = (r: TaskRow): ResponseTask => ({
  id: r.id,
  responseId: r.response_id,
  planId: r.plan_id,
  planTitle: r.plan_title,
  level: r.level,
  drill: r.drill,
  departmentId: r.department_id,
  departmentName: r.department_name,
  taskKey: r.task_key,
  role: r.role,
  title: r.title,
  checklist: r.checklist,
  state: r.state,
  overdue: r.overdue,
  dueAt: iso(r.due_at)!,
  redAt: iso(r.red_at)!,
  createdAt: iso(r.created_at)!,
  receivedAt: iso(r.received_at),
  acknowledgedAt: iso(r.acknowledged_at),
  doneAt: iso(r.done_at),
  doneBy: r.done_by,
  escalatedAt: iso(r.escalated_at),
  notes: r.notes.map((n): TaskNote => ({
    id: Number(n.id),
    author: n.author,
    authorName: n.author_name,
    body: n.body,
    at: iso(n.at)!,
    photoIds: (n.photo_ids ?? []).map(Number),
  })),
  photos: r.photos.map((p): TaskPhoto => ({
    id: Number(p.id),
    noteId: p.note_id === null ? null : Number(p.note_id),
    width: p.width,
    height: p.height,
    uploadedAt: iso(p.uploaded_at)!,
  })),
});

export async function loadTasks(db: Queryable, ids: readonly string[]): Promise<ResponseTask[]> {
  if (!ids.length) return [];
  const rows = await db.query<TaskRow>(`${TASK_SELECT} WHERE t.id = ANY($1::uuid[]) ${TASK_ORDER}`, [[...ids]]);
  return rows.map(toTask);
}

/** Tasks of active responses (a department's, or all), overdue first. */
export async function activeTasks(db: Queryable, departmentId: string | null): Promise<ResponseTask[]> {
  const rows = await db.query<TaskRow>(
    `${TASK_SELECT} WHERE r.status = 'active' AND ($1::text IS NULL OR t.department_id = $1) ${TASK_ORDER}`,
    [departmentId],
  );
  return rows.map(toTask);
}

interface ResponseRow {
  id: string;
  plan_id: string;
  plan_version: number;
  plan_title: string;
  level: ResponseLevel;
  status: ResponseStatus;
  drill: boolean;
  incident_ids: string[];
  reason: string;
  declared_by: string;
  started_at: Date;
  level_changed_at: Date;
  ended_at: Date | null;
  ended_by: string | null;
  end_note: string | null;
  steps: {
    action: EmergencyResponse['steps'][number]['action'];
    level_from: ResponseLevel | null;
    level_to: ResponseLevel | null;
    actor: string;
    reason: string;
    at: string;
  }[];
}

const minutes = (d: Date, m: number) => new Date(d.getTime() + m * 60_000).toISOString();

export async function loadResponses(
  db: Queryable,
  ids: readonly string[],
  plans: ReadonlyMap<string, Plan>,
): Promise<EmergencyResponse[]> {
  if (!ids.length) return [];
  const rows = await db.query<ResponseRow>(
    `SELECT r.id, r.plan_id, r.plan_version, r.plan_title, r.level, r.status, r.drill, r.incident_ids, r.reason,
            r.declared_by, r.started_at, r.level_changed_at, r.ended_at, r.ended_by, r.end_note,
            COALESCE((SELECT json_agg(json_build_object('action', s.action, 'level_from', s.level_from, 'level_to', s.level_to,
                             'actor', s.actor, 'reason', s.reason, 'at', s.at) ORDER BY s.id)
                        FROM response_step s WHERE s.response_id = r.id), '[]') AS steps
       FROM emergency_response r WHERE r.id = ANY($1::uuid[])
      ORDER BY r.status, r.level, r.started_at DESC`,
    [[...ids]],
  );
  const taskIds = await db.query<{ id: string; response_id: string }>(
    'SELECT id, response_id FROM response_task WHERE response_id = ANY($1::uuid[])',
    [[...ids]],
  );
  const tasks = await loadTasks(
    db,
    taskIds.map((t) => t.id),
  );
  return rows.map((r) => {
    const plan = plans.get(r.plan_id);
    const started = new Date(r.started_at);
    const clock = plan?.reporting ?? { firstMinutes: 30, firstWrittenMinutes: 60, followUpMinutes: 60, finalHours: 24 };
    return {
      id: r.id,
      planId: r.plan_id,
      planVersion: r.plan_version,
      planTitle: r.plan_title,
      level: r.level,
      status: r.status,
      drill: r.drill,
      incidentIds: r.incident_ids.map(Number),
      reason: r.reason,
      declaredBy: r.declared_by,
      startedAt: started.toISOString(),
      levelChangedAt: iso(r.level_changed_at)!,
      endedAt: iso(r.ended_at),
      endedBy: r.ended_by,
      endNote: r.end_note,
      steps: r.steps.map((s) => ({
        action: s.action,
        levelFrom: s.level_from,
        levelTo: s.level_to,
        actor: s.actor,
        reason: s.reason,
        at: iso(s.at)!,
      })),
      tasks: tasks.filter((t) => t.responseId === r.id),
      reporting: {
        firstDueAt: minutes(started, clock.firstMinutes),
        firstWrittenDueAt: minutes(started, clock.firstWrittenMinutes),
        followUpMinutes: clock.followUpMinutes,
        finalDueAt: r.ended_at ? minutes(new Date(r.ended_at), clock.finalHours * 60) : null,
      },
    };
  });
}

export async function responseIdsByStatus(db: Queryable, status: ResponseStatus | 'all'): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM emergency_response WHERE $1 = 'all' OR status = $1 ORDER BY started_at DESC LIMIT 200`,
    [status],
  );
  return rows.map((r) => r.id);
}

interface SuggestionRow {
  id: string;
  plan_id: string;
  level: ResponseLevel;
  reason: string;
  basis_kind: 'incident' | 'gauge' | 'warning';
  basis_key: string;
  incident_ids: string[];
  drill: boolean;
  status: ResponseSuggestion['status'];
  response_id: string | null;
  created_at: Date;
}

export async function loadSuggestions(
  db: Queryable,
  where: { ids: readonly string[] } | { open: true },
  plans: ReadonlyMap<string, Plan>,
): Promise<ResponseSuggestion[]> {
  const rows = await db.query<SuggestionRow>(
    `SELECT id, plan_id, level, reason, basis_kind, basis_key, incident_ids, drill, status, response_id, created_at
       FROM response_suggestion
      WHERE ${'ids' in where ? 'id = ANY($1::uuid[])' : `status = 'open' AND $1::uuid[] IS NULL`}
      ORDER BY created_at DESC LIMIT 200`,
    ['ids' in where ? [...where.ids] : null],
  );
  return rows.map((r) => ({
    id: r.id,
    planId: r.plan_id,
    planTitle: plans.get(r.plan_id)?.title ?? r.plan_id,
    level: r.level,
    reason: r.reason,
    basisKind: r.basis_kind,
    basisKey: r.basis_key,
    incidentIds: r.incident_ids.map(Number),
    drill: r.drill,
    status: r.status,
    responseId: r.response_id,
    createdAt: iso(r.created_at)!,
  }));
}
