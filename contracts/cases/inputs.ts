import { z } from 'zod';
import { bboxSchema } from '../geo';
import { CASE_CHANNELS, CASE_KINDS, PHOTO_STAGES, TIME_LIMIT_UNITS } from './code-tables';
import { categoryCode, dbId, lat, lon, note, photoIds, reason } from './fields';
import { CASE_STATES, SUPERVISION_LEVELS, type CaseEvent } from './workflow';

/** Request bodies, paths and queries of the case API (zod; the handlers parse with them). */

/** Client-generated key; the same key resubmitted by the offline outbox returns the same case. */
export const idempotencyKeySchema = z
  .string({ error: 'idempotencyKey 必填' })
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'idempotencyKey 须为 8–64 个字符，只含 A–Z、a–z、0–9、"_" 或 "-"（如 UUID）');

export const reportCaseInput = z
  .object({
    idempotencyKey: idempotencyKeySchema,
    categoryCode,
    description: z.string().trim().min(2, '请描述问题（至少 2 个字）').max(2000),
    lon,
    lat,
    coordSystem: z.enum(['wgs84', 'gcj02']).default('wgs84'),
    address: z.string().trim().max(400).optional(),
    /** Photos uploaded first with stage `report` (by the same user). */
    photoIds: photoIds.default([]),
    channel: z.enum(CASE_CHANNELS).default('inspector'),
    /** When the inspector saw it (the phone may submit later from its outbox); defaults to now. */
    observedAt: z.string().datetime({ offset: false }).optional(),
    urgent: z.boolean().default(false),
    /** Reporter contact for hotline/public cases. */
    contact: z.string().trim().max(200).optional(),
  })
  .strict();
export type ReportCaseInput = z.infer<typeof reportCaseInput>;

export const caseEventInputs = {
  request_verify: z.object({ inspectorId: z.string().min(1).max(64).optional(), note }).strict(),
  verify: z.object({ confirmed: z.boolean(), note, photoIds: photoIds.default([]) }).strict(),
  accept: z.object({ note }).strict(),
  file: z.object({ categoryCode: categoryCode.optional(), note }).strict(),
  reject: z.object({ reason }).strict(),
  /** 作废; with `duplicateOf`, a duplicate merged into that open case (重复案件合并). */
  void: z
    .object({
      reason,
      duplicateOf: z.number({ error: 'duplicateOf 须为与本案重复的在办案件编号' }).int().positive().optional(),
    })
    .strict(),
  dispatch: z.object({ departmentId: z.string().min(1).max(64).optional(), note }).strict(),
  redispatch: z.object({ departmentId: z.string().min(1).max(64).optional(), note }).strict(),
  take: z.object({ note }).strict(),
  return: z.object({ reason }).strict(),
  request_extension: z.object({ amount: z.number().int().positive().max(60), unit: z.enum(TIME_LIMIT_UNITS), reason }).strict(),
  approve_extension: z.object({ note }).strict(),
  deny_extension: z.object({ reason }).strict(),
  suspend: z.object({ reason }).strict(),
  resume: z.object({ note }).strict(),
  feedback: z.object({ note, photoIds: photoIds.default([]) }).strict(),
  request_check: z.object({ inspectorId: z.string().min(1).max(64).optional(), note }).strict(),
  check: z.object({ passed: z.boolean(), note, photoIds: photoIds.default([]) }).strict(),
  close: z.object({ note }).strict(),
  rework: z.object({ reason }).strict(),
  supervise: z.object({ level: z.enum(SUPERVISION_LEVELS), note }).strict(),
  urge: z.object({ note }).strict(),
} satisfies Record<CaseEvent, z.ZodType>;
export type CaseEventInput<E extends CaseEvent> = z.infer<(typeof caseEventInputs)[E]>;

export const caseIdParam = z.object({ id: dbId('案件编号 id') });

export const caseListQuery = z.object({
  state: z.enum(['open', 'all', ...CASE_STATES]).default('open'),
  kind: z.enum(CASE_KINDS).optional(),
  categoryCode: categoryCode.optional(),
  district: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  departmentId: z.string().max(64).optional(),
  sla: z.enum(['normal', 'warning', 'overdue', 'suspended']).optional(),
  /** `west,south,east,north` in WGS-84, for the map (at most 1° a side). */
  bbox: bboxSchema.optional(),
  /** Only the verification and check tasks assigned to the signed-in inspector (the phone's task list). */
  assignedToMe: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type CaseListQuery = z.infer<typeof caseListQuery>;

export const duplicateQuery = z.object({
  lon: z.coerce.number().finite().min(-180).max(180),
  lat: z.coerce.number().finite().min(-90).max(90),
  categoryCode,
  /** Defaults to the configured radius (data/cityops/settings.json); at most 500 m. */
  radiusM: z.coerce.number().positive().max(500).optional(),
});

export const photoUploadQuery = z.object({
  stage: z.enum(PHOTO_STAGES, { error: `stage 须为 ${PHOTO_STAGES.join('、')} 之一` }),
  caseId: dbId('caseId').optional(),
});
