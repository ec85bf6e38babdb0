import { z } from 'zod';
import {
  ACCOUNT_KINDS,
  AUDIT_OUTCOMES,
  DEPARTMENT_KINDS,
  ROLE_IDS,
  type ApiTokenSummary,
  type AuditEventView,
  type IssuedApiToken,
  type AuditPage,
  type ChainVerification,
  type Department,
  type LoginResponse,
  type RoleSummary,
  type SessionInfo,
  type UserSummary,
} from '../../../contracts/identity';

/** Response schemas of the identity, administration and audit API: the UI only ever sees checked data. */
const departmentRef = z.object({ id: z.string(), name: z.string(), kind: z.enum(DEPARTMENT_KINDS) });

export const sessionInfoSchema = z.object({
  idleExpiresAt: z.string().nullable(),
  absoluteExpiresAt: z.string(),
}) satisfies z.ZodType<SessionInfo>;

export const loginResponseSchema = z.object({
  user: z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(ROLE_IDS),
    roleName: z.string(),
    kind: z.enum(ACCOUNT_KINDS),
    department: departmentRef.nullable(),
    gridScope: z.array(z.string()),
    mustChangePassword: z.boolean(),
    actions: z.array(z.string()),
  }),
  session: sessionInfoSchema,
}) satisfies z.ZodType<LoginResponse>;

export const sessionProbeSchema = z.union([
  loginResponseSchema.extend({ notice: z.null() }),
  z.object({ user: z.null(), session: z.null(), notice: z.string().nullable() }),
]);

export const passwordPolicySchema = z.object({ minLength: z.number(), minClasses: z.number(), rules: z.array(z.string()) });
export type PasswordPolicyView = z.infer<typeof passwordPolicySchema>;

export const userSummarySchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLE_IDS),
  kind: z.enum(ACCOUNT_KINDS),
  departmentId: z.string().nullable(),
  gridScope: z.array(z.string()),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  lockedUntil: z.string().nullable(),
  activeSessions: z.number(),
  createdAt: z.string(),
}) satisfies z.ZodType<UserSummary>;

export const departmentSchema = departmentRef.extend({
  hotline: z.string().nullable(),
  districtAdcode: z.string().nullable(),
  active: z.boolean(),
}) satisfies z.ZodType<Department>;

export const roleSummarySchema = z.object({
  id: z.enum(ROLE_IDS),
  name: z.string(),
  device: z.boolean(),
  privileged: z.boolean(),
  grantable: z.boolean(),
  actions: z.array(z.string()),
}) satisfies z.ZodType<RoleSummary>;

const auditEventSchema = z.object({
  seq: z.number(),
  at: z.string(),
  userId: z.string().nullable(),
  username: z.string().nullable(),
  role: z.string().nullable(),
  action: z.string(),
  object: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  sourceIp: z.string().nullable(),
  requestId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
}) satisfies z.ZodType<AuditEventView>;

export const auditPageSchema = z.object({
  events: z.array(auditEventSchema),
  nextBeforeSeq: z.number().nullable(),
}) satisfies z.ZodType<AuditPage>;

export const chainVerificationSchema = z.object({
  ok: z.boolean(),
  checked: z.number(),
  anchoredThroughSeq: z.number(),
  lastSeq: z.number(),
  firstBroken: z.object({ seq: z.number(), reason: z.string() }).nullable(),
}) satisfies z.ZodType<ChainVerification>;

export const apiTokenSchema = z.object({
  id: z.string(),
  label: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
}) satisfies z.ZodType<ApiTokenSummary>;
export const apiTokenListSchema = z.array(apiTokenSchema);
export const issuedApiTokenSchema = apiTokenSchema.extend({ token: z.string() }) satisfies z.ZodType<IssuedApiToken>;
