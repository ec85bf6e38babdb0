import { auditEntryPageSchema, policyActionsSchema } from '../../../contracts/audit';
import {
  adminAnswers,
  chainVerificationSchema,
  type AuditQuery,
  type CreateUserRequest,
  type Department,
  type RoleSummary,
  type UpdateUserRequest,
  type UserSummary,
} from '../../../contracts/identity';
import { call, noContent } from '../api/http';

/** What the administration pages show: the accounts, the roles and the departments. */
export interface AdminData {
  users: UserSummary[];
  roles: RoleSummary[];
  departments: Department[];
}

/** The administration and audit API (`/api/admin/*`, `/api/audit/*`), each response parsed. */
export const adminApi = {
  users: () => call('GET', '/api/admin/users', adminAnswers.users).then((r) => r.users),
  roles: () => call('GET', '/api/admin/roles', adminAnswers.roles).then((r) => r.roles),
  departments: () => call('GET', '/api/admin/departments', adminAnswers.departments).then((r) => r.departments),
  createUser: (body: CreateUserRequest) => call('POST', '/api/admin/users', adminAnswers.user, body),
  updateUser: (id: string, body: UpdateUserRequest) =>
    call('PATCH', `/api/admin/users/${encodeURIComponent(id)}`, adminAnswers.user, body),
  resetPassword: (id: string, password: string) =>
    call('POST', `/api/admin/users/${encodeURIComponent(id)}/password`, noContent, { password }),
  revokeSessions: (id: string) =>
    call('POST', `/api/admin/users/${encodeURIComponent(id)}/revoke-sessions`, adminAnswers.revoked),
  userTokens: (id: string) =>
    call('GET', `/api/admin/users/${encodeURIComponent(id)}/tokens`, adminAnswers.tokens).then((r) => r.tokens),
  revokeUserToken: (id: string, tokenId: string) =>
    call('DELETE', `/api/admin/users/${encodeURIComponent(id)}/tokens/${encodeURIComponent(tokenId)}`, adminAnswers.token),
  unlock: (id: string) => call('POST', `/api/admin/users/${encodeURIComponent(id)}/unlock`, noContent),
  createDepartment: (body: { id: string; name: string; kind: string; hotline: string | null; districtAdcode: string | null }) =>
    call('POST', '/api/admin/departments', adminAnswers.department, body),
  updateDepartment: (id: string, body: Record<string, unknown>) =>
    call('PATCH', `/api/admin/departments/${encodeURIComponent(id)}`, adminAnswers.department, body),
};

/** Query string of the audit filters, empty values left out. */
export function auditQueryString(q: AuditQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  return params.toString();
}

export const auditApi = {
  /** The log for people: one entry per action, in Chinese. */
  entries: (q: AuditQuery) => call('GET', `/api/audit/entries?${auditQueryString(q)}`, auditEntryPageSchema),
  /** The policy's actions with their Chinese labels, for the action filter. */
  actions: () => call('GET', '/api/auth/actions', policyActionsSchema).then((r) => r.actions),
  verify: () => call('POST', '/api/audit/verify', chainVerificationSchema),
  exportUrl: (q: AuditQuery) => `/api/audit/export?${auditQueryString({ ...q, limit: undefined, beforeSeq: undefined })}`,
};
