import { z } from 'zod';
import { SYSTEM_MODES } from './incidents';

/**
 * Identity and access contracts shared by the gateway and the web client. Role ids are fixed here so both
 * sides can type them; what each role may do lives only in `data/policy.json`.
 */
export const ROLE_IDS = [
  'commander', // 指挥员
  'dispatcher', // 受理员/派遣员
  'inspector', // 监督员
  'handler', // 处置部门
  'leader', // 领导
  'planner', // 规划
  'sysadmin', // 系统管理员
  'auditadmin', // 审计管理员
  'wall', // 大屏设备 (device account)
] as const;
export type RoleId = (typeof ROLE_IDS)[number];
export const roleIdSchema = z.enum(ROLE_IDS, { error: `role 须为 ${ROLE_IDS.join('、')} 之一` });

/** What kind of organisation a department is; the policy grants some actions to handlers of a kind only. */
export const DEPARTMENT_KINDS = [
  'command', // 指挥中心
  'police', // 公安 110
  'fire', // 消防 119
  'ems', // 急救 120
  'flood', // 防汛
  'civil_defence', // 人防
  'traffic', // 交警
  'urban_mgmt', // 城管
  'planning', // 规划
  'it', // 信息中心 (system and audit administration)
] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];
export const DEPARTMENT_KIND_LABELS: Record<DepartmentKind, string> = {
  command: '指挥中心',
  police: '公安',
  fire: '消防',
  ems: '急救',
  flood: '防汛',
  civil_defence: '人防',
  traffic: '交警',
  urban_mgmt: '城管',
  planning: '规划',
  it: '信息中心',
};
export const departmentKindSchema = z.enum(DEPARTMENT_KINDS, { error: `kind 须为 ${DEPARTMENT_KINDS.join('、')} 之一` });

