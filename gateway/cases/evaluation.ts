import ExcelJS from 'exceljs';
import {
  CASE_CHANNEL_LABELS,
  EVALUATION_INDICATORS,
  type CaseChannel,
  type EvaluationDimension,
  type EvaluationGrade,
  type EvaluationQuery,
  type EvaluationResponse,
  type EvaluationRow,
  type RoleEvaluationResponse,
  type RoleIndicator,
  type RoleScore,
} from '../../contracts/cases';
import type { Queryable, SqlParam } from '../../geo/db/types';
import { AppError } from '../http/errors';
import type { CaseScope } from './context';
import type { CaseSettings, CaseTables } from './tables';

/**
 * 综合评价: indicators of the cases filed in a period (a cohort), grouped by one dimension, in one pass over
 * city_case with GROUP BY GROUPING SETS (the dimension and the total together); role indicators per person with
 * the weights and grade bands of data/cityops/settings.json. Definitions: EVALUATION_INDICATORS (contracts/cases/evaluation.ts);
 * each count a rate divides is a subset of the count it divides by (返工 and 按期 counted among the closed cases).
 */

const KEY: Record<EvaluationDimension, { key: string; name: string }> = {
  none: { key: "'all'", name: "'全市'" },
  district: { key: 'c.district_code', name: 'c.district_name' },
  street: { key: 'c.street_code', name: 'c.street_name' },
  grid: { key: 'c.grid_code', name: 'c.grid_code' },
  department: { key: 'c.department_id', name: 'c.department_id' },
  category: { key: 'c.category_code', name: 'c.category_code' },
  channel: { key: 'c.channel', name: 'c.channel' },
};

/** The instants of a period of Asia/Shanghai dates: [from 00:00, to 00:00 + 1 day). */
export function periodOf(q: Pick<EvaluationQuery, 'from' | 'to'>): { start: Date; end: Date } {
  const start = new Date(`${q.from}T00:00:00+08:00`);
  const end = new Date(new Date(`${q.to}T00:00:00+08:00`).getTime() + 86_400_000);
  if (!Number.isFinite(start.getTime()) || !Number.isFinite(end.getTime()))
    throw new AppError('bad_request', '参数 from、to 不是有效日期：请按 YYYY-MM-DD 填写，如 2026-03-01');
  if (end <= start) throw new AppError('bad_request', '参数 to 不能早于 from：请把结束日期改到开始日期当天或之后');
  if (end.getTime() - start.getTime() > 3 * 366 * 86_400_000)
    throw new AppError('bad_request', '统计时段最长三年：请缩短 from 到 to 的区间');
  return { start, end };
}

const rate = (n: number, d: number): number | null => (d > 0 ? Math.round((n / d) * 10000) / 10000 : null);

interface AggRow {
  grouped: number;
  key: string | null;
  name: string | null;
  filed: string;
  due: string;
  closed: string;
  on_time_closed: string;
  reworked: string;
  extended: string;
}

export const evaluationSql = (by: EvaluationDimension, scopeSql: string): string => {
  const k = KEY[by];
  // The city total alone is the empty grouping set; a constant cannot be a grouping expression.
  const head =
    by === 'none'
      ? `1 AS grouped, 'all' AS key, '全市' AS name`
      : `GROUPING(${k.key}) AS grouped, ${k.key} AS key, max(${k.name}) AS name`;
  const sets = by === 'none' ? '()' : `(${k.key}), ()`;
  return `SELECT ${head},
      count(*) AS filed,
      count(*) FILTER (WHERE c.closed_at < $2 OR (c.sla_deadline < $2 AND c.state <> 'voided')) AS due,
      count(*) FILTER (WHERE c.closed_at < $2) AS closed,
      count(*) FILTER (WHERE c.closed_at < $2 AND c.on_time) AS on_time_closed,
      count(*) FILTER (WHERE c.closed_at < $2 AND c.rework_count > 0) AS reworked,
      count(*) FILTER (WHERE c.extension_count > 0) AS extended
    FROM city_case c
   WHERE c.filed_at >= $1 AND c.filed_at < $2 AND (${scopeSql})
   GROUP BY GROUPING SETS (${sets})`;
};

