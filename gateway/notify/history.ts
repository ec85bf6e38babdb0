import type {
  DeliveryView,
  NotificationDetail,
  NotificationSummary,
  RecipientReason,
  RecipientView,
} from '../../contracts/notify';
import type { Queryable } from '../../geo/db/types';
import { AppError } from '../http/errors';
import { notifySql } from './sql';

const LIST_SQL = notifySql('list.sql');
const DETAIL_SQL = notifySql('detail.sql');

interface SummaryRow {
  id: string;
  title: string;
  body: string;
  urgent: boolean;
  source_kind: string;
  source_id: string;
  created_at: Date | string;
  recipients: number;
  acknowledged: number;
  states: NotificationSummary['states'];
}

const toSummary = (r: SummaryRow): NotificationSummary => ({
  id: r.id,
  title: r.title,
  body: r.body,
  urgent: r.urgent,
  source: { kind: r.source_kind, id: r.source_id },
  createdAt: new Date(r.created_at).toISOString(),
  recipients: r.recipients,
  acknowledged: r.acknowledged,
  states: r.states,
});

const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/** Notifications with their delivery states counted, newest first. */
export async function listNotifications(
  db: Queryable,
  q: { limit: number; sourceKind?: string; sourceId?: string },
): Promise<NotificationSummary[]> {
  const rows = await db.query<SummaryRow>(LIST_SQL, [q.limit, q.sourceKind ?? null, q.sourceId ?? null, null]);
  return rows.map(toSummary);
}

/** One notification with each recipient and the state of each of their deliveries. */
export async function notificationDetail(db: Queryable, id: string): Promise<NotificationDetail> {
  const [summary] = await db.query<SummaryRow>(LIST_SQL, [1, null, null, id]);
  if (!summary) throw new AppError('not_found', '没有这条通知');
  const rows = await db.query<{
    id: string;
    user_id: string;
    display_name: string;
    department_id: string | null;
    reason: RecipientReason;
    acknowledged_at: Date | string | null;
    escalated_at: Date | string | null;
    deliveries: (Omit<DeliveryView, 'sentAt' | 'deliveredAt' | 'failedAt'> & {
      sentAt: unknown;
      deliveredAt: unknown;
      failedAt: unknown;
    })[];
  }>(DETAIL_SQL, [id]);
  const recipientList: RecipientView[] = rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    displayName: r.display_name,
    departmentId: r.department_id,
    reason: r.reason,
    acknowledgedAt: isoOrNull(r.acknowledged_at),
    escalatedAt: isoOrNull(r.escalated_at),
    deliveries: r.deliveries.map((d) => ({
      ...d,
      sentAt: isoOrNull(d.sentAt),
      deliveredAt: isoOrNull(d.deliveredAt),
      failedAt: isoOrNull(d.failedAt),
    })),
  }));
  return { ...toSummary(summary), recipientList };
}
