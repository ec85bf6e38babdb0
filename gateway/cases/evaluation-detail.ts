import type {
  DepartmentAssessment,
  DrillCase,
  EvaluationCasesQuery,
  EvaluationCasesResponse,
  EvaluationDepartmentsResponse,
  EvaluationTrendQuery,
  EvaluationTrendResponse,
} from '../../contracts/cases/evaluation-detail';
import type { EvaluationDimension } from '../../contracts/cases';
import type { Queryable, SqlParam } from '../../geo/db/types';
import type { CaseScope } from './context';
import { periodOf } from './evaluation';
import type { CaseTables } from './tables';

/**
 * 综合评价 in detail, each figure counted in SQL over the same cohort as the evaluation (cases filed in the period,
 * under the caller's case scope): the trend by week or month, the cases behind one row, the handling departments.
 */

/** The case scope's placeholders moved past the query's own `shift` parameters. */
const shifted = (scope: CaseScope, shift: number): string =>
  scope.sql.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) + shift}`);

const ZONE = `'Asia/Shanghai'`;

/**
 * Every week (ISO, from Monday) or month touched by the period, with the cohort's counts; buckets come from
 * generate_series so that an empty week is a zero, not a gap.
 */
export async function evaluationTrend(
  db: Queryable,
  q: EvaluationTrendQuery,
  scope: CaseScope,
): Promise<EvaluationTrendResponse> {
  const { start, end } = periodOf(q);
  const sql = `
    WITH buckets AS (
      SELECT b::date AS start
        FROM generate_series(date_trunc($3, $1::timestamptz AT TIME ZONE ${ZONE}),
                             ($2::timestamptz AT TIME ZONE ${ZONE}) - interval '1 second',
                             ('1 ' || $3)::interval) AS b),
    counts AS (
      SELECT date_trunc($3, c.filed_at AT TIME ZONE ${ZONE})::date AS start,
             count(*) AS filed,
             count(*) FILTER (WHERE c.closed_at < $2) AS closed,
             count(*) FILTER (WHERE c.closed_at < $2 AND c.on_time) AS on_time_closed
        FROM city_case c
       WHERE c.filed_at >= $1 AND c.filed_at < $2 AND (${shifted(scope, 3)})
       GROUP BY 1)
    SELECT to_char(b.start, 'YYYY-MM-DD') AS start, COALESCE(n.filed, 0) AS filed, COALESCE(n.closed, 0) AS closed,
           COALESCE(n.on_time_closed, 0) AS on_time_closed
      FROM buckets b LEFT JOIN counts n ON n.start = b.start
     ORDER BY b.start`;
  const rows = await db.query<{ start: string; filed: string; closed: string; on_time_closed: string }>(sql, [
    start,
    end,
    q.interval,
    ...scope.params,
  ] as SqlParam[]);
  return {
    from: q.from,
    to: q.to,
    interval: q.interval,
    points: rows.map((r) => ({
      start: r.start,
      filed: Number(r.filed),
      closed: Number(r.closed),
      onTimeClosed: Number(r.on_time_closed),
    })),
  };
}

/** The column a row key of each dimension matches (as the evaluation groups them). */
const KEY_COLUMN: Record<Exclude<EvaluationDimension, 'none'>, string> = {
  district: 'c.district_code',
  street: 'c.street_code',
  grid: 'c.grid_code',
  department: 'c.department_id',
  category: 'c.category_code',
  channel: 'c.channel',
};

interface DrillRow {
  id: string;
  code: string;
  state: string;
  category_code: string;
  district_name: string | null;
  street_name: string | null;
  department_id: string | null;
  filed_at: Date;
  closed_at: Date | null;
  on_time: boolean | null;
  rework_count: number;
  total: string;
}

/** The cases of one row of the evaluation table (newest filed first), with the row's full count. */
export async function evaluationCases(
  db: Queryable,
  t: CaseTables,
  q: EvaluationCasesQuery,
  scope: CaseScope,
): Promise<EvaluationCasesResponse> {
  const { start, end } = periodOf(q);
  const params: SqlParam[] = [start, end, q.limit];
  let keySql = 'TRUE';
  if (q.by !== 'none') {
    const col = KEY_COLUMN[q.by];
    if (q.key === '') keySql = `${col} IS NULL`;
    else {
      params.push(q.key);
      keySql = `${col} = $${params.length}`;
    }
  }
  const rows = await db.query<DrillRow>(
    `SELECT c.id, c.code, c.state, c.category_code, c.district_name, c.street_name, c.department_id, c.filed_at,
            CASE WHEN c.closed_at < $2 THEN c.closed_at END AS closed_at, c.on_time, c.rework_count,
            count(*) OVER () AS total
       FROM city_case c
      WHERE c.filed_at >= $1 AND c.filed_at < $2 AND ${keySql} AND (${shifted(scope, params.length)})
      ORDER BY c.filed_at DESC, c.id DESC
      LIMIT $3`,
    [...params, ...scope.params] as SqlParam[],
  );
  const cases: DrillCase[] = rows.map((r) => ({
    id: Number(r.id),
    code: r.code,
    state: r.state,
    categoryCode: r.category_code,
    categoryName: t.categories.minor(r.category_code)?.name ?? r.category_code,
    districtName: r.district_name,
    streetName: r.street_name,
    departmentId: r.department_id,
    filedAt: new Date(r.filed_at).toISOString(),
    closedAt: r.closed_at ? new Date(r.closed_at).toISOString() : null,
    onTime: r.closed_at ? r.on_time : null,
    reworked: r.rework_count > 0,
  }));
  let total = Number(rows[0]?.total ?? 0);
  if (rows.length === 0 && q.limit > 0) total = 0;
  return { by: q.by, key: q.key, total, cases };
}

interface DepartmentRow {
  id: string;
  name: string;
  handled: string;
  fed_back: string;
  on_time: string;
  reworked: string;
  returned: string;
  avg_hours: string | null;
}

/**
 * 处置部门考核 in one statement: per department, the cohort's cases it holds (handled, fed back, on time, reworked,
 * mean first-dispatch-to-feedback hours) and the 回退 steps it took on cases of the cohort.
 */
export async function evaluationDepartments(
  db: Queryable,
  q: { from: string; to: string },
  scope: CaseScope,
): Promise<EvaluationDepartmentsResponse> {
  const { start, end } = periodOf(q);
  const rows = await db.query<DepartmentRow>(
    `WITH cohort AS (
       SELECT c.id, c.department_id, c.fed_back_at, c.first_dispatched_at, c.on_time, c.rework_count
         FROM city_case c
        WHERE c.filed_at >= $1 AND c.filed_at < $2 AND (${shifted(scope, 2)})),
     held AS (
       SELECT department_id AS id,
              count(*) AS handled,
              count(*) FILTER (WHERE fed_back_at IS NOT NULL) AS fed_back,
              count(*) FILTER (WHERE fed_back_at IS NOT NULL AND on_time) AS on_time,
              count(*) FILTER (WHERE rework_count > 0) AS reworked,
              avg(extract(epoch FROM fed_back_at - first_dispatched_at) / 3600.0)
                FILTER (WHERE fed_back_at IS NOT NULL AND first_dispatched_at IS NOT NULL AND fed_back_at >= first_dispatched_at)
                AS avg_hours
         FROM cohort WHERE department_id IS NOT NULL GROUP BY department_id),
     sent_back AS (
       SELECT s.data->>'previousDepartmentId' AS id, count(*) AS returned
         FROM case_step s JOIN cohort k ON k.id = s.case_id
        WHERE s.event = 'return' AND s.data ? 'previousDepartmentId'
        GROUP BY 1)
     SELECT d.id, d.name, COALESCE(h.handled, 0) AS handled, COALESCE(h.fed_back, 0) AS fed_back,
            COALESCE(h.on_time, 0) AS on_time, COALESCE(h.reworked, 0) AS reworked,
            COALESCE(b.returned, 0) AS returned, h.avg_hours
       FROM department d
       LEFT JOIN held h ON h.id = d.id
       LEFT JOIN sent_back b ON b.id = d.id
      WHERE h.id IS NOT NULL OR b.id IS NOT NULL
      ORDER BY COALESCE(h.handled, 0) DESC, d.name`,
    [start, end, ...scope.params] as SqlParam[],
  );
  const departments: DepartmentAssessment[] = rows.map((r) => {
    const fedBack = Number(r.fed_back);
    const onTime = Number(r.on_time);
    return {
      departmentId: r.id,
      name: r.name,
      handled: Number(r.handled),
      fedBack,
      onTime,
      onTimeRate: fedBack > 0 ? Math.round((onTime / fedBack) * 10000) / 10000 : null,
      reworked: Number(r.reworked),
      returned: Number(r.returned),
      avgHandlingHours: r.avg_hours === null ? null : Math.round(Number(r.avg_hours) * 10) / 10,
    };
  });
  return { from: q.from, to: q.to, departments };
}
