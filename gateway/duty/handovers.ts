import type { DutyHandover, HandoverInput } from '../../contracts/duty';
import type { Queryable } from '../../geo/db/types';
import { AppError } from '../http/errors';

interface HandoverRow {
  id: string;
  department_id: string;
  author_id: string;
  author_name: string;
  note: string;
  open_items: string[];
  created_at: Date | string;
  received_by: string | null;
  received_name: string | null;
  received_at: Date | string | null;
}

const COLUMNS =
  'id, department_id, author_id, author_name, note, open_items, created_at, received_by, received_name, received_at';

const toHandover = (r: HandoverRow): DutyHandover => ({
  id: r.id,
  departmentId: r.department_id,
  authorId: r.author_id,
  authorName: r.author_name,
  note: r.note,
  openItems: r.open_items,
  createdAt: new Date(r.created_at).toISOString(),
  receivedBy: r.received_by,
  receivedName: r.received_name,
  receivedAt: r.received_at === null ? null : new Date(r.received_at).toISOString(),
});

export async function listHandovers(db: Queryable, departmentId: string | undefined): Promise<DutyHandover[]> {
  const rows = await db.query<HandoverRow>(
    `SELECT ${COLUMNS} FROM duty_handover WHERE ($1::text IS NULL OR department_id = $1) ORDER BY created_at DESC, id LIMIT 100`,
    [departmentId ?? null],
  );
  return rows.map(toHandover);
}

/** A handover note (交班) by the person handing over. */
export async function createHandover(
  db: Queryable,
  input: HandoverInput,
  author: { userId: string; displayName: string },
  at: Date,
): Promise<DutyHandover> {
  const [dept] = await db.query<{ active: boolean }>('SELECT active FROM department WHERE id = $1', [input.departmentId]);
  if (!dept || !dept.active) throw new AppError('bad_request', `部门「${input.departmentId}」不存在或已停用`);
  const [row] = await db.query<HandoverRow>(
    `INSERT INTO duty_handover (department_id, author_id, author_name, note, open_items, created_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING ${COLUMNS}`,
    [input.departmentId, author.userId, author.displayName, input.note, JSON.stringify(input.openItems), at],
  );
  return toHandover(row!);
}

/** The next shift takes the handover over (接班); once, and not by its author. */
export async function receiveHandover(
  db: Queryable,
  id: string,
  by: { userId: string; displayName: string },
  at: Date,
): Promise<DutyHandover> {
  const [row] = await db.query<HandoverRow>(`SELECT ${COLUMNS} FROM duty_handover WHERE id = $1 FOR UPDATE`, [id]);
  if (!row) throw new AppError('not_found', '没有这条交接班记录');
  if (row.received_at !== null) throw new AppError('conflict', `已由${row.received_name ?? '他人'}接班`);
  if (row.author_id === by.userId) throw new AppError('conflict', '交班人不能自己接班');
  const [after] = await db.query<HandoverRow>(
    `UPDATE duty_handover SET received_by = $2, received_name = $3, received_at = $4 WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, by.userId, by.displayName, at],
  );
  return toHandover(after!);
}
