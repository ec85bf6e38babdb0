import { z } from 'zod';
import {
  CASE_CHANNELS,
  CASE_EVENTS,
  CASE_KINDS,
  CASE_STATES,
  EVALUATION_DIMENSIONS,
  EVALUATION_GRADES,
  PHOTO_STAGES,
  SLA_STATUSES,
  SUPERVISION_LEVELS,
  TIME_LIMIT_UNITS,
  type CaseDetail,
  type CaseListResponse,
  type CasePhoto,
  type CaseSummary,
  type CategoryTreeResponse,
  type DuplicateResponse,
  type EvaluationResponse,
  type ReportCaseResponse,
  type RoleEvaluationResponse,
} from './cases';

/**
 * The case API's answers as zod schemas (contracts/cases holds their types; each schema is checked against its type):
 * the browser parses every answer with them and integration tests parse the server's.
 */
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

export const casePhotoSchema = z.object({
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
}) satisfies z.ZodType<CasePhoto>;

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
  mediaUrl: z.string().nullable(),
  steps: z.array(stepSchema),
  photos: z.array(casePhotoSchema),
  pendingExtension: z.object({ amount: z.number(), unit: z.enum(TIME_LIMIT_UNITS), reason: z.string() }).nullable(),
  checkPassed: z.boolean().nullable(),
  allowedEvents: z.array(z.enum(CASE_EVENTS)),
  dispatchSuggestion: z.object({ departmentId: z.string(), departmentName: z.string(), via: z.string() }).nullable(),
}) satisfies z.ZodType<CaseDetail>;

export const caseListAnswerSchema = z.object({
  cases: z.array(caseSummarySchema),
  total: z.number(),
  seq: z.number(),
}) satisfies z.ZodType<CaseListResponse>;

export const caseReportAnswerSchema = z.object({
  case: caseDetailSchema,
  created: z.boolean(),
}) satisfies z.ZodType<ReportCaseResponse>;
export const caseEventAnswerSchema = z.object({ case: caseDetailSchema });

export const caseDuplicatesSchema = z.object({
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
export const caseEvaluationSchema = z.object({
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
export const caseRoleEvaluationSchema = z.object({
  from: z.string(),
  to: z.string(),
  inspectors: z.array(roleScoreSchema),
  dispatchers: z.array(roleScoreSchema),
}) satisfies z.ZodType<RoleEvaluationResponse>;

export const casePhotoUploadSchema = z.union([casePhotoSchema, z.object({ photo: casePhotoSchema }).transform((b) => b.photo)]);
export type UploadedPhoto = z.infer<typeof casePhotoSchema>;
