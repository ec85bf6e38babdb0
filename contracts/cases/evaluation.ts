import { z } from 'zod';

/** 综合评价: the query, the region/department indicators with their definitions, and the role scores. */

export const EVALUATION_DIMENSIONS = ['none', 'district', 'street', 'grid', 'department', 'category', 'channel'] as const;
export type EvaluationDimension = (typeof EVALUATION_DIMENSIONS)[number];

export const evaluationQuery = z.object({
  /** Inclusive start and exclusive end, dates in Asia/Shanghai (YYYY-MM-DD). */
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'from 须为日期（YYYY-MM-DD）'),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'to 须为日期（YYYY-MM-DD）'),
  by: z.enum(EVALUATION_DIMENSIONS).default('none'),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});
export type EvaluationQuery = z.infer<typeof evaluationQuery>;

/**
 * One row of 综合评价: indicators for one key of the dimension (or the total), over the cases filed in the period
 * (the cohort). Every rate's numerator is a subset of its denominator, so no rate exceeds 1; the wording of each
 * definition is EVALUATION_INDICATORS.
 */
export interface EvaluationRow {
  key: string;
  name: string;
  /** 立案数. */
  filed: number;
  /** 应结案数: filed cases that closed before the period ended or whose deadline passed in it (作废 excluded). */
  due: number;
  /** 结案数: filed cases closed before the period ended. */
  closed: number;
  /** 结案率 = closed / due (0–1, null when due = 0). */
  closeRate: number | null;
  /** 按期结案数: closed cases fed back within their time limit. */
  onTimeClosed: number;
  /** 按期结案率 = onTimeClosed / due. */
  onTimeRate: number | null;
  /** 返工案件数: closed cases reworked at least once (each case once), and 返工率 = reworked / closed. */
  reworked: number;
  reworkRate: number | null;
  /** 延期案件数: filed cases extended at least once, and 延期率 = extended / filed. */
  extended: number;
  extensionRate: number | null;
}

/**
 * The region and department indicators of 综合评价 with their definitions, after CJ/T 292-2008 《城市市政综合监管信息
 * 系统 绩效评价》 and GB/T 30428.4-2016 《数字化城市管理信息系统 第4部分：绩效评价》 (结案率, 按期结案率 and 返工率
 * over 结案数). Shown beside the figures and in exports.
 */
export type EvaluationIndicatorId = Exclude<keyof EvaluationRow, 'key' | 'name'>;
export const EVALUATION_INDICATORS: readonly {
  id: EvaluationIndicatorId;
  label: string;
  definition: string;
  rate?: true;
}[] = [
  { id: 'filed', label: '立案数', definition: '期内立案的案件数（按立案时间）' },
  { id: 'due', label: '应结案数', definition: '立案案件中期末前已结案或处置时限已到期的（作废除外）' },
  { id: 'closed', label: '结案数', definition: '立案案件中期末前已结案的' },
  { id: 'closeRate', label: '结案率', definition: '结案数 ÷ 应结案数', rate: true },
  { id: 'onTimeClosed', label: '按期结案数', definition: '结案数中在处置时限内反馈的' },
  { id: 'onTimeRate', label: '按期结案率', definition: '按期结案数 ÷ 应结案数', rate: true },
  { id: 'reworked', label: '返工案件数', definition: '结案数中曾返工（核查未通过、重新派遣）的案件，每件只计一次' },
  { id: 'reworkRate', label: '返工率', definition: '返工案件数 ÷ 结案数', rate: true },
  { id: 'extended', label: '延期案件数', definition: '立案案件中批准过延期的' },
  { id: 'extensionRate', label: '延期率', definition: '延期案件数 ÷ 立案数', rate: true },
];

export interface EvaluationResponse {
  from: string;
  to: string;
  by: EvaluationDimension;
  total: EvaluationRow;
  rows: EvaluationRow[];
}

export const EVALUATION_GRADES = ['A', 'B', 'C', 'D', 'E'] as const;
export type EvaluationGrade = (typeof EVALUATION_GRADES)[number];

export interface RoleIndicator {
  id: string;
  label: string;
  /** 0–1 rate (or a normalised count), and its weight (weights of a role sum to 1). */
  value: number | null;
  weight: number;
}

export interface RoleScore {
  role: 'inspector' | 'dispatcher';
  userId: string;
  name: string;
  indicators: RoleIndicator[];
  /** 0–100. */
  score: number;
  grade: EvaluationGrade;
}

export interface RoleEvaluationResponse {
  from: string;
  to: string;
  inspectors: RoleScore[];
  dispatchers: RoleScore[];
}
