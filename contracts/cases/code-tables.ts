import { z } from 'zod';

/**
 * The code tables of city management: 部件/事件 kinds, 大类/小类 categories with their time limits (the tables
 * themselves are data: data/cityops/categories.json), report channels and photo stages.
 */

export const CASE_KINDS = ['component', 'event'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];
export const CASE_KIND_LABELS: Record<CaseKind, string> = { component: '部件', event: '事件' };

export const TIME_LIMIT_UNITS = ['working_hours', 'working_days'] as const;
export type TimeLimitUnit = (typeof TIME_LIMIT_UNITS)[number];
export const TIME_LIMIT_UNIT_LABELS: Record<TimeLimitUnit, string> = {
  working_hours: '工作时',
  working_days: '工作日',
};

export const timeLimitSchema = z
  .object({
    amount: z.number().positive().max(365),
    unit: z.enum(TIME_LIMIT_UNITS),
  })
  .strict();
export type TimeLimit = z.infer<typeof timeLimitSchema>;

/**
 * 小类 (minor category). `code` is unique across both kinds: the kind's prefix (BJ 部件, SJ 事件, configurable),
 * then the 大类 and 小类 digits at the configured widths, e.g. `BJ0101` (上水井盖), `SJ0102` (暴露垃圾).
 */
export interface CaseMinorCategory {
  /** Unique id: prefix + 大类 + 小类. */
  code: string;
  /** The standard's digits (大类 + 小类) without the prefix. */
  standardCode: string;
  majorCode: string;
  kind: CaseKind;
  name: string;
  /** Department kind responsible (see DEPARTMENT_KINDS), and the department name used in Chinese. */
  departmentKind: string;
  departmentName: string;
  /** 立案标准. */
  filingStandard: string;
  /** 处置时限. */
  timeLimit: TimeLimit;
  /** Shorter limit when the case is urgent (加急), if the table gives one. */
  urgentTimeLimit: TimeLimit | null;
  /** Further limits of the same 小类 (e.g. 私搭乱建: 拆除 20 working days after the stop-work limit). */
  additionalLimits: { label: string; limit: TimeLimit }[];
  /** 结案标准. */
  closingStandard: string;
  /** Local extension (080–999) rather than a standard code. */
  local: boolean;
}

/** 大类 (major category). */
export interface CaseMajorCategory {
  /** Prefix + 大类 digits, e.g. `BJ01`. */
  code: string;
  kind: CaseKind;
  name: string;
  minors: CaseMinorCategory[];
}

export interface CategoryTreeResponse {
  /** Table version and the standard it follows (e.g. "GB/T 30428.2-2013"). */
  version: string;
  standardRef: string;
  codeWidths: { major: number; minor: number };
  prefixes: Record<CaseKind, string>;
  component: CaseMajorCategory[];
  event: CaseMajorCategory[];
}

export const CASE_CHANNELS = ['inspector', 'hotline_12319', 'public', 'camera', 'sensor', 'leader', 'open311'] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];
export const CASE_CHANNEL_LABELS: Record<CaseChannel, string> = {
  inspector: '监督员上报',
  hotline_12319: '12319 热线',
  public: '公众上报',
  camera: '视频发现',
  sensor: '感知设备',
  leader: '领导交办',
  open311: '第三方渠道',
};

export const PHOTO_STAGES = ['report', 'verify', 'feedback', 'check'] as const;
export type PhotoStage = (typeof PHOTO_STAGES)[number];
export const PHOTO_STAGE_LABELS: Record<PhotoStage, string> = {
  report: '上报照片',
  verify: '核实照片',
  feedback: '处置后照片',
  check: '核查照片',
};
