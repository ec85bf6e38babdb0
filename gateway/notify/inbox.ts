import type { InboxItem, InboxResponse, RecipientReason } from '../../contracts/notify';
import type { Queryable } from '../../geo/db/types';
import { AppError } from '../http/errors';
import { notifySql } from './sql';

const INBOX_SQL = notifySql('inbox.sql');

export interface InboxRow {
  recipient_id: string;
  notification_id: string;
  title: string;
  body: string;
  urgent: boolean;
  source_kind: string;
  source_id: string;
  reason: RecipientReason;
  created_at: Date | string;
  acknowledged_at: Date | string | null;
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

export const toInboxItem = (r: InboxRow): InboxItem => ({
  recipientId: r.recipient_id,
  notificationId: r.notification_id,
  title: r.title,
  body: r.body,
  urgent: r.urgent,
  source: { kind: r.source_kind, id: r.source_id },
  reason: r.reason,
  createdAt: iso(r.created_at)!,
  acknowledgedAt: iso(r.acknowledged_at),
});

export async function inboxOf(db: Queryable, userId: string, limit = 50): Promise<InboxResponse> {
  const rows = await db.query<InboxRow>(INBOX_SQL, [userId, limit]);
  const [count] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM notification_recipient r
       JOIN notification_delivery d ON d.recipient_id = r.id AND d.channel = 'inapp' AND d.state = 'delivered'
      WHERE r.user_id = $1 AND r.acknowledged_at IS NULL`,
    [userId],
  );
  return { items: rows.map(toInboxItem), unacknowledged: count?.n ?? 0 };
}

/** The recipient acknowledges (确认收到) their notification; once. Someone else's is not found. */
export async function acknowledge(db: Queryable, userId: string, recipientId: string, at: Date): Promise<InboxItem> {
  const rows = await db.query<{ id: string; acknowledged_at: Date | string | null }>(
    'SELECT id, acknowledged_at FROM notification_recipient WHERE id = $1 AND user_id = $2 FOR UPDATE',
    [recipientId, userId],
  );
  if (!rows.length) throw new AppError('not_found', '没有这条通知，或它不是发给您的');
  if (rows[0]!.acknowledged_at === null)
    await db.query('UPDATE notification_recipient SET acknowledged_at = $2 WHERE id = $1', [recipientId, at]);
  const [row] = await db.query<InboxRow>(
    `SELECT r.id AS recipient_id, n.id AS notification_id, n.title, n.body, n.urgent, n.source_kind, n.source_id,
            r.reason, n.created_at, r.acknowledged_at
       FROM notification_recipient r JOIN notification n ON n.id = r.notification_id WHERE r.id = $1`,
    [recipientId],
  );
  return toInboxItem(row!);
}
