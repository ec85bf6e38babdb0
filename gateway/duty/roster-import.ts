import { DUTY_ROLE_LABELS, DUTY_ROLES, shiftInputSchema, type DutyRole, type ShiftInput } from '../../contracts/duty';
import type { Queryable } from '../../geo/db/types';
import { csvRows } from '../http/csv';
import { AppError } from '../http/errors';

/** Role words a roster may use: the ids, or their Chinese names. */
const ROLE_WORDS = new Map<string, DutyRole>([
  ...DUTY_ROLES.map((r) => [r, r] as [string, DutyRole]),
  ...DUTY_ROLES.map((r) => [DUTY_ROLE_LABELS[r], r] as [string, DutyRole]),
]);

interface RawShift {
  departmentId?: unknown;
  userId?: unknown;
  username?: unknown;
  dutyRole?: unknown;
  startsAt?: unknown;
  endsAt?: unknown;
  note?: unknown;
}

/** CSV rows (部门,用户名,角色,开始,结束,备注; a header line is skipped) as raw shifts, with their line numbers. */
function csvShifts(csv: string): { line: number; raw: RawShift }[] {
  return csvRows(csv).flatMap(({ line, fields }, i) => {
    const [departmentId, username, role, startsAt, endsAt, note] = fields;
    if (i === 0 && !/^\d{4}-/.test(startsAt ?? '')) return [];
    return [{ line, raw: { departmentId, username, dutyRole: role, startsAt, endsAt, note: note ?? '' } }];
  });
}

/**
 * A roster to import, as a list of shifts (`userId` or `username`) or CSV: every row checked, every problem named with
 * its row, nothing kept unless all are right.
 */
export async function parseRoster(db: Queryable, input: { shifts: unknown[] } | { csv: string }): Promise<ShiftInput[]> {
  const rows =
    'csv' in input ? csvShifts(input.csv) : input.shifts.map((raw, i) => ({ line: i + 1, raw: (raw ?? {}) as RawShift }));
  if (!rows.length) throw new AppError('bad_request', '排班表中没有班次');
  if (rows.length > 2000) throw new AppError('bad_request', '一次最多导入 2000 个班次');
  const usernames = [...new Set(rows.map((r) => r.raw.username).filter((u): u is string => typeof u === 'string'))];
  const users = await db.query<{ id: string; username: string }>(
    'SELECT id, username FROM app_user WHERE username = ANY ($1::text[])',
    [usernames],
  );
  const idOf = new Map(users.map((u) => [u.username, u.id]));
  const problems: string[] = [];
  const shifts: ShiftInput[] = [];
  const where = 'csv' in input ? '第 %d 行' : '第 %d 个班次';
  for (const { line, raw } of rows) {
    const at = where.replace('%d', String(line));
    const userId = raw.userId ?? (typeof raw.username === 'string' ? idOf.get(raw.username) : undefined);
    if (userId === undefined) {
      problems.push(`${at}：用户「${String(raw.username ?? '')}」不存在`);
      continue;
    }
    const role = typeof raw.dutyRole === 'string' ? (ROLE_WORDS.get(raw.dutyRole) ?? raw.dutyRole) : raw.dutyRole;
    const parsed = shiftInputSchema.safeParse({
      departmentId: raw.departmentId,
      userId,
      dutyRole: role,
      startsAt: raw.startsAt,
      endsAt: raw.endsAt,
      note: raw.note ?? '',
    });
    if (!parsed.success) problems.push(`${at}：${parsed.error.issues.map((i) => i.message).join('；')}`);
    else shifts.push(parsed.data);
  }
  if (problems.length) throw new AppError('bad_request', `排班表有误，未导入：${problems.slice(0, 20).join('；')}`, { problems });
  return shifts;
}
