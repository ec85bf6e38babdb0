import {
  REPORT_KIND_LABELS,
  type DraftReportInput,
  type EditReportInput,
  type ReportKind,
  type ReportState,
  type ReportsOverview,
  type ResponseReports,
  type UpwardReport,
} from '../../contracts/reports';
import type { Db, Queryable } from '../../geo/db/types';
import { AppError } from '../http/errors';
import { reportingClock } from './clock';
import { gatherFacts, readResponseRow, templateFields } from './facts';
import { planReportingClock } from './plan-clock';
import { reportSql } from './sql';
import { renderReport, type ReportTemplates } from './templates';

const SQL = { rows: reportSql('report-rows.sql'), responses: reportSql('overview-responses.sql') };

interface ReportRow {
  id: string;
  response_id: string;
  kind: ReportKind;
  number: number;
  state: ReportState;
  title: string;
  body: string;
  drill: boolean;
  drafted_by: string;
  drafted_at: Date | string;
  edited_by: string | null;
  edited_at: Date | string | null;
  approved_by: string | null;
  approved_at: Date | string | null;
  queued_at: Date | string | null;
  sent_at: Date | string | null;
  version: number;
  attempts: number | null;
  last_error: string | null;
  next_attempt_at: Date | string | null;
  delivery_state: 'pending' | 'delivered' | null;
}

const iso = (v: Date | string) => new Date(v).toISOString();
const isoOrNull = (v: Date | string | null) => (v === null ? null : iso(v));

const toReport = (r: ReportRow): UpwardReport => ({
  id: r.id,
  responseId: r.response_id,
  kind: r.kind,
  number: r.number,
  state: r.state,
  title: r.title,
  body: r.body,
  drill: r.drill,
  draftedBy: r.drafted_by,
  draftedAt: iso(r.drafted_at),
  editedBy: r.edited_by,
  editedAt: isoOrNull(r.edited_at),
  approvedBy: r.approved_by,
  approvedAt: isoOrNull(r.approved_at),
  queuedAt: isoOrNull(r.queued_at),
  sentAt: isoOrNull(r.sent_at),
  delivery:
    r.attempts === null
      ? null
      : {
          attempts: r.attempts,
          lastError: r.last_error,
          nextAttemptAt: r.delivery_state === 'pending' ? isoOrNull(r.next_attempt_at) : null,
        },
  version: r.version,
});

export async function readReport(db: Queryable, id: string): Promise<UpwardReport> {
  const [row] = await db.query<ReportRow>(SQL.rows, [id, []]);
  if (!row) throw new AppError('not_found', `未找到报告 ${id}`);
  return toReport(row);
}

/** The report's row locked for a state change, or 404. */
async function lockReport(tx: Queryable, id: string): Promise<ReportRow> {
  const [row] = await tx.query<ReportRow>(
    `SELECT id, response_id, kind, number, state, version, drill, title, body FROM upward_report WHERE id = $1 FOR UPDATE`,
    [id],
  );
  if (!row) throw new AppError('not_found', `未找到报告 ${id}`);
  return row;
}

const STATE_WORDS: Record<ReportState, string> = { draft: '草稿', approved: '已审核', sending: '正在报送', sent: '已报送归档' };

function expect(row: ReportRow, state: ReportState, doing: string): void {
  if (row.state !== state) {
    throw new AppError('conflict', `报告${STATE_WORDS[row.state]}，不能${doing}${row.state === 'sent' ? '（已报送的报告存档后不可更改）' : ''}`);
  }
}

function expectVersion(row: ReportRow, version: number): void {
  if (row.version !== version) {
    throw new AppError('conflict', `报告已被他人修改（当前版本 ${row.version}，您编辑的是版本 ${version}），请刷新后再操作`);
  }
}

export interface ReportActor {
  username: string;
  displayName: string;
}

/**
 * A new draft from the response's live facts and the kind's template: one 首报, then 续报 numbered in order, and a
 * 终报 once the response has ended. Numbering is serialised by locking the response row.
 */
