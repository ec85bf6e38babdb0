import type { AuditEntryPage } from '../../contracts/audit';
import type { AuditEventView } from '../../contracts/identity';
import type { Queryable, SqlParam } from '../../geo/db/types';
import type { Policy } from '../policy/policy';
import { commandStage, groupRows, objectRefs, presentEntry, type ObjectNames } from './present';
import { AUDIT_VIEW_COLUMNS, auditWhere, listAuditEvents, toView, type AuditFilter, type AuditViewRow } from './query';

/**
 * How far apart in time a command's two rows may be found: the authorised row is written before the handler runs,
 * the completed one when the response ends. The search uses the index on `at`.
 */
const PAIR_WINDOW_MS = 60 * 60_000;

/** The other halves of the page's commands (same request and action), outside the page. */
async function partnersOf(db: Queryable, page: readonly AuditEventView[]): Promise<AuditEventView[]> {
  const commands = page.filter((r) => commandStage(r) !== null);
  if (!commands.length) return [];
  const times = commands.map((r) => Date.parse(r.at));
  const rows = await db.query<AuditViewRow>(
    `SELECT ${AUDIT_VIEW_COLUMNS} FROM audit_event
      WHERE at >= $1 AND at <= $2 AND request_id = ANY($3::text[]) AND action = ANY($4::text[]) ORDER BY seq`,
    [
      new Date(Math.min(...times) - PAIR_WINDOW_MS),
      new Date(Math.max(...times) + PAIR_WINDOW_MS),
      [...new Set(commands.map((r) => r.requestId!))],
      [...new Set(commands.map((r) => r.action))],
    ],
  );
  const inPage = new Set(page.map((r) => r.seq));
  return rows.map(toView).filter((r) => !inPage.has(r.seq) && commandStage(r) !== null);
}

/** Which of these rows the filter selects, whatever the page: such a completed row led its entry on an earlier page. */
async function selectedByFilter(db: Queryable, f: AuditFilter, seqs: number[]): Promise<Set<number>> {
  if (!seqs.length) return new Set();
  const params: SqlParam[] = [];
  const where = auditWhere({ ...f, beforeSeq: undefined }, params);
  params.push(seqs);
  where.push(`seq = ANY($${params.length}::bigint[])`);
  const rows = await db.query<{ seq: string | number }>(`SELECT seq FROM audit_event WHERE ${where.join(' AND ')}`, params);
  return new Set(rows.map((r) => Number(r.seq)));
}

async function objectNames(db: Queryable, policy: Policy, rows: readonly AuditEventView[]): Promise<ObjectNames> {
  const refs = objectRefs(policy, rows);
  const [cases, incidents, users] = await Promise.all([
    refs.cases.length
      ? db.query<{ id: string | number; code: string }>('SELECT id, code FROM city_case WHERE id = ANY($1::bigint[])', [
          refs.cases,
        ])
      : [],
    refs.incidents.length
      ? db.query<{ id: string | number; title: string }>('SELECT id, title FROM incident WHERE id = ANY($1::bigint[])', [
          refs.incidents,
        ])
      : [],
    refs.users.length
      ? db.query<{ id: string; username: string }>(
          'SELECT id::text AS id, username FROM app_user WHERE id::text = ANY($1::text[])',
          [refs.users],
        )
      : [],
  ]);
  return {
    cases: new Map(cases.map((c) => [Number(c.id), c.code])),
    incidents: new Map(incidents.map((i) => [Number(i.id), i.title])),
    users: new Map(users.map((u) => [u.id, u.username])),
  };
}

/**
 * The audit log for people, newest first, under the same filter and paging as `listAuditEvents`: a command's two
 * rows are one entry (where its completed row is), each entry named and labelled in Chinese (present.ts).
 */
export async function listAuditEntries(db: Queryable, policy: Policy, f: AuditFilter): Promise<AuditEntryPage> {
  const page = await listAuditEvents(db, f);
  const partners = await partnersOf(db, page.events);
  const laterCompleted = partners.filter((r) => commandStage(r) === 'completed').map((r) => r.seq);
  const shownBefore = await selectedByFilter(db, f, laterCompleted);
  const groups = groupRows(page.events, partners, shownBefore);
  const names = await objectNames(db, policy, groups.flat());
  return { entries: groups.map((g) => presentEntry(policy, g, names)), nextBeforeSeq: page.nextBeforeSeq };
}
