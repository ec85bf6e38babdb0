import {
  TASK_ACTION_LABELS,
  TASK_STATE_LABELS,
  TASK_TRANSITIONS,
  type ResponseTask,
  type TaskAction,
  type TaskState,
} from '../../contracts/responses';
import type { Queryable } from '../../geo/db/types';
import { processPhoto } from '../cases/photos';
import { AppError } from '../http/errors';
import type { ResponseActor } from './commands';
import { runCommand, type ResponseContext } from './context';
import { loadTasks } from './store';

/** A department's work on its task: receive, acknowledge, progress notes with photos, done. */

interface LockedTask {
  state: TaskState;
  department_id: string;
  checklist: { item: string; done: boolean }[];
  status: string;
}

/** Locks a task of an active response that belongs to the actor's department. */
async function lockOwnTask(tx: Queryable, id: string, actor: ResponseActor): Promise<LockedTask> {
  const [t] = await tx.query<LockedTask>(
    `SELECT t.state, t.department_id, t.checklist, r.status FROM response_task t JOIN emergency_response r ON r.id = t.response_id
      WHERE t.id = $1 FOR UPDATE OF t`,
    [id],
  );
  if (!t) throw new AppError('not_found', `没有此应急任务：${id}`);
  if (t.department_id !== actor.departmentId) throw new AppError('forbidden', '无权限：这不是本部门的应急任务');
  if (t.status !== 'active') throw new AppError('conflict', '该应急响应已终止，任务不能再办理');
  return t;
}

export async function transitionTask(
  ctx: ResponseContext,
  id: string,
  action: TaskAction,
  actor: ResponseActor,
): Promise<{ task: ResponseTask; from: TaskState }> {
  const from = await runCommand(ctx, async (tx, touched) => {
    const t = await lockOwnTask(tx, id, actor);
    const next = TASK_TRANSITIONS[t.state][action];
    if (!next) {
      const allowed = Object.keys(TASK_TRANSITIONS[t.state]) as TaskAction[];
      throw new AppError(
        'conflict',
        `任务当前${TASK_STATE_LABELS[t.state]}，不能${TASK_ACTION_LABELS[action]}（可执行：${allowed.map((a) => TASK_ACTION_LABELS[a]).join('、') || '无'}）`,
      );
    }
    const now = ctx.now();
    await tx.query(
      `UPDATE response_task SET state = $2, updated_at = $3,
              received_at = CASE WHEN $2 IN ('received', 'acknowledged') THEN COALESCE(received_at, $3) ELSE received_at END,
              acknowledged_at = CASE WHEN $2 = 'acknowledged' THEN $3 ELSE acknowledged_at END,
              done_at = CASE WHEN $2 = 'done' THEN $3 ELSE done_at END,
              done_by = CASE WHEN $2 = 'done' THEN $4 ELSE done_by END
        WHERE id = $1`,
      [id, next, now, actor.username],
    );
    touched.tasks.add(id);
    return t.state;
  });
  return { task: (await loadTasks(ctx.db, [id]))[0]!, from };
}

/** A progress note (进展), ticking the checklist items it reports done. */
export async function addNote(
  ctx: ResponseContext,
  id: string,
  input: { body: string; checked: number[] },
  actor: ResponseActor,
): Promise<ResponseTask> {
  await runCommand(ctx, async (tx, touched) => {
    const t = await lockOwnTask(tx, id, actor);
    if (t.state === 'done' || t.state === 'cancelled')
      throw new AppError('conflict', `任务${TASK_STATE_LABELS[t.state]}，不能再填写进展`);
    const bad = input.checked.filter((i) => i >= t.checklist.length);
    if (bad.length)
      throw new AppError('bad_request', `清单只有 ${t.checklist.length} 项，没有第 ${bad.map((b) => b + 1).join('、')} 项`);
    const now = ctx.now();
    const checklist = t.checklist.map((c, i) => ({ ...c, done: c.done || input.checked.includes(i) }));
    await tx.query('UPDATE response_task SET checklist = $2::jsonb, updated_at = $3 WHERE id = $1', [
      id,
      JSON.stringify(checklist),
      now,
    ]);
    await tx.query('INSERT INTO response_task_note (task_id, author, author_name, body, at) VALUES ($1, $2, $3, $4, $5)', [
      id,
      actor.username,
      actor.displayName,
      input.body,
      now,
    ]);
    touched.tasks.add(id);
  });
  return (await loadTasks(ctx.db, [id]))[0]!;
}

/**
 * One photo for a task, checked and re-encoded as case photos are (content, size, pixels; metadata dropped), attached
 * to the task's latest note by the uploader when there is one. The same image twice is stored once.
 */
export async function addPhoto(ctx: ResponseContext, id: string, body: Buffer, actor: ResponseActor): Promise<ResponseTask> {
  const photo = await processPhoto(body, ctx.photo);
  await runCommand(ctx, async (tx, touched) => {
    const t = await lockOwnTask(tx, id, actor);
    if (t.state === 'cancelled') throw new AppError('conflict', '任务已撤销，不能上传照片');
    const [note] = await tx.query<{ id: string }>(
      'SELECT id FROM response_task_note WHERE task_id = $1 AND author = $2 ORDER BY id DESC LIMIT 1',
      [id, actor.username],
    );
    await tx.query(
      `INSERT INTO response_task_photo (task_id, note_id, uploader, sha256, format, width, height, view_webp, thumb_webp, uploaded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (task_id, sha256) DO NOTHING`,
      [
        id,
        note?.id ?? null,
        actor.username,
        photo.sha256,
        photo.format,
        photo.width,
        photo.height,
        photo.view,
        photo.thumb,
        ctx.now(),
      ],
    );
    touched.tasks.add(id);
  });
  return (await loadTasks(ctx.db, [id]))[0]!;
}

export async function readPhoto(
  ctx: ResponseContext,
  taskId: string,
  photoId: number,
  variant: 'view' | 'thumb',
): Promise<Buffer> {
  const [row] = await ctx.db.query<{ data: Buffer }>(
    `SELECT ${variant === 'view' ? 'view_webp' : 'thumb_webp'} AS data FROM response_task_photo WHERE id = $1 AND task_id = $2`,
    [photoId, taskId],
  );
  if (!row) throw new AppError('not_found', `没有此照片：${photoId}`);
  return row.data;
}
