import type { Queryable } from '../../geo/db/types';
import { AppError } from '../http/errors';
import { notifySql } from './sql';

const AUDIENCE_SQL = notifySql('audience.sql');
const ADD_RECIPIENTS_SQL = notifySql('add-recipients.sql');

/** NOTIFY channel that wakes every gateway's notification worker when deliveries are queued (delivered on commit). */
export const NOTIFY_CHANNEL = 'harbin_notify';

export interface NotificationInput {
  /** Departments resolve to whoever is on duty for them now (else their handlers/leaders); users are named directly. */
  audience: { departmentIds?: string[]; userIds?: string[] };
  title: string;
  body: string;
  /** What the notification is about, e.g. `{ kind: 'response', id: '…' }`. */
  source: { kind: string; id: string };
  /** Urgent notifications left unacknowledged go on to the deputy on duty. */
  urgent?: boolean;
}

export interface RecipientRow {
  user_id: string;
  department_id: string | null;
  reason: 'direct' | 'duty' | 'fallback' | 'escalation';
  escalated_from?: string | null;
  phone: string | null;
  email: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function check(n: NotificationInput): void {
  const title = n.title.trim();
  if (!title || title.length > 200) throw new AppError('bad_request', '通知标题不能为空，且不超过 200 字');
  if (n.body.length > 4000) throw new AppError('bad_request', '通知正文不超过 4000 字');
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(n.source.kind)) throw new AppError('bad_request', '通知来源类型须为小写英文标识');
  if (!n.source.id || n.source.id.length > 200) throw new AppError('bad_request', '通知来源编号不能为空，且不超过 200 字符');
  const users = n.audience.userIds ?? [];
  if (users.some((u) => !UUID.test(u))) throw new AppError('bad_request', '通知对象中的用户编号格式不正确');
  if (!users.length && !(n.audience.departmentIds ?? []).length)
    throw new AppError('bad_request', '通知须至少指定一个部门或用户');
}

/** Adds recipients (with their deliveries) to a notification, in the caller's transaction; returns how many were new. */
export async function addRecipients(
  db: Queryable,
  notificationId: string,
  at: Date,
  rows: readonly RecipientRow[],
): Promise<number> {
  if (!rows.length) return 0;
  const [r] = await db.query<{ recipients: number }>(ADD_RECIPIENTS_SQL, [
    notificationId,
    at,
    rows.map((x) => x.user_id),
    rows.map((x) => x.department_id),
    rows.map((x) => x.reason),
    rows.map((x) => x.escalated_from ?? null),
    rows.map((x) => x.phone),
    rows.map((x) => x.email),
  ]);
  return r?.recipients ?? 0;
}

/**
 * Queues a notification in the caller's transaction (`db`), so it exists exactly when the record it is about does.
 * Each recipient gets a delivery per channel they can be reached on; the workers send them after commit.
 * `at` is the time the audience is resolved at (who is on duty then); the database clock by default.
 */
export async function enqueueNotification(
  db: Queryable,
  n: NotificationInput,
  at?: Date,
): Promise<{ id: string; recipients: number }> {
  check(n);
  const now = at ?? (await db.query<{ now: Date }>('SELECT now() AS now'))[0]!.now;
  const departments = [...new Set(n.audience.departmentIds ?? [])];
  const users = [...new Set(n.audience.userIds ?? [])];
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO notification (title, body, source_kind, source_id, urgent, audience, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) RETURNING id`,
    [
      n.title.trim(),
      n.body,
      n.source.kind,
      n.source.id,
      n.urgent ?? false,
      JSON.stringify({ departmentIds: departments, userIds: users }),
      now,
    ],
  );
  const id = row!.id;
  const audience = await db.query<RecipientRow>(AUDIENCE_SQL, [departments, users, now]);
  const recipients = await addRecipients(db, id, now, audience);
  return { id, recipients };
}
