import type { AccountKind, DepartmentKind, DepartmentRef, RoleId, SessionInfo, SessionUser } from '../../contracts/identity';
import type { AuditActor } from '../audit/writer';
import type { Policy, Subject } from '../policy/policy';

/** The signed-in account behind a request or socket, re-read from the database on every use. */
export interface Principal extends Subject {
  sessionId: string;
  userId: string;
  username: string;
  displayName: string;
  role: RoleId;
  kind: AccountKind;
  department: DepartmentRef | null;
  departmentKind: DepartmentKind | null;
  gridScope: string[];
  mustChangePassword: boolean;
  idleExpiresAt: Date | null;
  absoluteExpiresAt: Date;
}

export function actorOf(p: Principal | null | undefined): AuditActor | null {
  return p ? { userId: p.userId, username: p.username, role: p.role } : null;
}

export function sessionInfo(p: Principal): SessionInfo {
  return { idleExpiresAt: p.idleExpiresAt?.toISOString() ?? null, absoluteExpiresAt: p.absoluteExpiresAt.toISOString() };
}

export function sessionUser(p: Principal, policy: Policy): SessionUser {
  return {
    id: p.userId,
    username: p.username,
    displayName: p.displayName,
    role: p.role,
    roleName: policy.roleName(p.role),
    kind: p.kind,
    department: p.department,
    gridScope: p.gridScope,
    mustChangePassword: p.mustChangePassword,
    actions: policy.actionsFor(p),
    actionsByMode: policy.actionsByMode(p),
  };
}