export const ACCOUNT_KINDS = ['person', 'device'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** Login names: lower-case letters, digits, `.`, `_`, `-`; 3–32 characters, starting with a letter or digit. */
export const usernameSchema = z.string({ error: 'username 须为文字' }).regex(/^[a-z0-9][a-z0-9._-]{2,31}$/, {
  message: 'username 须为 3–32 个字符，只含 a–z、0–9、"."、"_" 或 "-"，并以字母或数字开头',
});

/** Largest password accepted at all (the KDF input is bounded so a huge body cannot burn CPU). */
export const MAX_PASSWORD_LENGTH = 256;

export const loginRequestSchema = z.object({
  // Any name is accepted here: an ill-formed name is answered like an unknown one (no enumeration).
  username: z.string({ error: 'username 必填' }).min(1, 'username 必填').max(128, 'username 过长'),
  password: z
    .string({ error: 'password 必填' })
    .min(1, 'password 必填')
    .max(MAX_PASSWORD_LENGTH, `password 不能超过 ${MAX_PASSWORD_LENGTH} 个字符`),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

// Answers are zod schemas with their types inferred: the server writes them, the browser parses them.
export const departmentRefSchema = z.object({ id: z.string(), name: z.string(), kind: z.enum(DEPARTMENT_KINDS) });
export type DepartmentRef = z.infer<typeof departmentRefSchema>;

/** The signed-in user as the client sees it. `actions` lists the policy actions the role may perform. */
export const sessionUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLE_IDS),
  roleName: z.string(),
  kind: z.enum(ACCOUNT_KINDS),
  department: departmentRefSchema.nullable(),
  gridScope: z.array(z.string()),
  mustChangePassword: z.boolean(),
  actions: z.array(z.string()),
  /** The actions in each system mode (some grants change with the mode, data/policy.json `modes`). */
  actionsByMode: z.partialRecord(z.enum(SYSTEM_MODES), z.array(z.string())).optional(),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const sessionInfoSchema = z.object({
  /** When the session ends unless used or renewed; null for device accounts (no idle timeout). */
  idleExpiresAt: z.string().nullable(),
  absoluteExpiresAt: z.string(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const loginResponseSchema = z.object({ user: sessionUserSchema, session: sessionInfoSchema });
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/** `GET /api/auth/session`: the session if there is one (200 either way); `notice` says why one just ended. */
export const sessionProbeSchema = z.union([
  loginResponseSchema.extend({ notice: z.null() }),
  z.object({ user: z.null(), session: z.null(), notice: z.string().nullable() }),
]);
export type SessionProbe = z.infer<typeof sessionProbeSchema>;

/** `GET /api/auth/password-policy`: the rules shown beside a new-password field. */
export const passwordPolicySchema = z.object({ minLength: z.number(), minClasses: z.number(), rules: z.array(z.string()) });
export type PasswordPolicyView = z.infer<typeof passwordPolicySchema>;

/** One reason a password was refused, with a code a program can branch on and a message a person can act on. */
export interface PasswordProblem {
  code:
    | 'too_short'
    | 'too_long'
    | 'too_few_classes'
    | 'contains_username'
    | 'common'
    | 'common_variant'
    | 'repetitive'
    | 'guessable'
    | 'reused';
  message: string;
}

export const changePasswordSchema = z.object({
  currentPassword: z.string({ error: 'currentPassword 必填' }).min(1).max(MAX_PASSWORD_LENGTH),
  newPassword: z.string({ error: 'newPassword 必填' }).min(1).max(MAX_PASSWORD_LENGTH),
});

const displayName = z.string().trim().min(1, 'displayName 必填').max(64, 'displayName 不能超过 64 个字');
const gridPrefix = z.string().regex(/^[0-9]{6,15}$/, 'gridScope 的每一项须为 6–15 位数字：网格、街道或区县代码的前缀');
const departmentId = z.string().regex(/^[a-z0-9_-]{2,40}$/, '部门 id 须为 2–40 个字符，只含 a–z、0–9、"_" 或 "-"');

export const createUserSchema = z.object({
  username: usernameSchema,
  displayName,
  role: roleIdSchema,
  kind: z.enum(ACCOUNT_KINDS).default('person'),
  departmentId: departmentId.nullable().default(null),
  gridScope: z.array(gridPrefix).max(200).default([]),
  password: z.string({ error: 'password 必填' }).min(1).max(MAX_PASSWORD_LENGTH),
});
export type CreateUserRequest = z.input<typeof createUserSchema>;

export const updateUserSchema = z
  .object({
    displayName: displayName.optional(),
    role: roleIdSchema.optional(),
    departmentId: departmentId.nullable().optional(),
    gridScope: z.array(gridPrefix).max(200).optional(),
    disabled: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: '没有要修改的内容：请至少给出一个字段' });
export type UpdateUserRequest = z.input<typeof updateUserSchema>;

export const resetPasswordSchema = z.object({
  password: z.string({ error: 'password 必填' }).min(1).max(MAX_PASSWORD_LENGTH),
});

export const departmentSchema = z.object({
  id: departmentId,
  name: z.string().trim().min(1, 'name 必填').max(64),
  kind: departmentKindSchema,
  hotline: z
    .string()
    .regex(/^[0-9-]{3,20}$/, 'hotline 须为 3–20 个数字或 "-"')
    .nullable()
    .default(null),
  districtAdcode: z
    .string()
    .regex(/^[0-9]{6}$/, 'districtAdcode 须为 6 位 GB/T 2260 行政区划代码')
    .nullable()
    .default(null),
});
export const updateDepartmentSchema = departmentSchema
  .omit({ id: true })
  .partial()
  .extend({ active: z.boolean().optional() })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: '没有要修改的内容：请至少给出一个字段' });

export const departmentViewSchema = departmentRefSchema.extend({
  hotline: z.string().nullable(),
  districtAdcode: z.string().nullable(),
  active: z.boolean(),
});
export type Department = z.infer<typeof departmentViewSchema>;

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
});
export type UserSummary = z.infer<typeof userSummarySchema>;

export const roleSummarySchema = z.object({
  id: z.enum(ROLE_IDS),
  name: z.string(),
  device: z.boolean(),
  privileged: z.boolean(),
  /** Whether the system administrator may assign this role through the API (privileged roles are provisioned). */
  grantable: z.boolean(),
  actions: z.array(z.string()),
});
export type RoleSummary = z.infer<typeof roleSummarySchema>;

/** Outcome of an audited action. */
export const AUDIT_OUTCOMES = ['ok', 'failed', 'denied', 'locked', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const auditEventViewSchema = z.object({
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
});
export type AuditEventView = z.infer<typeof auditEventViewSchema>;

export const auditQuerySchema = z.object({
  user: z.string().max(64, '用户（登录名前缀）最多 64 个字符').optional(),
  action: z.string().max(64, '操作最多 64 个字符').optional(),
  outcome: z.enum(AUDIT_OUTCOMES, { error: `结果须为 ${AUDIT_OUTCOMES.join('、')} 之一` }).optional(),
  from: z.iso.datetime({ offset: true, error: '开始时间须为带时区的 ISO 8601 时间，如 2026-12-07T08:00:00+08:00' }).optional(),
  to: z.iso.datetime({ offset: true, error: '结束时间须为带时区的 ISO 8601 时间，如 2026-12-07T18:00:00+08:00' }).optional(),
  beforeSeq: z.coerce
    .number({ error: 'beforeSeq 须为正整数' })
    .int('beforeSeq 须为正整数')
    .positive('beforeSeq 须为正整数')
    .optional(),
  limit: z.coerce
    .number({ error: '每页条数须为 1 到 500 的整数' })
    .int('每页条数须为 1 到 500 的整数')
    .min(1, '每页条数须为 1 到 500 的整数')
    .max(500, '每页条数须为 1 到 500 的整数')
    .default(100),
});
export type AuditQuery = z.input<typeof auditQuerySchema>;

export const auditPageSchema = z.object({
  events: z.array(auditEventViewSchema),
  /** Pass as `beforeSeq` for the next (older) page; null when there is none. */
  nextBeforeSeq: z.number().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;

export const chainVerificationSchema = z.object({
  ok: z.boolean(),
  /** Rows checked. */
  checked: z.number(),
  /** Rows purged by retention before the first remaining row (its anchor), 0 when none. */
  anchoredThroughSeq: z.number(),
  lastSeq: z.number(),
  /** The first broken link: the row whose stored hash or link does not match, and why. */
  firstBroken: z.object({ seq: z.number(), reason: z.string() }).nullable(),
});
export type ChainVerification = z.infer<typeof chainVerificationSchema>;

/**
 * API tokens (`Authorization: Bearer hgt_…`): read-only access for GIS clients to the OGC API (`/ogc`) and vector
 * tiles (`/tiles`) as the person who issued them, within that person's layer rights.
 */
export const API_TOKEN_PREFIX = 'hgt_';
export const MAX_API_TOKEN_DAYS = 365;
export const createApiTokenSchema = z
  .object({
    label: z
      .string({ error: '请填写令牌用途，如“QGIS 规划科”' })
      .trim()
      .min(1, '请填写令牌用途，如“QGIS 规划科”')
      .max(60, '令牌用途最多 60 个字符'),
    days: z
      .number({ error: `有效天数须为 1 到 ${MAX_API_TOKEN_DAYS} 的整数` })
      .int(`有效天数须为 1 到 ${MAX_API_TOKEN_DAYS} 的整数`)
      .min(1, `有效天数须为 1 到 ${MAX_API_TOKEN_DAYS} 的整数`)
      .max(MAX_API_TOKEN_DAYS, `有效天数须为 1 到 ${MAX_API_TOKEN_DAYS} 的整数`)
      .default(90),
  })
  .strict();
export type CreateApiToken = z.infer<typeof createApiTokenSchema>;

export const apiTokenSummarySchema = z.object({
  id: z.string(),
  label: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiTokenSummary = z.infer<typeof apiTokenSummarySchema>;

/** The answer to issuing a token: the only time the token itself is shown. */
export const issuedApiTokenSchema = apiTokenSummarySchema.extend({ token: z.string() });
export type IssuedApiToken = z.infer<typeof issuedApiTokenSchema>;
/** `GET /api/auth/tokens`: the caller's own tokens. */
export const apiTokenListSchema = z.array(apiTokenSummarySchema);

/** The envelopes of the administration answers (`/api/admin/*`, the user menu's tokens). */
export const adminAnswers = {
  users: z.object({ users: z.array(userSummarySchema) }),
  user: z.object({ user: userSummarySchema }),
  roles: z.object({ roles: z.array(roleSummarySchema) }),
  departments: z.object({ departments: z.array(departmentViewSchema) }),
  department: z.object({ department: departmentViewSchema }),
  tokens: z.object({ tokens: z.array(apiTokenSummarySchema) }),
  token: z.object({ token: apiTokenSummarySchema }),
  revoked: z.object({ sessionsEnded: z.number(), apiTokensRevoked: z.number() }),
};
