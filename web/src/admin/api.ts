import { z } from 'zod';
import type { AuditQuery, CreateUserRequest, UpdateUserRequest } from '../../../contracts/identity';
import { call, noContent } from '../identity/client';
import {
  apiTokenListSchema,
  apiTokenSchema,
  auditPageSchema,
  chainVerificationSchema,
  departmentSchema,
  roleSummarySchema,
  userSummarySchema,
} from '../identity/schemas';

/** The administration and audit API (`/api/admin/*`, `/api/audit/*`), each response parsed. */
export const adminApi = {
  users: () => call('GET', '/api/admin/users', z.object({ users: z.array(userSummarySchema) })).then((r) => r.users),
  roles: () => call('GET', '/api/admin/roles', z.object({ roles: z.array(roleSummarySchema) })).then((r) => r.roles),
  departments: () =>
    call('GET', '/api/admin/departments', z.object({ departments: z.array(departmentSchema) })).then((r) => r.departments),
  createUser: (body: CreateUserRequest) => call('POST', '/api/admin/users', z.object({ user: userSummarySchema }), body),
  updateUser: (id: string, body: UpdateUserRequest) =>
    call('PATCH', `/api/admin/users/${encodeURIComponent(id)}`, z.object({ user: userSummarySchema }), body),
  resetPassword: (id: string, password: string) =>
    call('POST', `/api/admin/users/${encodeURIComponent(id)}/password`, noContent, { password }),
  revokeSessions: (id: string) =>
    call(
      'POST',
      `/api/admin/users/${encodeURIComponent(id)}/revoke-sessions`,
      z.object({ sessionsEnded: z.number(), apiTokensRevoked: z.number() }),
    ),
  userTokens: (id: string) =>
    call('GET', `/api/admin/users/${encodeURIComponent(id)}/tokens`, z.object({ tokens: apiTokenListSchema })).then(
      (r) => r.tokens,
    ),
  revokeUserToken: (id: string, tokenId: string) =>
    call(
      'DELETE',
      `/api/admin/users/${encodeURIComponent(id)}/tokens/${encodeURIComponent(tokenId)}`,
      z.object({ token: apiTokenSchema }),
    ),
  unlock: (id: string) => call('POST', `/api/admin/users/${encodeURIComponent(id)}/unlock`, noContent),
  createDepartment: (body: { id: string; name: string; kind: string; hotline: string | null; districtAdcode: string | null }) =>
    call('POST', '/api/admin/departments', z.object({ department: departmentSchema }), body),
  updateDepartment: (id: string, body: Record<string, unknown>) =>
    call('PATCH', `/api/admin/departments/${encodeURIComponent(id)}`, z.object({ department: departmentSchema }), body),
};

/** Query string of the audit filters, empty values left out. */
export function auditQueryString(q: AuditQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  return params.toString();
}

export const auditApi = {
  events: (q: AuditQuery) => call('GET', `/api/audit/events?${auditQueryString(q)}`, auditPageSchema),
  verify: () => call('POST', '/api/audit/verify', chainVerificationSchema),
  exportUrl: (q: AuditQuery) => `/api/audit/export?${auditQueryString({ ...q, limit: undefined, beforeSeq: undefined })}`,
};
