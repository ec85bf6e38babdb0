import type { NamedCode } from '../geo';
import type { CaseChannel, CaseKind, PhotoStage, TimeLimit, TimeLimitUnit } from './code-tables';
import type { CaseEvent, CaseState, SupervisionLevel } from './workflow';

/** What the case API answers: summaries, details with steps and photos, SLA clocks, duplicates, the calendar. */

/**
 * SLA status: `none` before the clock starts (not yet dispatched); `awaiting_close` once fed back while the case is
 * still being checked or closed (已反馈, 核查中, 已核查: the handling clock stopped, `onTime` says how); `done` only
 * when the case has ended (已结案, 作废).
 */
export const SLA_STATUSES = ['none', 'normal', 'warning', 'overdue', 'suspended', 'awaiting_close', 'done'] as const;
export type SlaStatus = (typeof SLA_STATUSES)[number];
export const SLA_STATUS_LABELS: Record<SlaStatus, string> = {
  none: '未计时',
  normal: '正常',
  warning: '预警',
  overdue: '超期',
  suspended: '暂停计时',
  awaiting_close: '已反馈待结案',
  done: '已完成',
};

export interface SlaClock {
  status: SlaStatus;
  limit: TimeLimit | null;
  /** When the clock started (dispatch), ISO UTC. */
  startedAt: string | null;
  deadline: string | null;
  /** The warning point (预警) before the deadline. */
  warnAt: string | null;
  /** Set while the clock is suspended (挂账, or the system mode froze it). */
  suspendedAt: string | null;
  /** Why it is suspended or re-timed (mode, 挂账). */
  note: string | null;
  /** Working minutes left (negative when overdue), null when not running. */
  remainingWorkingMinutes: number | null;
  /** Fed back in time (null while running). */
  onTime: boolean | null;
}

export interface CasePlace {
  lon: number;
  lat: number;
  district: NamedCode | null;
  street: NamedCode | null;
  gridCode: string | null;
  community: string | null;
  address: string | null;
}

export interface CasePhoto {
  id: number;
  caseId: number | null;
  stage: PhotoStage;
  width: number;
  height: number;
  /** GPS from the original's EXIF, read once on upload (null when absent). */
  exifGps: { lon: number; lat: number } | null;
  takenAt: string | null;
  uploadedAt: string;
  uploadedBy: string;
  /** Derivatives (re-encoded, without metadata). */
  viewUrl: string;
  thumbUrl: string;
}

export interface CaseStep {
  seq: number;
  event: CaseEvent | 'report';
  from: CaseState | null;
  to: CaseState;
  at: string;
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  note: string | null;
  /** Event-specific details (department, extension, supervision level, check result…). */
  data: Record<string, unknown>;
}

export interface CaseSummary {
  id: number;
  /** Case number, e.g. `202611220001`. */
  code: string;
  state: CaseState;
  kind: CaseKind;
  categoryCode: string;
  categoryName: string;
  majorCode: string;
  majorName: string;
  description: string;
  place: CasePlace;
  channel: CaseChannel;
  reporterId: string | null;
  reporterName: string | null;
  departmentId: string | null;
  departmentName: string | null;
  inspectorId: string | null;
  urgent: boolean;
  supervision: SupervisionLevel | null;
  reworkCount: number;
  extensionCount: number;
  sla: SlaClock;
  reportedAt: string;
  filedAt: string | null;
  closedAt: string | null;
  updatedAt: string;
  /** First report photo's thumbnail, if any. */
  thumbUrl: string | null;
}

export interface CaseDetail extends CaseSummary {
  filingStandard: string;
  closingStandard: string;
  contact: string | null;
  /**
   * 渠道附件: the address of a photo or video the reporting channel holds elsewhere (Open311 `media_url`, http or
   * https), shown as a link; the platform never fetches it.
   */
  mediaUrl: string | null;
  steps: CaseStep[];
  photos: CasePhoto[];
  /** Pending extension request, when the state is `extension_requested`. */
  pendingExtension: { amount: number; unit: TimeLimitUnit; reason: string } | null;
  /** Last check result. */
  checkPassed: boolean | null;
  /** Events the current user may try now (state and role; guards are checked on submit). */
  allowedEvents: CaseEvent[];
  /**
   * The department 派遣/改派 would choose now without a department given (the server's own choice by 小类 + grid), when
   * the current user may dispatch the case; null otherwise or when no department fits.
   */
  dispatchSuggestion: DispatchSuggestion | null;
}

export interface DispatchSuggestion {
  departmentId: string;
  departmentName: string;
  /** How it is chosen: 派遣规则, or the 小类's responsible department kind. */
  via: string;
}

export interface CaseListResponse {
  cases: CaseSummary[];
  total: number;
  /** Change-log head when read. */
  seq: number;
}

export interface ReportCaseResponse {
  case: CaseDetail;
  /** False when the idempotency key had been seen already: the existing case is returned. */
  created: boolean;
}

export interface CaseEventResponse {
  case: CaseDetail;
}

export interface DuplicateCandidate {
  id: number;
  code: string;
  state: CaseState;
  categoryCode: string;
  description: string;
  distanceM: number;
  reportedAt: string;
  thumbUrl: string | null;
}
export interface DuplicateResponse {
  categoryCode: string;
  radiusM: number;
  candidates: DuplicateCandidate[];
}

export interface CalendarSummary {
  version: string;
  timezone: string;
  workingHours: { start: string; end: string }[];
  holidays: string[];
  workingWeekends: string[];
  warnFraction: number;
}
