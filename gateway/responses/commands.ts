import { levelRank, RESPONSE_LEVEL_LABELS, RESPONSE_LEVEL_NUMERALS, type Plan, type ResponseLevel } from '../../contracts/plans';
import type { DeclareInput, EmergencyResponse, ResponseStepAction } from '../../contracts/responses';
import type { Queryable } from '../../geo/db/types';
import { AppError } from '../http/errors';
import { readMode } from '../modes/service';
import { enqueueNotification } from '../notify/enqueue';
import { runCommand, type ResponseContext, type Touched } from './context';
import { loadResponses } from './store';

/** Who acts: a signed-in person. */
export interface ResponseActor {
  username: string;
  displayName: string;
  role: string;
  roleName: string;
  departmentId: string | null;
}

/** Minutes from a task's deadline until it turns red and goes to the duty leader: half its time, at least 10. */
export const graceMinutes = (dueMinutes: number): number => Math.max(10, Math.round(dueMinutes / 2));

const who = (levels: Plan['levels'], level: ResponseLevel) => levels[level].declaredBy;

/** The plan's rule for a level: only its `declaredBy` roles may declare, raise to, lower from or end at it. */
function assertMay(plan: Plan, level: ResponseLevel, actor: ResponseActor, what: string): void {
  if (who(plan.levels, level).includes(actor.role)) return;
  throw new AppError(
    'forbidden',
    `无权限：${actor.roleName}不能${what}《${plan.title}》${RESPONSE_LEVEL_LABELS[level]}响应` +
      `（该级别由 ${who(plan.levels, level).join('、')} 决定，牵头：${plan.levels[level].lead}）`,
  );
}

export function planOrThrow(ctx: ResponseContext, planId: string): Plan {
  const plan = ctx.plansById.get(planId);
  if (!plan) throw new AppError('not_found', `没有此预案：${planId}（见 GET /api/plans）`);
  return plan;
}

/** Issues the plan's tasks for `level` that the response does not have yet; returns how many. */
async function issueTasks(tx: Queryable, touched: Touched, plan: Plan, responseId: string, level: ResponseLevel, now: Date) {
  const tasks = plan.tasks.filter((t) => t.levels.includes(level));
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO response_task (response_id, department_id, task_key, role, title, checklist, due_at, red_at, created_at, updated_at)
     SELECT $1, t.department_id, t.task_key, t.role, t.title, t.checklist::jsonb,
            $2::timestamptz + make_interval(mins => t.due), $2::timestamptz + make_interval(mins => t.due + t.grace), $2, $2
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[])
            AS t(department_id, task_key, role, title, checklist, due, grace)
     ON CONFLICT (response_id, task_key) DO NOTHING
     RETURNING id`,
    [
      responseId,
      now,
      tasks.map((t) => t.departmentId),
      tasks.map((t) => t.key),
      tasks.map((t) => t.role),
      tasks.map((t) => t.title),
      tasks.map((t) => JSON.stringify(t.checklist.map((item) => ({ item, done: false })))),
      tasks.map((t) => t.dueMinutes),
      tasks.map((t) => graceMinutes(t.dueMinutes)),
    ],
  );
  for (const r of rows) touched.tasks.add(r.id);
  return rows.length;
}

async function step(
  tx: Queryable,
  responseId: string,
  action: ResponseStepAction,
  from: ResponseLevel | null,
  to: ResponseLevel | null,
  actor: ResponseActor,
  reason: string,
  at: Date,
) {
  await tx.query(
    `INSERT INTO response_step (response_id, action, level_from, level_to, actor, reason, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [responseId, action, from, to, actor.username, reason, at],
  );
}

/** Departments told at a level: the plan's notices and every department with a task at it. */
function audienceAt(plan: Plan, level: ResponseLevel): string[] {
  return [
    ...new Set([
      ...plan.notify.filter((n) => n.levels.includes(level)).flatMap((n) => n.departmentIds),
      ...plan.tasks.filter((t) => t.levels.includes(level)).map((t) => t.departmentId),
    ]),
  ];
}

async function notifyLevel(
  tx: Queryable,
  plan: Plan,
  responseId: string,
  level: ResponseLevel,
  drill: boolean,
  title: string,
  body: string,
) {
  await enqueueNotification(tx, {
    audience: { departmentIds: audienceAt(plan, level) },
    title: `${drill ? '【演练】' : ''}${title}`,
    body,
    source: { kind: 'response', id: responseId },
    urgent: levelRank(level) >= levelRank('II'),
  });
}

