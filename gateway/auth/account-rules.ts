import type { AccountKind, Department, RoleId } from '../../contracts/identity';
import type { Policy } from '../policy/policy';

/**
 * Rules an account must satisfy whoever edits it: device roles go with device accounts and vice versa,
 * a department handler belongs to a department, and a department must be active to receive people.
 * Returns the problem in words, or null.
 */
export function accountProblem(
  policy: Policy,
  a: { role: RoleId; kind: AccountKind; department: Department | null; departmentId: string | null },
): string | null {
  const device = policy.isDeviceRole(a.role);
  if (device && a.kind !== 'device') return `角色「${policy.roleName(a.role)}」只能授予设备账号（kind = device）`;
  if (!device && a.kind === 'device') return `设备账号只能使用只读的设备角色，不能授予「${policy.roleName(a.role)}」`;
  if (a.departmentId && !a.department) return `部门 ${a.departmentId} 不存在`;
  if (a.department && !a.department.active) return `部门「${a.department.name}」已停用`;
  if (a.role === 'handler' && !a.department) return '处置部门角色必须指定所属部门';
  return null;
}

/**
 * Separation of duties: the system administrator manages business accounts only. Privileged roles
 * (system administrator, audit administrator) are neither granted nor edited through the API, so the
 * system administrator cannot make an account that reads the audit log, nor take one over by resetting
 * its password. Those accounts are provisioned at installation (demo seed or `npm run identity:user`).
 */
export function privilegedTargetProblem(policy: Policy, targetRole: string, newRole?: RoleId): string | null {
  if (policy.isPrivileged(targetRole as RoleId))
    return `「${policy.roleName(targetRole)}」账号是特权账号，不能通过用户管理修改（三员分立）`;
  if (newRole && policy.isPrivileged(newRole))
    return `特权角色「${policy.roleName(newRole)}」不能通过用户管理授予（三员分立），须在部署时开通`;
  return null;
}