export async function evaluate(db: Queryable, t: CaseTables, q: EvaluationQuery, scope: CaseScope): Promise<EvaluationResponse> {
  const { start, end } = periodOf(q);
  const scopeSql = scope.sql.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) + 2}`);
  const rows = await db.query<AggRow>(evaluationSql(q.by, scopeSql), [start, end, ...scope.params] as SqlParam[]);
  const departments =
    q.by === 'department'
      ? new Map((await db.query<{ id: string; name: string }>('SELECT id, name FROM department')).map((d) => [d.id, d.name]))
      : null;
  const nameOf = (key: string | null, name: string | null): string => {
    if (key === null) return '（未定）';
    if (q.by === 'category') return t.categories.minor(key)?.name ?? key;
    if (q.by === 'channel') return CASE_CHANNEL_LABELS[key as CaseChannel] ?? key;
    if (departments) return departments.get(key) ?? key;
    return name ?? key;
  };
  const toRow = (r: AggRow | undefined, key: string, name: string): EvaluationRow => {
    const filed = Number(r?.filed ?? 0);
    const due = Number(r?.due ?? 0);
    const closed = Number(r?.closed ?? 0);
    const onTimeClosed = Number(r?.on_time_closed ?? 0);
    const reworked = Number(r?.reworked ?? 0);
    const extended = Number(r?.extended ?? 0);
    return {
      key,
      name,
      filed,
      due,
      closed,
      closeRate: rate(closed, due),
      onTimeClosed,
      onTimeRate: rate(onTimeClosed, due),
      reworked,
      reworkRate: rate(reworked, closed),
      extended,
      extensionRate: rate(extended, filed),
    };
  };
  const totalRow = rows.find((r) => Number(r.grouped) === 1);
  const groups = rows.filter((r) => Number(r.grouped) === 0);
  return {
    from: q.from,
    to: q.to,
    by: q.by,
    total: toRow(totalRow, 'total', '合计'),
    rows:
      q.by === 'none' ? [] : groups.map((r) => toRow(r, r.key ?? '', nameOf(r.key, r.name))).sort((a, b) => b.filed - a.filed),
  };
}

export function gradeOf(score: number, grades: CaseSettings['evaluation']['grades']): EvaluationGrade {
  const sorted = [...grades].sort((a, b) => b.min - a.min);
  return (sorted.find((g) => score >= g.min) ?? sorted[sorted.length - 1]!).grade;
}

/** Weighted score 0–100 over the indicators that have a value (weights renormalised over them). */
export function weightedScore(indicators: readonly RoleIndicator[]): number {
  const known = indicators.filter((i) => i.value !== null);
  const w = known.reduce((n, i) => n + i.weight, 0);
  if (w === 0) return 0;
  return Math.round((known.reduce((n, i) => n + i.weight * (i.value as number), 0) / w) * 1000) / 10;
}

interface InspectorAgg {
  id: string;
  name: string | null;
  reports: string;
  valid: string;
  judged: string;
  verify_tasks: string;
  check_tasks: string;
}

export async function evaluateRoles(db: Queryable, t: CaseTables, q: EvaluationQuery): Promise<RoleEvaluationResponse> {
  const { start, end } = periodOf(q);
  const cal = t.calendar;
  const e = t.settings.evaluation;
  // Inspectors: own reports (validity), verification and check tasks (timeliness on the working calendar).
  const inspectors = await db.query<InspectorAgg & { grid_scope: string[] | null }>(
    `WITH r AS (
       SELECT reporter_id AS id, count(*) AS reports, count(*) FILTER (WHERE valid_report) AS valid,
              count(*) FILTER (WHERE valid_report IS NOT NULL) AS judged
         FROM city_case WHERE channel = 'inspector' AND reported_at >= $1 AND reported_at < $2 AND reporter_id IS NOT NULL
        GROUP BY reporter_id),
     v AS (SELECT inspector_id AS id, count(*) FILTER (WHERE verify_requested_at >= $1 AND verify_requested_at < $2) AS verify_tasks,
                  count(*) FILTER (WHERE check_requested_at >= $1 AND check_requested_at < $2) AS check_tasks
             FROM city_case WHERE inspector_id IS NOT NULL GROUP BY inspector_id)
     SELECT u.id::text AS id, u.display_name AS name, u.grid_scope, COALESCE(r.reports, 0) AS reports, COALESCE(r.valid, 0) AS valid,
            COALESCE(r.judged, 0) AS judged, COALESCE(v.verify_tasks, 0) AS verify_tasks, COALESCE(v.check_tasks, 0) AS check_tasks
       FROM app_user u LEFT JOIN r ON r.id = u.id::text LEFT JOIN v ON v.id = u.id::text
      WHERE u.role = 'inspector' AND u.disabled_at IS NULL AND (r.id IS NOT NULL OR v.id IS NOT NULL)`,
    [start, end],
  );
  const timely = async (
    col: 'inspector_id' | 'first_dispatched_by',
    from: string,
    to: string,
    hours: number,
  ): Promise<Map<string, { n: number; onTime: number }>> => {
    const rows = await db.query<{ who: string; a: Date; b: Date | null }>(
      `SELECT ${col} AS who, ${from} AS a, ${to} AS b FROM city_case
        WHERE ${col} IS NOT NULL AND ${from} >= $1 AND ${from} < $2`,
      [start, end],
    );
    const out = new Map<string, { n: number; onTime: number }>();
    for (const r of rows) {
      const m = out.get(r.who) ?? { n: 0, onTime: 0 };
      m.n++;
      if (r.b && cal.workingMinutesBetween(new Date(r.a), new Date(r.b)) <= hours * 60) m.onTime++;
      out.set(r.who, m);
    }
    return out;
  };
  const verify = await timely('inspector_id', 'verify_requested_at', 'verified_at', e.onTimeVerifyWorkingHours);
  const check = await timely('inspector_id', 'check_requested_at', 'checked_at', e.onTimeCheckWorkingHours);
  const missedRows = await db.query<{ id: string; missed: string }>(
    `SELECT u.id::text AS id, count(c.id) AS missed
       FROM app_user u JOIN city_case c ON c.channel <> 'inspector' AND c.valid_report AND c.reported_at >= $1 AND c.reported_at < $2
        AND EXISTS (SELECT 1 FROM unnest(u.grid_scope) g(prefix) WHERE starts_with(c.grid_code, g.prefix))
      WHERE u.role = 'inspector' GROUP BY u.id`,
    [start, end],
  );
  const missed = new Map(missedRows.map((m) => [m.id, Number(m.missed)]));
  const label = (list: CaseSettings['evaluation']['inspector'], id: string) => list.find((i) => i.id === id);
  const ind = (list: CaseSettings['evaluation']['inspector'], values: Record<string, number | null>): RoleIndicator[] =>
    list.map((i) => ({ id: i.id, label: label(list, i.id)!.label, weight: i.weight, value: values[i.id] ?? null }));

  const inspectorScores: RoleScore[] = inspectors.map((u) => {
    const valid = Number(u.valid);
    const miss = missed.get(u.id) ?? 0;
    const vt = verify.get(u.id);
    const ct = check.get(u.id);
    const indicators = ind(e.inspector, {
      valid_report_rate: rate(valid, Number(u.judged)),
      missed_report_rate: valid + miss > 0 ? 1 - miss / (valid + miss) : null,
      on_time_verify_rate: vt ? rate(vt.onTime, vt.n) : null,
      on_time_check_rate: ct ? rate(ct.onTime, ct.n) : null,
    });
    const score = weightedScore(indicators);
    return { role: 'inspector', userId: u.id, name: u.name ?? u.id, indicators, score, grade: gradeOf(score, e.grades) };
  });

  // Dispatchers: each case counts for whoever dispatched it first, at that time (改派 and 返工 do not move it).
  const dispatchers = await db.query<{ id: string; name: string | null; dispatched: string; accurate: string }>(
    `SELECT u.id::text AS id, u.display_name AS name, count(*) AS dispatched, count(*) FILTER (WHERE c.rework_count = 0) AS accurate
       FROM city_case c JOIN app_user u ON u.id::text = c.first_dispatched_by
      WHERE c.first_dispatched_at >= $1 AND c.first_dispatched_at < $2
      GROUP BY u.id, u.display_name`,
    [start, end],
  );
  const dispatchTimely = await timely('first_dispatched_by', 'filed_at', 'first_dispatched_at', e.onTimeDispatchWorkingHours);
  const most = Math.max(1, ...dispatchers.map((d) => Number(d.dispatched)));
  const dispatcherScores: RoleScore[] = dispatchers.map((u) => {
    const n = Number(u.dispatched);
    const dt = dispatchTimely.get(u.id);
    const indicators = ind(e.dispatcher, {
      dispatch_count: Math.round((n / most) * 10000) / 10000,
      on_time_dispatch_rate: dt ? rate(dt.onTime, dt.n) : null,
      accurate_dispatch_rate: rate(Number(u.accurate), n),
    });
    const score = weightedScore(indicators);
    return { role: 'dispatcher', userId: u.id, name: u.name ?? u.id, indicators, score, grade: gradeOf(score, e.grades) };
  });
  const byScore = (a: RoleScore, b: RoleScore) => b.score - a.score || a.name.localeCompare(b.name);
  return { from: q.from, to: q.to, inspectors: inspectorScores.sort(byScore), dispatchers: dispatcherScores.sort(byScore) };
}

const COLUMNS: { key: keyof EvaluationRow; label: string; pct?: boolean }[] = [
  { key: 'key', label: '代码' },
  { key: 'name', label: '名称' },
  ...EVALUATION_INDICATORS.map((i) => ({ key: i.id, label: i.label, pct: i.rate === true })),
];

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  // A leading =, +, - or @ would be a formula in a spreadsheet: quote it as text.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** CSV (UTF-8 with BOM, for Excel) or an Excel workbook of an evaluation. */
export async function exportEvaluation(
  e: EvaluationResponse,
  format: 'csv' | 'xlsx',
): Promise<{ data: Buffer; mime: string; name: string }> {
  const rows = [...e.rows, e.total];
  const base = `evaluation-${e.by}-${e.from}-${e.to}`;
  if (format === 'csv') {
    const lines = [COLUMNS.map((c) => csvCell(c.label)).join(',')];
    for (const r of rows) lines.push(COLUMNS.map((c) => csvCell(r[c.key])).join(','));
    return { data: Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8'), mime: 'text/csv; charset=utf-8', name: `${base}.csv` };
  }
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Harbin city operations';
  const ws = wb.addWorksheet('综合评价');
  ws.columns = COLUMNS.map((c) => ({ header: c.label, key: c.key, width: c.key === 'name' ? 24 : 12 }));
  for (const r of rows) ws.addRow(Object.fromEntries(COLUMNS.map((c) => [c.key, r[c.key]])));
  COLUMNS.forEach((c, i) => {
    if (c.pct) ws.getColumn(i + 1).numFmt = '0.00%';
  });
  ws.getRow(1).font = { bold: true };
  const data = Buffer.from(await wb.xlsx.writeBuffer());
  return { data, mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', name: `${base}.xlsx` };
}
