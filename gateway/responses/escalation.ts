import type { OverdueStage, TaskState } from '../../contracts/responses';
import { OPEN_TASK_STATES } from '../../contracts/responses';
import { enqueueNotification } from '../notify/enqueue';
import { runCommand, type ResponseContext } from './context';

/** How overdue an open task is at `now`: amber from its deadline, red from its red time; done tasks are never overdue. */
export function overdueStage(t: { state: TaskState; dueAt: Date; redAt: Date }, now: Date): OverdueStage {
  if (!OPEN_TASK_STATES.includes(t.state)) return 'none';
  if (now.getTime() >= t.redAt.getTime()) return 'red';
  if (now.getTime() >= t.dueAt.getTime()) return 'amber';
  return 'none';
}

/**
 * One tick of the overdue clock: open tasks of active responses move to amber or red as `ctx.now()` passes their
 * deadlines (each change on the change log); a task turning red is escalated once to its department's duty leader
 * (带班领导 on duty now, else the department's audience) through the notification queue, in the same transaction.
 */
export async function sweepOverdue(ctx: ResponseContext): Promise<{ changed: number; escalated: number }> {
  return runCommand(ctx, async (tx, touched) => {
    const now = ctx.now();
    const rows = await tx.query<{
      id: string;
      state: TaskState;
      overdue: OverdueStage;
      due_at: Date;
      red_at: Date;
      escalated_at: Date | null;
      department_id: string;
      title: string;
      plan_title: string;
      drill: boolean;
    }>(
      `SELECT t.id, t.state, t.overdue, t.due_at, t.red_at, t.escalated_at, t.department_id, t.title, r.plan_title, r.drill
         FROM response_task t JOIN emergency_response r ON r.id = t.response_id
        WHERE r.status = 'active' AND t.state IN ('issued', 'received', 'acknowledged') AND t.due_at <= $1
        ORDER BY t.due_at
        FOR UPDATE OF t`,
      [now],
    );
    let escalated = 0;
    for (const t of rows) {
      const stage = overdueStage({ state: t.state, dueAt: new Date(t.due_at), redAt: new Date(t.red_at) }, now);
      if (stage === t.overdue) continue;
      const escalate = stage === 'red' && t.escalated_at === null;
      await tx.query(
        'UPDATE response_task SET overdue = $2, escalated_at = CASE WHEN $3 THEN $4 ELSE escalated_at END, updated_at = $4 WHERE id = $1',
        [t.id, stage, escalate, now],
      );
      touched.tasks.add(t.id);
      if (!escalate) continue;
      const leaders = await tx.query<{ user_id: string }>(
        `SELECT DISTINCT s.user_id FROM duty_shift s JOIN app_user u ON u.id = s.user_id AND u.disabled_at IS NULL
          WHERE s.department_id = $1 AND s.duty_role = 'leader' AND s.cancelled_at IS NULL AND s.starts_at <= $2 AND s.ends_at > $2`,
        [t.department_id, now],
      );
      await enqueueNotification(
        tx,
        {
          audience: leaders.length ? { userIds: leaders.map((l) => l.user_id) } : { departmentIds: [t.department_id] },
          title: `${t.drill ? '【演练】' : ''}应急任务严重超时：${t.title}`,
          body: `《${t.plan_title}》任务「${t.title}」已于 ${new Date(t.due_at).toISOString()} 到期仍未完成，请督促办理。`,
          source: { kind: 'response_task', id: t.id },
          urgent: true,
        },
        now,
      );
      escalated++;
    }
    return { changed: touched.tasks.size, escalated };
  });
}

/** Runs the overdue clock every `everyMs` until stopped. */
export function startOverdueClock(ctx: ResponseContext, everyMs = 15_000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepOverdue(ctx)
      .catch((err: unknown) => ctx.log.warn({ err }, 'response task overdue sweep failed; retrying on the next tick'))
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
