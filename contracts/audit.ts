import { z } from 'zod';
import { AUDIT_OUTCOMES, auditEventViewSchema } from './identity';

/**
 * The audit log as a person reads it (`GET /api/audit/entries`): each entry one action, named in Chinese, its object
 * named as people know it (案件 20261207000009), its details as labelled fields. A command's two rows (authorised
 * before it ran, completed after) are one entry. The raw rows stay in the entry and in `GET /api/audit/events`.
 */

/** One detail of an entry: a Chinese label and its value in words. */
export const auditFieldSchema = z.object({ label: z.string(), value: z.string() });
export type AuditField = z.infer<typeof auditFieldSchema>;

export const auditEntrySchema = z.object({
  /** The seq of the entry's newest row (its completed row for a command). */
  seq: z.number(),
  at: z.string(),
  username: z.string().nullable(),
  role: z.string().nullable(),
  /** The role's name in data/policy.json, or null. */
  roleName: z.string().nullable(),
  action: z.string(),
  /** The action in Chinese: the policy's label, for case events the event (案件派遣). */
  actionLabel: z.string(),
  object: z.string().nullable(),
  /** The object in Chinese (案件 20261207000009, 用户 zhihui.wang), or null when the row names none. */
  objectLabel: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  sourceIp: z.string().nullable(),
  requestId: z.string().nullable(),
  /** For a command: the seq of the row written before it ran and of the one written when it ended (null if missing). */
  command: z.object({ authorisedSeq: z.number().nullable(), completedSeq: z.number().nullable() }).nullable(),
  fields: z.array(auditFieldSchema),
  /** The stored rows of the entry, oldest first. */
  rows: z.array(auditEventViewSchema),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditEntryPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  /** Pass as `beforeSeq` for the next (older) page; null when there is none. */
  nextBeforeSeq: z.number().nullable(),
});
export type AuditEntryPage = z.infer<typeof auditEntryPageSchema>;

/**
 * Names of audited actions that are not actions of data/policy.json (whose own labels name the others): refusals,
 * machines' failed logins, expiries and the steps inside an action.
 */
export const AUDIT_EVENT_LABELS: Readonly<Record<string, string>> = {
  'access.denied': '访问被拒绝',
  'machine.login': '接入认证失败（推送、Open311、MQTT）',
  'session.expired': '会话过期',
  'role.change': '变更角色',
  'audit.retention': '按保留期清理审计日志',
  'api_token.issue': '签发 API 令牌',
  'api_token.revoke': '撤销 API 令牌',
  'data.export': '导出数据',
  'sharing.approve': '同意共享申请',
  'sharing.refuse': '拒绝共享申请',
  'sharing.use': '按共享使用信息资源',
};

/** The filter's time range, checked the same way by the viewer before it asks and by the server: null when fine. */
export function auditRangeProblem(from: string | undefined, to: string | undefined): string | null {
  if (from && to && Date.parse(from) >= Date.parse(to)) return '开始时间须早于结束时间';
  return null;
}

/** `GET /api/auth/actions`: every action of the access policy, its Chinese label and who may perform it. */
export const policyActionSchema = z.object({
  id: z.string(),
  label: z.string(),
  /** Role names in Chinese (处置部门（交警）), empty for public actions. */
  roles: z.array(z.string()),
  public: z.boolean(),
});
export type PolicyActionView = z.infer<typeof policyActionSchema>;
export const policyActionsSchema = z.object({ actions: z.array(policyActionSchema) });
export type PolicyActions = z.infer<typeof policyActionsSchema>;