/** 启动: a response of a plan at a level for the given incidents, with the level's tasks, notices and suggestion taken up. */
export async function declareResponse(
  ctx: ResponseContext,
  input: DeclareInput,
  actor: ResponseActor,
): Promise<EmergencyResponse> {
  const plan = planOrThrow(ctx, input.planId);
  assertMay(plan, input.level, actor, '启动');
  const ids = [...new Set(input.incidentIds)].sort((a, b) => a - b);
  const id = await runCommand(ctx, async (tx, touched) => {
    const found = await tx.query<{ id: string; drill: boolean }>('SELECT id, drill FROM incident WHERE id = ANY($1::bigint[])', [
      ids,
    ]);
    const missing = ids.filter((i) => !found.some((f) => Number(f.id) === i));
    if (missing.length) throw new AppError('not_found', `没有这些警情：${missing.map((m) => `#${m}`).join('、')}`);
    const [dup] = await tx.query<{ id: string; level: ResponseLevel }>(
      `SELECT id, level FROM emergency_response
        WHERE status = 'active' AND plan_id = $1
          AND (incident_ids && $2::bigint[] OR (cardinality($2::bigint[]) = 0 AND cardinality(incident_ids) = 0))
        LIMIT 1 FOR UPDATE`,
      [plan.id, ids],
    );
    if (dup) {
      throw new AppError(
        'conflict',
        `《${plan.title}》已在${RESPONSE_LEVEL_LABELS[dup.level]}响应中（${dup.id}），请升级或降级该响应，不要重复启动`,
      );
    }
    const mode = await readMode(tx);
    const drill = mode.drill || found.some((f) => f.drill);
    const now = ctx.now();
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO emergency_response (plan_id, plan_version, plan_title, level, drill, incident_ids, reason, declared_by,
                                       suggestion_id, started_at, level_changed_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10) RETURNING id`,
      [plan.id, plan.version, plan.title, input.level, drill, ids, input.reason, actor.username, input.suggestionId ?? null, now],
    );
    const responseId = row!.id;
    await step(tx, responseId, 'declare', null, input.level, actor, input.reason, now);
    await issueTasks(tx, touched, plan, responseId, input.level, now);
    // The suggestion taken up, and any other open one of this plan for these incidents, are settled by it.
    const settled = await tx.query<{ id: string }>(
      `UPDATE response_suggestion SET status = 'accepted', response_id = $1, decided_by = $2, updated_at = $3
        WHERE status = 'open' AND plan_id = $4 AND (id = $5::uuid OR incident_ids && $6::bigint[])
        RETURNING id`,
      [responseId, actor.username, now, plan.id, input.suggestionId ?? null, ids],
    );
    if (input.suggestionId && !settled.some((s) => s.id === input.suggestionId)) {
      const [s] = await tx.query<{ status: string }>('SELECT status FROM response_suggestion WHERE id = $1', [
        input.suggestionId,
      ]);
      if (!s) throw new AppError('not_found', `没有此启动建议：${input.suggestionId}`);
      throw new AppError('conflict', `该启动建议已处理（${s.status === 'accepted' ? '已采纳' : '已搁置'}）`);
    }
    for (const s of settled) touched.suggestions.add(s.id);
    touched.responses.add(responseId);
    await notifyLevel(
      tx,
      plan,
      responseId,
      input.level,
      drill,
      `启动《${plan.title}》${RESPONSE_LEVEL_LABELS[input.level]}响应`,
      `${input.reason}${ids.length ? `（警情 ${ids.map((i) => `#${i}`).join('、')}）` : ''}。牵头：${plan.levels[input.level].lead}。请各部门在任务看板接收任务。`,
    );
    return responseId;
  });
  return (await loadResponses(ctx.db, [id], ctx.plansById))[0]!;
}

async function lockActive(tx: Queryable, id: string) {
  const [r] = await tx.query<{ plan_id: string; level: ResponseLevel; status: string; drill: boolean }>(
    'SELECT plan_id, level, status, drill FROM emergency_response WHERE id = $1 FOR UPDATE',
    [id],
  );
  if (!r) throw new AppError('not_found', `没有此应急响应：${id}`);
  if (r.status !== 'active') throw new AppError('conflict', '该应急响应已终止');
  return r;
}

/** 升级 / 降级: needs the plan's right for the more severe of the two levels; tasks of the new level are issued, those it no longer has are withdrawn. */
export async function changeLevel(
  ctx: ResponseContext,
  id: string,
  level: ResponseLevel,
  reason: string,
  actor: ResponseActor,
): Promise<{ response: EmergencyResponse; from: ResponseLevel }> {
  const from = await runCommand(ctx, async (tx, touched) => {
    const r = await lockActive(tx, id);
    const plan = planOrThrow(ctx, r.plan_id);
    if (r.level === level) throw new AppError('conflict', `该响应已是${RESPONSE_LEVEL_LABELS[level]}`);
    const up = levelRank(level) > levelRank(r.level);
    assertMay(plan, up ? level : r.level, actor, up ? '升级为' : '降级');
    const now = ctx.now();
    await tx.query('UPDATE emergency_response SET level = $2, level_changed_at = $3, updated_at = $3 WHERE id = $1', [
      id,
      level,
      now,
    ]);
    await step(tx, id, up ? 'escalate' : 'deescalate', r.level, level, actor, reason, now);
    await issueTasks(tx, touched, plan, id, level, now);
    const keep = plan.tasks.filter((t) => t.levels.includes(level)).map((t) => t.key);
    const withdrawn = await tx.query<{ id: string }>(
      `UPDATE response_task SET state = 'cancelled', updated_at = $3
        WHERE response_id = $1 AND state IN ('issued', 'received', 'acknowledged') AND NOT (task_key = ANY($2::text[]))
        RETURNING id`,
      [id, keep, now],
    );
    for (const t of withdrawn) touched.tasks.add(t.id);
    // Every task shows the response's level: all of them change on the wall and the consoles.
    for (const t of await tx.query<{ id: string }>('SELECT id FROM response_task WHERE response_id = $1', [id]))
      touched.tasks.add(t.id);
    touched.responses.add(id);
    await notifyLevel(
      tx,
      plan,
      id,
      level,
      r.drill,
      `《${plan.title}》响应由${RESPONSE_LEVEL_NUMERALS[r.level]}级${up ? '升级' : '降级'}为${RESPONSE_LEVEL_NUMERALS[level]}级`,
      reason,
    );
    return r.level;
  });
  return { response: (await loadResponses(ctx.db, [id], ctx.plansById))[0]!, from };
}

/** 终止: needs the plan's right for the current level; open tasks are withdrawn. */
export async function endResponse(
  ctx: ResponseContext,
  id: string,
  reason: string,
  actor: ResponseActor,
): Promise<EmergencyResponse> {
  await runCommand(ctx, async (tx, touched) => {
    const r = await lockActive(tx, id);
    const plan = planOrThrow(ctx, r.plan_id);
    assertMay(plan, r.level, actor, '终止');
    const now = ctx.now();
    await tx.query(
      `UPDATE emergency_response SET status = 'ended', ended_at = $2, ended_by = $3, end_note = $4, updated_at = $2 WHERE id = $1`,
      [id, now, actor.username, reason],
    );
    await step(tx, id, 'end', r.level, null, actor, reason, now);
    const withdrawn = await tx.query<{ id: string }>(
      `UPDATE response_task SET state = 'cancelled', updated_at = $2
        WHERE response_id = $1 AND state IN ('issued', 'received', 'acknowledged') RETURNING id`,
      [id, now],
    );
    for (const t of withdrawn) touched.tasks.add(t.id);
    touched.responses.add(id);
    await notifyLevel(tx, plan, id, r.level, r.drill, `《${plan.title}》${RESPONSE_LEVEL_NUMERALS[r.level]}级响应终止`, reason);
  });
  return (await loadResponses(ctx.db, [id], ctx.plansById))[0]!;
}

/** Sets an open suggestion aside (搁置), with the reason. */
export async function dismissSuggestion(ctx: ResponseContext, id: string, reason: string, actor: ResponseActor): Promise<void> {
  await runCommand(ctx, async (tx, touched) => {
    const [s] = await tx.query<{ status: string }>('SELECT status FROM response_suggestion WHERE id = $1 FOR UPDATE', [id]);
    if (!s) throw new AppError('not_found', `没有此启动建议：${id}`);
    if (s.status !== 'open') throw new AppError('conflict', '该启动建议已处理');
    await tx.query(
      `UPDATE response_suggestion SET status = 'dismissed', decided_by = $2, reason = reason || '；搁置理由：' || $3, updated_at = $4 WHERE id = $1`,
      [id, actor.username, reason, ctx.now()],
    );
    touched.suggestions.add(id);
  });
}
