import { z } from 'zod';
import {
  CASE_CHANNELS,
  CASE_EVENTS,
  CASE_KINDS,
  CASE_PATHS,
  CASE_STATES,
  EVALUATION_DIMENSIONS,
  EVALUATION_GRADES,
  PHOTO_STAGES,
  SLA_STATUSES,
  SUPERVISION_LEVELS,
  TIME_LIMIT_UNITS,
  caseEventPath,
  type CaseDetail,
  type CaseEvent,
  type CaseListResponse,
  type CaseSummary,
  type CategoryTreeResponse,
  type DuplicateResponse,
  type EvaluationDimension,
  type EvaluationResponse,
  type PhotoStage,
  type ReportCaseInput,
  type ReportCaseResponse,
  type RoleEvaluationResponse,
} from '../../../contracts/cases';
import { ApiError } from '../api/http';
import { call, clientEvents } from '../identity/client';

const namedCode = z.object({ code: z.string(), name: z.string() });
const timeLimit = z.object({ amount: z.number(), unit: z.enum(TIME_LIMIT_UNITS) });

const minorSchema = z.object({
  code: z.string(),
  standardCode: z.string(),
  majorCode: z.string(),
  kind: z.enum(CASE_KINDS),
  name: z.string(),
  departmentKind: z.string(),
  departmentName: z.string(),
  filingStandard: z.string(),
  timeLimit,
  urgentTimeLimit: timeLimit.nullable(),
  additionalLimits: z.array(z.object({ label: z.string(), limit: timeLimit })),
  closingStandard: z.string(),
  local: z.boolean(),
});
const majorSchema = z.object({ code: z.string(), kind: z.enum(CASE_KINDS), name: z.string(), minors: z.array(minorSchema) });
export const categoryTreeSchema = z.object({
  version: z.string(),
  standardRef: z.string(),
  codeWidths: z.object({ major: z.number(), minor: z.number() }),
  prefixes: z.object({ component: z.string(), event: z.string() }),
  component: z.array(majorSchema),
  event: z.array(majorSchema),
}) satisfies z.ZodType<CategoryTreeResponse>;

const slaSchema = z.object({
  status: z.enum(SLA_STATUSES),
  limit: timeLimit.nullable(),
  startedAt: z.string().nullable(),
  deadline: z.string().nullable(),
  warnAt: z.string().nullable(),
  suspendedAt: z.string().nullable(),
  note: z.string().nullable(),
  remainingWorkingMinutes: z.number().nullable(),
  onTime: z.boolean().nullable(),
});

const placeSchema = z.object({
  lon: z.number(),
  lat: z.number(),
  district: namedCode.nullable(),
  street: namedCode.nullable(),
  gridCode: z.string().nullable(),
  community: z.string().nullable(),
  address: z.string().nullable(),
});

export const caseSummarySchema = z.object({
  id: z.number(),
  code: z.string(),
  state: z.enum(CASE_STATES),
  kind: z.enum(CASE_KINDS),
  categoryCode: z.string(),
  categoryName: z.string(),
  majorCode: z.string(),
  majorName: z.string(),
  description: z.string(),
  place: placeSchema,
  channel: z.enum(CASE_CHANNELS),
  reporterId: z.string().nullable(),
  reporterName: z.string().nullable(),
  departmentId: z.string().nullable(),
  departmentName: z.string().nullable(),
  inspectorId: z.string().nullable(),
  urgent: z.boolean(),
  supervision: z.enum(SUPERVISION_LEVELS).nullable(),
  reworkCount: z.number(),
  extensionCount: z.number(),
  sla: slaSchema,
  reportedAt: z.string(),
  filedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  updatedAt: z.string(),
  thumbUrl: z.string().nullable(),
}) satisfies z.ZodType<CaseSummary>;

const photoSchema = z.object({
  id: z.number(),
  caseId: z.number().nullable(),
  stage: z.enum(PHOTO_STAGES),
  width: z.number(),
  height: z.number(),
  exifGps: z.object({ lon: z.number(), lat: z.number() }).nullable(),
  takenAt: z.string().nullable(),
  uploadedAt: z.string(),
  uploadedBy: z.string(),
  viewUrl: z.string(),
  thumbUrl: z.string(),
});

const stepSchema = z.object({
  seq: z.number(),
  event: z.enum([...CASE_EVENTS, 'report']),
  from: z.enum(CASE_STATES).nullable(),
  to: z.enum(CASE_STATES),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorRole: z.string().nullable(),
  note: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});

export const caseDetailSchema = caseSummarySchema.extend({
  filingStandard: z.string(),
  closingStandard: z.string(),
  contact: z.string().nullable(),
  steps: z.array(stepSchema),
  photos: z.array(photoSchema),
  pendingExtension: z.object({ amount: z.number(), unit: z.enum(TIME_LIMIT_UNITS), reason: z.string() }).nullable(),
  checkPassed: z.boolean().nullable(),
  allowedEvents: z.array(z.enum(CASE_EVENTS)),
  dispatchSuggestion: z.object({ departmentId: z.string(), departmentName: z.string(), via: z.string() }).nullable(),
}) satisfies z.ZodType<CaseDetail>;

const caseListSchema = z.object({
  cases: z.array(caseSummarySchema),
  total: z.number(),
  seq: z.number(),
}) satisfies z.ZodType<CaseListResponse>;

