import { z } from 'zod';
import { EVALUATION_DIMENSIONS } from './evaluation';

/**
 * 综合评价 in detail: the trend of the period by week or month, the cases behind one row of the evaluation table
 * (drill-down) and the assessment of the handling departments (处置部门考核). Same cohort as the evaluation: the
 * cases filed in the period, dates in Asia/Shanghai, `to` inclusive as a date.
 *
 *   GET /api/cases/evaluation/trend?from&to&interval=week|month   filed/closed/on-time per week or month
 *   GET /api/cases/evaluation/cases?from&to&by&key&limit          the cases of one row
 *   GET /api/cases/evaluation/departments?from&to                 per department: handled, on-time, rework, return, time
 */

const date = (what: string) =>
  z
    .string({ error: `${what}须为日期（YYYY-MM-DD）` })
    .max(10, { error: `${what}须为日期（YYYY-MM-DD）` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${what}须为日期（YYYY-MM-DD）` });

const period = { from: date('开始日期 from'), to: date('结束日期 to') };

export const TREND_INTERVALS = ['week', 'month'] as const;
export type TrendInterval = (typeof TREND_INTERVALS)[number];
export const TREND_INTERVAL_LABELS: Record<TrendInterval, string> = { week: '按周', month: '按月' };

export const evaluationTrendQuery = z.strictObject({
  ...period,
  interval: z.enum(TREND_INTERVALS, { error: '统计间隔 interval 须为 week 或 month' }).default('week'),
});
export type EvaluationTrendQuery = z.infer<typeof evaluationTrendQuery>;

/** One week (starting Monday) or month of the trend, by the local date it starts on. */
export const trendPointSchema = z.object({
  /** First day of the week or month (YYYY-MM-DD, Asia/Shanghai). */
  start: z.string(),
  /** 立案数: cases filed in the bucket. */
  filed: z.number().int(),
  /** 结案数: of those, closed before the period ended. */
  closed: z.number().int(),
  /** 按期结案数: of the closed, fed back within their time limit. */
  onTimeClosed: z.number().int(),
});
export type TrendPoint = z.infer<typeof trendPointSchema>;

export const evaluationTrendSchema = z.object({
  from: z.string(),
  to: z.string(),
  interval: z.enum(TREND_INTERVALS),
  /** Every bucket of the period in order, empty ones included (counts 0). */
  points: z.array(trendPointSchema),
});
export type EvaluationTrendResponse = z.infer<typeof evaluationTrendSchema>;

/** At most this many cases are listed for one row (the total is always given). */
export const DRILL_MAX_LIMIT = 500;

export const evaluationCasesQuery = z.strictObject({
  ...period,
  by: z.enum(EVALUATION_DIMENSIONS, { error: `维度 by 须为 ${EVALUATION_DIMENSIONS.join('、')} 之一` }).default('none'),
  /** The row's key as the evaluation answered it; '' is the row of cases without one (（未定）). */
  key: z
    .string({ error: '行键 key 须为文本' })
    .max(64, { error: '行键 key 最长 64 个字符' })
    .regex(/^[\p{L}\p{N}_.:-]*$/u, { error: '行键 key 含有不允许的字符' })
    .default(''),
  limit: z.coerce
    .number({ error: '条数 limit 须为数字' })
    .int({ error: '条数 limit 须为整数' })
    .min(1, { error: `条数 limit 须在 1 到 ${DRILL_MAX_LIMIT} 之间` })
    .max(DRILL_MAX_LIMIT, { error: `条数 limit 须在 1 到 ${DRILL_MAX_LIMIT} 之间` })
    .default(200),
});
export type EvaluationCasesQuery = z.infer<typeof evaluationCasesQuery>;

export const drillCaseSchema = z.object({
  id: z.number().int(),
  code: z.string(),
  state: z.string(),
  categoryCode: z.string(),
  categoryName: z.string(),
  districtName: z.string().nullable(),
  streetName: z.string().nullable(),
  departmentId: z.string().nullable(),
  filedAt: z.string(),
  closedAt: z.string().nullable(),
  onTime: z.boolean().nullable(),
  reworked: z.boolean(),
});
export type DrillCase = z.infer<typeof drillCaseSchema>;

export const evaluationCasesSchema = z.object({
  by: z.enum(EVALUATION_DIMENSIONS),
  key: z.string(),
  /** Every case of the row in the period (the list holds at most `limit` of them, newest filed first). */
  total: z.number().int(),
  cases: z.array(drillCaseSchema),
});
export type EvaluationCasesResponse = z.infer<typeof evaluationCasesSchema>;

export const evaluationDepartmentsQuery = z.strictObject(period);

/** 处置部门考核: one department over the cases filed in the period that it holds, and the ones it returned. */
export const departmentAssessmentSchema = z.object({
  departmentId: z.string(),
  name: z.string(),
  /** 处置案件数: filed cases the department holds now. */
  handled: z.number().int(),
  /** 已反馈数: of those, fed back (处置反馈). */
  fedBack: z.number().int(),
  /** 按期反馈数: fed back within the time limit. */
  onTime: z.number().int(),
  /** 按期处置率 = onTime ÷ fedBack (null when nothing was fed back). */
  onTimeRate: z.number().nullable(),
  /** 返工案件数: handled cases reworked at least once. */
  reworked: z.number().int(),
  /** 回退次数: times the department sent a case of the period back as wrongly dispatched (回退). */
  returned: z.number().int(),
  /** 平均处置时长（小时）: first dispatch → latest feedback, wall-clock hours, over the fed-back cases. */
  avgHandlingHours: z.number().nullable(),
});
export type DepartmentAssessment = z.infer<typeof departmentAssessmentSchema>;

export const evaluationDepartmentsSchema = z.object({
  from: z.string(),
  to: z.string(),
  departments: z.array(departmentAssessmentSchema),
});
export type EvaluationDepartmentsResponse = z.infer<typeof evaluationDepartmentsSchema>;

/** The columns of the department table with their definitions (shown as tooltips). */
export const DEPARTMENT_ASSESSMENT_COLUMNS: readonly {
  id: Exclude<keyof DepartmentAssessment, 'departmentId' | 'name'>;
  label: string;
  definition: string;
}[] = [
  { id: 'handled', label: '处置案件数', definition: '期内立案、现由该部门处置的案件数' },
  { id: 'fedBack', label: '已反馈数', definition: '处置案件中已处置反馈的' },
  { id: 'onTimeRate', label: '按期处置率', definition: '在处置时限内反馈的 ÷ 已反馈数' },
  { id: 'reworked', label: '返工案件数', definition: '处置案件中曾返工（核查未通过）的，每件只计一次' },
  { id: 'returned', label: '回退次数', definition: '该部门把期内立案的案件回退（派错）的次数' },
  { id: 'avgHandlingHours', label: '平均处置时长（小时）', definition: '首次派遣至最近一次处置反馈的自然时长平均值' },
];
