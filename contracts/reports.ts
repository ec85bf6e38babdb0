import { z } from 'zod';

/**
 * Reports upward (信息报送) and the situation report (态势报告 / 值班快报): the wire between the duty staff's pages and
 * gateway/reports.
 */

// ── Situation report ────────────────────────────────────────────────────────────────────────────────────────────

/** `city`, `district:<6-digit adcode>` or `street:<9-digit code>`. */
export const situationQuery = z.object({
  area: z
    .string({ error: 'area 必填：city、district:<区县代码> 或 street:<街道代码>' })
    .regex(/^(city|district:[0-9]{6}|street:[0-9]{9})$/, 'area 应为 city、district:<6 位区县代码> 或 street:<9 位街道代码>')
    .default('city'),
});
export type SituationQuery = z.infer<typeof situationQuery>;

export const AREA_KINDS = ['city', 'district', 'street', 'grid'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];
export const AREA_KIND_LABELS: Record<AreaKind, string> = { city: '全市', district: '区县', street: '街道', grid: '单元网格' };

/** What the situation report counts for an area (the same figures at every level, so levels add up). */
export interface SituationFigures {
  /** Incidents not yet resolved, closed or cancelled. */
  incidentsOpen: number;
  /** Incidents first reported in the last 24 hours. */
  incidents24h: number;
  /** City-management cases not closed, rejected or voided. */
  casesOpen: number;
  /** Open cases past their 处置时限. */
  casesOverdue: number;
  /** Units located in the area, and of them those assigned to an incident. */
  units: number;
  unitsBusy: number;
  /** Gauge stations in the area at or over their warning level. */
  gaugesOverWarning: number;
  /** Active emergency responses with an incident in the area. */
  responsesActive: number;
}

export const FIGURE_LABELS: Record<keyof SituationFigures, string> = {
  incidentsOpen: '在办警情',
  incidents24h: '24小时新增警情',
  casesOpen: '在办城管案件',
  casesOverdue: '超时案件',
  units: '在位力量',
  unitsBusy: '执行任务力量',
  gaugesOverWarning: '超警戒水位站',
  responsesActive: '启动中的应急响应',
};

export interface SituationArea {
  kind: AreaKind;
  /** null for the city. */
  code: string | null;
  name: string;
}

export interface SituationRow extends SituationArea {
  figures: SituationFigures;
}

export interface SituationIncident {
  id: number;
  title: string;
  category: string;
  priority: number;
  status: string;
  place: string;
  reportedAt: string;
  drill: boolean;
}

export interface SituationGauge {
  stationId: string;
  name: string;
  river: string;
  waterLevelM: number | null;
  warningLevelM: number | null;
  overWarning: boolean;
  at: string;
}

export interface SituationResponse {
  id: string;
  planTitle: string;
  level: string;
  drill: boolean;
  startedAt: string;
  incidents: number;
}

export interface SituationReport {
  /** The area reported on, and the way up to the city (city first). */
  area: SituationArea;
  parents: SituationArea[];
  generatedAt: string;
  totals: SituationFigures;
  /** One row per district (city), street (district) or unit grid cell with anything in it (street). */
  children: SituationRow[];
  /** The most urgent open incidents of the area (priority, then newest), at most 20. */
  incidents: SituationIncident[];
  gauges: SituationGauge[];
  responses: SituationResponse[];
}

// ── Reports upward ──────────────────────────────────────────────────────────────────────────────────────────────

export const REPORT_KINDS = ['initial', 'update', 'final'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const REPORT_KIND_LABELS: Record<ReportKind, string> = { initial: '首报', update: '续报', final: '终报' };

/** draft → approved (a leader) → sending (queued to the upper level) → sent (acknowledged; archived, immutable). */
export const REPORT_STATES = ['draft', 'approved', 'sending', 'sent'] as const;
export type ReportState = (typeof REPORT_STATES)[number];
export const REPORT_STATE_LABELS: Record<ReportState, string> = {
  draft: '草稿',
  approved: '已审核',
  sending: '报送中',
  sent: '已报送',
};

export interface UpwardReport {
  id: string;
  responseId: string;
  kind: ReportKind;
  /** 续报 are numbered 1, 2, …; 首报 and 终报 are 1. */
  number: number;
  state: ReportState;
  title: string;
  body: string;
  drill: boolean;
  draftedBy: string;
  draftedAt: string;
  editedBy: string | null;
  editedAt: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  queuedAt: string | null;
  sentAt: string | null;
  /** The delivery to the upper level once queued: attempts so far and the last failure. */
  delivery: { attempts: number; lastError: string | null; nextAttemptAt: string | null } | null;
  /** Optimistic lock for edits: send back the version you edited. */
  version: number;
}

/** One deadline of the reporting clock: due (or not yet due), met by a sent report, or overdue. */
export interface ClockEntry {
  kind: ReportKind;
  number: number;
  dueAt: string;
  /** When the report answering this deadline was sent (acknowledged); null while not sent. */
  sentAt: string | null;
  status: 'pending' | 'met' | 'late' | 'overdue';
}

export interface ResponseReports {
  response: {
    id: string;
    planId: string;
    planTitle: string;
    level: string;
    status: string;
    drill: boolean;
    startedAt: string;
    endedAt: string | null;
  };
  clock: ClockEntry[];
  reports: UpwardReport[];
}

export interface ReportsOverview {
  /** Whether an upper-level receiver is configured; without one reports can be drafted and approved but not sent. */
  receiver: { configured: boolean; message: string };
  responses: ResponseReports[];
}

export const reportIdParam = z.object({ id: z.uuid({ error: '报告编号无效' }) });

export const draftReportInput = z.object({
  responseId: z.uuid({ error: 'responseId 应为应急响应编号' }),
  kind: z.enum(REPORT_KINDS, { error: 'kind 应为 initial（首报）、update（续报）或 final（终报）' }),
});
export type DraftReportInput = z.infer<typeof draftReportInput>;

export const editReportInput = z.object({
  title: z.string().trim().min(1, '标题不能为空').max(200, '标题最长 200 字'),
  body: z.string().trim().min(1, '正文不能为空').max(20_000, '正文最长 20000 字'),
  version: z.number({ error: 'version 应为所编辑的版本号' }).int().min(1),
});
export type EditReportInput = z.infer<typeof editReportInput>;

export const reportVersionInput = z.object({
  version: z.number({ error: 'version 应为所审核的版本号' }).int().min(1),
});
