import type { DutyNowResponse, DutyRole, DutyShift, ShiftInput, ShiftPatch } from '../../contracts/duty';
import type { Queryable } from '../../geo/db/types';
import { AppError } from '../http/errors';
import { dutySql } from './sql';

const SHIFT_ROWS_SQL = dutySql('shift-rows.sql');

interface ShiftRow {
  id: string;
  department_id: string;
  department_name: string;
  user_id: string;
  user_name: string;
  duty_role: DutyRole;
  starts_at: Date | string;
  ends_at: Date | string;
  note: string;
  cancelled_at: Date | string | null;
}

const toShift = (r: ShiftRow): DutyShift => ({
  id: r.id,
  departmentId: r.department_id,
  departmentName: r.department_name,
  userId: r.user_id,
  userName: r.user_name,
  dutyRole: r.duty_role,
  startsAt: new Date(r.starts_at).toISOString(),
  endsAt: new Date(r.ends_at).toISOString(),
  note: r.note,
  cancelledAt: r.cancelled_at === null ? null : new Date(r.cancelled_at).toISOString(),
});

/** The roster's shifts overlapping [from, to), of one department or all. */
export async function listShifts(db: Queryable, q: { from?: Date; to?: Date; departmentId?: string }): Promise<DutyShift[]> {
  const rows = await db.query<ShiftRow>(SHIFT_ROWS_SQL, [null, q.from ?? null, q.to ?? null, q.departmentId ?? null, null]);
  return rows.map(toShift);
}

export async function shiftsById(db: Queryable, ids: readonly string[]): Promise<DutyShift[]> {
  const rows = await db.query<ShiftRow>(SHIFT_ROWS_SQL, [null, null, null, null, ids]);
  return rows.map(toShift);
}

/** Who is on duty at `at`: per department with a shift then (the command centre first), and when that changes next. */
export async function dutyNow(db: Queryable, at: Date): Promise<DutyNowResponse> {
  const rows = (await db.query<ShiftRow>(SHIFT_ROWS_SQL, [at, null, null, null, null])).map(toShift);
  const next = await db.query<{ department_id: string; next_at: Date | string | null }>(
    `SELECT department_id, min(t) AS next_at FROM (
       SELECT department_id, ends_at AS t FROM duty_shift WHERE cancelled_at IS NULL AND starts_at <= $1 AND ends_at > $1
       UNION ALL
       SELECT department_id, starts_at FROM duty_shift WHERE cancelled_at IS NULL AND starts_at > $1 AND starts_at < $1::timestamptz + interval '3 days'
     ) t GROUP BY department_id`,
    [at],
  );
  const nextOf = new Map(next.map((n) => [n.department_id, n.next_at === null ? null : new Date(n.next_at).toISOString()]));
  const departments: DutyNowResponse['departments'] = [];
  for (const s of rows) {
    let d = departments.find((x) => x.departmentId === s.departmentId);
    if (!d) {
      d = {
        departmentId: s.departmentId,
        departmentName: s.departmentName,
        shifts: [],
        nextChangeAt: nextOf.get(s.departmentId) ?? null,
      };
      departments.push(d);
    }
    d.shifts.push(s);
  }
  return { at: at.toISOString(), departments };
}

/** Checks a shift against the database: the department is active, the person an active member of staff. */
async function checkShift(
  db: Queryable,
  s: { departmentId: string; userId: string; startsAt: string; endsAt: string },
  exceptId: string | null,
): Promise<void> {
  const [dept] = await db.query<{ active: boolean }>('SELECT active FROM department WHERE id = $1', [s.departmentId]);
  if (!dept || !dept.active) throw new AppError('bad_request', `部门「${s.departmentId}」不存在或已停用`);
  const [user] = await db.query<{ kind: string; disabled_at: unknown }>('SELECT kind, disabled_at FROM app_user WHERE id = $1', [
    s.userId,
  ]);
  if (!user || user.kind !== 'person' || user.disabled_at !== null)
    throw new AppError('bad_request', '值班人员不存在、已停用或不是人员账号');
  // Two shifts of one person in one department at once: a roster mistake, refused.
  const [overlap] = await db.query<{ starts_at: Date | string; ends_at: Date | string }>(
    `SELECT starts_at, ends_at FROM duty_shift
      WHERE department_id = $1 AND user_id = $2 AND cancelled_at IS NULL AND ($5::uuid IS NULL OR id <> $5)
        AND starts_at < $4 AND ends_at > $3
      LIMIT 1`,
    [s.departmentId, s.userId, s.startsAt, s.endsAt, exceptId],
  );
  if (overlap)
    throw new AppError(
      'conflict',
      `该人员在此部门已有重叠的班次（${new Date(overlap.starts_at).toISOString()} 至 ${new Date(overlap.ends_at).toISOString()}）`,
    );
}

/** Serialises roster writes of one department, so two overlapping shifts cannot both pass the check. */
async function lockDepartment(db: Queryable, departmentId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('duty:' || $1))`, [departmentId]);
}

export async function createShifts(db: Queryable, inputs: readonly ShiftInput[], actor: string, at: Date): Promise<string[]> {
  const ids: string[] = [];
  for (const s of inputs) {
    await lockDepartment(db, s.departmentId);
    await checkShift(db, s, null);
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO duty_shift (department_id, user_id, duty_role, starts_at, ends_at, note, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
      [s.departmentId, s.userId, s.dutyRole, s.startsAt, s.endsAt, s.note, actor, at],
    );
    ids.push(row!.id);
  }
  return ids;
}

export async function updateShift(
  db: Queryable,
  id: string,
  patch: ShiftPatch,
  at: Date,
): Promise<{ before: DutyShift; after: DutyShift }> {
  const [before] = await shiftsById(db, [id]);
  if (!before) throw new AppError('not_found', '没有这个班次');
  if (before.cancelledAt) throw new AppError('conflict', '班次已取消，不能修改');
  await lockDepartment(db, before.departmentId);
  const next = { ...before, ...patch };
  if (Date.parse(next.endsAt) <= Date.parse(next.startsAt)) throw new AppError('bad_request', '结束时间须晚于开始时间');
  if (Date.parse(next.endsAt) - Date.parse(next.startsAt) > 72 * 3600_000)
    throw new AppError('bad_request', '一个班次不超过 72 小时');
  await checkShift(db, next, id);
  await db.query('UPDATE duty_shift SET duty_role = $2, starts_at = $3, ends_at = $4, note = $5, updated_at = $6 WHERE id = $1', [
    id,
    next.dutyRole,
    next.startsAt,
    next.endsAt,
    next.note,
    at,
  ]);
  const [after] = await shiftsById(db, [id]);
  return { before, after: after! };
}

export async function cancelShift(db: Queryable, id: string, at: Date): Promise<DutyShift> {
  const [before] = await shiftsById(db, [id]);
  if (!before) throw new AppError('not_found', '没有这个班次');
  if (before.cancelledAt) throw new AppError('conflict', '班次已取消');
  await db.query('UPDATE duty_shift SET cancelled_at = $2, updated_at = $2 WHERE id = $1', [id, at]);
  const [after] = await shiftsById(db, [id]);
  return after!;
}
