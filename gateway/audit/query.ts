import type { AuditEventView, AuditOutcome, AuditPage } from '../../contracts/identity';
import type { Queryable, SqlParam } from '../../geo/db/types';
import type { StoredAuditRow } from './chain';

export interface AuditFilter {
  user?: string | undefined;
  action?: string | undefined;
  outcome?: AuditOutcome | undefined;
  from?: string | undefined;
  to?: string | undefined;
  beforeSeq?: number | undefined;
  limit: number;
}

/** The columns the viewer reads: the stored row without its chain fields. */
export type AuditViewRow = Omit<StoredAuditRow, 'key_id' | 'prev_hash' | 'hash'>;

/** The filter as SQL conditions over audit_event, its values as parameters numbered from `params`' length. */
export function auditWhere(f: Omit<AuditFilter, 'limit'>, params: SqlParam[]): string[] {
  const where: string[] = [];
  const add = (sql: string, value: SqlParam) => {
    params.push(value);
    where.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (f.user) add('starts_with(username, ?)', f.user.trim().toLowerCase());
  if (f.action) add("(action = ? OR starts_with(action, ? || '.'))", f.action.trim());
  if (f.outcome) add('outcome = ?', f.outcome);
  if (f.from) add('at >= ?', new Date(f.from));
  if (f.to) add('at < ?', new Date(f.to));
  if (f.beforeSeq) add('seq < ?', f.beforeSeq);
  return where;
}

export const AUDIT_VIEW_COLUMNS = 'seq, at, user_id, username, role, action, object, outcome, source_ip, request_id, detail';

/** Newest first, filtered by user (login-name prefix), action (exact or family, e.g. `auth`), outcome and time. */
export async function listAuditEvents(db: Queryable, f: AuditFilter): Promise<AuditPage> {
  const params: SqlParam[] = [];
  const where = auditWhere(f, params);
  params.push(f.limit + 1);
  const rows = await db.query<AuditViewRow>(
    `SELECT ${AUDIT_VIEW_COLUMNS} FROM audit_event
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}`,
    params,
  );
  const events = rows.slice(0, f.limit).map(toView);
  return { events, nextBeforeSeq: rows.length > f.limit ? (events[events.length - 1]?.seq ?? null) : null };
}

export function toView(r: AuditViewRow): AuditEventView {
  let detail: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(r.detail);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) detail = parsed as Record<string, unknown>;
  } catch {
    detail = { unparseable: r.detail };
  }
  return {
    seq: Number(r.seq),
    at: (r.at instanceof Date ? r.at : new Date(r.at)).toISOString(),
    userId: r.user_id,
    username: r.username,
    role: r.role,
    action: r.action,
    object: r.object,
    outcome: r.outcome,
    sourceIp: r.source_ip,
    requestId: r.request_id,
    detail,
  };
}

const CSV_COLUMNS = ['seq', 'at', 'username', 'role', 'action', 'object', 'outcome', 'sourceIp', 'requestId', 'detail'] as const;

/** CSV for spreadsheets; cells that a spreadsheet would run as a formula are prefixed with an apostrophe. */
export function auditCsv(events: AuditEventView[]): string {
  const cell = (v: unknown): string => {
    let s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of events) lines.push(CSV_COLUMNS.map((c) => cell(e[c])).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