export async function draftReport(
  db: Db,
  templates: ReportTemplates,
  input: DraftReportInput,
  actor: ReportActor,
  now = new Date(),
): Promise<UpwardReport> {
  const id = await db.transaction(async (tx) => {
    const [locked] = await tx.query<{ status: string; drill: boolean }>(
      'SELECT status, drill FROM emergency_response WHERE id = $1 FOR UPDATE',
      [input.responseId],
    );
    if (!locked) throw new AppError('not_found', `未找到应急响应 ${input.responseId}`);
    const existing = await tx.query<{ kind: ReportKind; number: number; state: ReportState; sent_at: Date | string | null }>(
      'SELECT kind, number, state, sent_at FROM upward_report WHERE response_id = $1',
      [input.responseId],
    );
    const label = REPORT_KIND_LABELS[input.kind];
    if (input.kind !== 'update' && existing.some((e) => e.kind === input.kind)) {
      throw new AppError('conflict', `该应急响应已有${label}，请编辑已有的${label}`);
    }
    if (input.kind === 'update' && !existing.some((e) => e.kind === 'initial')) {
      throw new AppError('conflict', '请先起草首报，再起草续报');
    }
    if (input.kind === 'final' && locked.status !== 'ended') {
      throw new AppError('conflict', '应急响应尚未终止，不能起草终报');
    }
    const number = input.kind === 'update' ? Math.max(0, ...existing.filter((e) => e.kind === 'update').map((e) => e.number)) + 1 : 1;
    const facts = await gatherFacts(tx, input.responseId, now);
    const lastSent = existing
      .filter((e) => e.sent_at !== null)
      .map((e) => iso(e.sent_at!))
      .sort()
      .at(-1);
    const fields = templateFields(facts, {
      number,
      clerk: actor.displayName,
      since: input.kind === 'update' ? (lastSent ?? null) : null,
    });
    const text = renderReport(templates, input.kind, fields);
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO upward_report (response_id, kind, number, title, body, facts, drill, drafted_by, drafted_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9) RETURNING id`,
      [input.responseId, input.kind, number, text.title, text.body, JSON.stringify(facts), locked.drill, actor.username, now],
    );
    return row!.id;
  });
  return readReport(db, id);
}

/** The duty clerk's edit of a draft's text (optimistic: the version edited must still be the current one). */
export async function editReport(db: Db, id: string, input: EditReportInput, actor: string, now = new Date()): Promise<UpwardReport> {
  await db.transaction(async (tx) => {
    const row = await lockReport(tx, id);
    expect(row, 'draft', '修改');
    expectVersion(row, input.version);
    await tx.query(
      `UPDATE upward_report SET title = $2, body = $3, edited_by = $4, edited_at = $5, version = version + 1 WHERE id = $1`,
      [id, input.title, input.body, actor, now],
    );
  });
  return readReport(db, id);
}

/** A leader approves the draft as it is (the version they read); its text is frozen from here on. */
export async function approveReport(db: Db, id: string, version: number, actor: string, now = new Date()): Promise<UpwardReport> {
  await db.transaction(async (tx) => {
    const row = await lockReport(tx, id);
    expect(row, 'draft', '审核');
    expectVersion(row, version);
    await tx.query(`UPDATE upward_report SET state = 'approved', approved_by = $2, approved_at = $3, version = version + 1 WHERE id = $1`, [
      id,
      actor,
      now,
    ]);
  });
  return readReport(db, id);
}

/** What goes to the upper level, byte for byte: built once when the report is queued and stored with it. */
export const PAYLOAD_SCHEMA = 'harbin-upward-report/1';

/**
 * Queues an approved report for the upper level: the signed body is fixed now and stored with the report, and a
 * delivery row enters the outbox (gateway/reports/delivery.ts sends and retries it).
 */
export async function queueReport(db: Db, id: string, sender: string, receiver: string, actor: string, now = new Date()): Promise<UpwardReport> {
  await db.transaction(async (tx) => {
    const row = await lockReport(tx, id);
    expect(row, 'approved', '报送');
    const [full] = await tx.query<{
      facts: unknown;
      drafted_by: string;
      approved_by: string;
      approved_at: Date | string;
    }>('SELECT facts, drafted_by, approved_by, approved_at FROM upward_report WHERE id = $1', [id]);
    const response = await readResponseRow(tx, row.response_id);
    const payload = JSON.stringify({
      schema: PAYLOAD_SCHEMA,
      id,
      kind: row.kind,
      kindLabel: REPORT_KIND_LABELS[row.kind],
      number: row.number,
      drill: row.drill,
      title: row.title,
      body: row.body,
      sender,
      response: {
        id: response.id,
        planId: response.plan_id,
        planTitle: response.plan_title,
        level: response.level,
        status: response.status,
        startedAt: iso(response.started_at),
        endedAt: response.ended_at ? iso(response.ended_at) : null,
      },
      draftedBy: full!.drafted_by,
      approvedBy: full!.approved_by,
      approvedAt: iso(full!.approved_at),
      queuedAt: now.toISOString(),
      facts: full!.facts,
    });
    await tx.query(
      `UPDATE upward_report SET state = 'sending', queued_by = $2, queued_at = $3, payload = $4, version = version + 1 WHERE id = $1`,
      [id, actor, now, payload],
    );
    await tx.query(
      `INSERT INTO upward_report_delivery (report_id, receiver, next_attempt_at) VALUES ($1, $2, $3)`,
      [id, receiver, now],
    );
  });
  return readReport(db, id);
}

/** The reports page: each active (or lately ended) response with its reports and its reporting clock. */
export async function reportsOverview(db: Queryable, receiver: ReportsOverview['receiver'], now = new Date()): Promise<ReportsOverview> {
  const responses = await db.query<{
    id: string;
    plan_id: string;
    plan_title: string;
    level: string;
    status: string;
    drill: boolean;
    started_at: Date | string;
    ended_at: Date | string | null;
  }>(SQL.responses);
  const rows = responses.length ? await db.query<ReportRow>(SQL.rows, [null, responses.map((r) => r.id)]) : [];
  const list: ResponseReports[] = responses.map((r) => {
    const reports = rows.filter((x) => x.response_id === r.id).map(toReport);
    const plan = planReportingClock(r.plan_id);
    const clock = plan
      ? reportingClock(
          plan,
          {
            startedAt: new Date(r.started_at),
            endedAt: r.ended_at ? new Date(r.ended_at) : null,
            sent: reports.filter((x) => x.sentAt).map((x) => ({ kind: x.kind, number: x.number, sentAt: new Date(x.sentAt!) })),
          },
          now,
        )
      : [];
    return {
      response: {
        id: r.id,
        planId: r.plan_id,
        planTitle: r.plan_title,
        level: r.level,
        status: r.status,
        drill: r.drill,
        startedAt: iso(r.started_at),
        endedAt: isoOrNull(r.ended_at),
      },
      clock,
      reports,
    };
  });
  return { receiver, responses: list };
}