const reportResponseSchema = z.object({ case: caseDetailSchema, created: z.boolean() }) satisfies z.ZodType<ReportCaseResponse>;
const eventResponseSchema = z.object({ case: caseDetailSchema });

const duplicateSchema = z.object({
  categoryCode: z.string(),
  radiusM: z.number(),
  candidates: z.array(
    z.object({
      id: z.number(),
      code: z.string(),
      state: z.enum(CASE_STATES),
      categoryCode: z.string(),
      description: z.string(),
      distanceM: z.number(),
      reportedAt: z.string(),
      thumbUrl: z.string().nullable(),
    }),
  ),
}) satisfies z.ZodType<DuplicateResponse>;

const rate = z.number().nullable();
const evaluationRowSchema = z.object({
  key: z.string(),
  name: z.string(),
  filed: z.number(),
  due: z.number(),
  closed: z.number(),
  closeRate: rate,
  onTimeClosed: z.number(),
  onTimeRate: rate,
  reworked: z.number(),
  reworkRate: rate,
  extended: z.number(),
  extensionRate: rate,
});
const evaluationSchema = z.object({
  from: z.string(),
  to: z.string(),
  by: z.enum(EVALUATION_DIMENSIONS),
  total: evaluationRowSchema,
  rows: z.array(evaluationRowSchema),
}) satisfies z.ZodType<EvaluationResponse>;

const roleScoreSchema = z.object({
  role: z.enum(['inspector', 'dispatcher']),
  userId: z.string(),
  name: z.string(),
  indicators: z.array(z.object({ id: z.string(), label: z.string(), value: z.number().nullable(), weight: z.number() })),
  score: z.number(),
  grade: z.enum(EVALUATION_GRADES),
});
const roleEvaluationSchema = z.object({
  from: z.string(),
  to: z.string(),
  inspectors: z.array(roleScoreSchema),
  dispatchers: z.array(roleScoreSchema),
}) satisfies z.ZodType<RoleEvaluationResponse>;

const uploadedPhotoSchema = z.union([photoSchema, z.object({ photo: photoSchema }).transform((b) => b.photo)]);
export type UploadedPhoto = z.infer<typeof photoSchema>;

export interface CaseListFilter {
  state?: string;
  departmentId?: string;
  limit?: number;
}

const query = (params: Record<string, string | number | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};

/** True when a request never reached the gateway (offline, DNS, connection refused): worth retrying later. */
export function isNetworkError(err: unknown): boolean {
  return err instanceof TypeError || (err instanceof ApiError && err.status === 0);
}

/** The case API of contracts/cases.ts, every response parsed. */
export const casesApi = {
  categories: () => call('GET', CASE_PATHS.categories, categoryTreeSchema),
  list: (f: CaseListFilter = {}) =>
    call(
      'GET',
      `${CASE_PATHS.list}${query({ state: f.state, departmentId: f.departmentId, limit: f.limit ?? 500 })}`,
      caseListSchema,
    ),
  detail: (id: number) => call('GET', `/api/cases/${id}`, caseDetailSchema),
  report: (body: ReportCaseInput) => call('POST', CASE_PATHS.report, reportResponseSchema, body),
  event: (id: number, event: CaseEvent, body: Record<string, unknown>) =>
    call('POST', caseEventPath(id, event), eventResponseSchema, body).then((r) => r.case),
  duplicates: (lon: number, lat: number, categoryCode: string) =>
    call('GET', `${CASE_PATHS.duplicates}${query({ lon: lon.toFixed(6), lat: lat.toFixed(6), categoryCode })}`, duplicateSchema),
  evaluation: (from: string, to: string, by: EvaluationDimension) =>
    call('GET', `${CASE_PATHS.evaluation}${query({ from, to, by })}`, evaluationSchema),
  evaluationRoles: (from: string, to: string) =>
    call('GET', `${CASE_PATHS.evaluationRoles}${query({ from, to })}`, roleEvaluationSchema),
  exportUrl: (from: string, to: string, by: EvaluationDimension, format: 'csv' | 'xlsx') =>
    `${CASE_PATHS.evaluationExport}${query({ from, to, by, format })}`,
};

/** Uploads one image as the raw request body (`POST /api/cases/photos?stage=&caseId=`). */
export async function uploadPhoto(blob: Blob, stage: PhotoStage, caseId?: number): Promise<UploadedPhoto> {
  const res = await fetch(`${CASE_PATHS.photos}${query({ stage, caseId })}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { accept: 'application/json', 'content-type': blob.type || 'image/jpeg' },
    body: blob,
  });
  const idle = res.headers.get('x-session-idle-expires');
  if (idle) clientEvents.idle?.(idle);
  const payload: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const err = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).safeParse(payload);
    if (res.status === 401) clientEvents.unauthenticated?.(err.success ? err.data.error.message : '请重新登录');
    throw new ApiError(
      res.status,
      err.success ? err.data.error.code : 'http_error',
      err.success ? err.data.error.message : `照片上传失败 HTTP ${res.status}`,
    );
  }
  const parsed = uploadedPhotoSchema.safeParse(payload);
  if (!parsed.success) throw new ApiError(res.status, 'bad_response', `照片上传的响应格式不符：${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
