import type { PolicyActionView } from '../../contracts/audit';
import type { AccountKind, DepartmentKind, RoleId, RoleSummary } from '../../contracts/identity';
import { DEPARTMENT_KIND_LABELS, DEPARTMENT_KINDS, ROLE_IDS } from '../../contracts/identity';
import {
  FEED_SOURCE_LABELS,
  SYSTEM_MODE_LABELS,
  SYSTEM_MODES,
  type FeedSource,
  type SystemMode,
} from '../../contracts/incidents';
import type { LockoutRules } from '../auth/lockout';
import type { PasswordRules } from '../auth/password-policy';
import { compileRoute, type RoutePattern } from './route-pattern';
import type { ActionDef, PolicyFile } from './schema';

/** What the policy needs to know about whoever asks. */
export interface Subject {
  role: RoleId;
  kind: AccountKind;
  departmentKind: DepartmentKind | null;
  mustChangePassword: boolean;
}

export type Denial = { allowed: false; code: 'unauthenticated' | 'forbidden'; reason: string };
export type Decision = { allowed: true; actionId: string; action: ActionDef } | (Denial & { actionId: string });
export type CaseScopeKind = PolicyFile['caseScope'][string];

export interface SessionRules {
  idleMinutes: number | null;
  absoluteMinutes: number;
}

/** The compiled `data/policy.json`: the one place every access decision is made. */
export class Policy {
  private readonly routes: { pattern: RoutePattern; actionId: string }[];

  constructor(readonly file: PolicyFile) {
    this.routes = Object.entries(file.http).map(([key, actionId]) => ({ pattern: compileRoute(key), actionId }));
  }

  roleName(role: string): string {
    return this.file.roles[role]?.name ?? role;
  }

  isDeviceRole(role: RoleId): boolean {
    return this.file.roles[role]?.device === true;
  }

  isPrivileged(role: RoleId): boolean {
    return this.file.roles[role]?.privileged === true;
  }

  get lockout(): LockoutRules {
    return this.file.lockout;
  }

  get sourceLockout(): LockoutRules {
    return this.file.sourceLockout;
  }

  get password(): PasswordRules {
    return this.file.password;
  }

  get loginRateLimit(): { perIp: number; windowSeconds: number } {
    return this.file.loginRateLimit;
  }

  sessionRules(kind: AccountKind): SessionRules {
    return this.file.sessions[kind];
  }

  /** Whether one of `grants` (role, role:departmentKind, or * for every person role) covers the subject. */
  grants(subject: Subject, grants: readonly string[]): boolean {
    return grants.some((g) => {
      if (g === '*') return !this.isDeviceRole(subject.role);
      const [role, kind] = g.split(':');
      return role === subject.role && (kind === undefined || kind === subject.departmentKind);
    });
  }

  action(actionId: string): ActionDef | undefined {
    return this.file.actions[actionId];
  }

  /**
   * The grants of an action in a system mode: the mode's own list when the action names one (`modes`), else `allow`.
   * Without a mode, `allow`.
   */
  grantsIn(action: ActionDef, mode?: SystemMode): readonly string[] {
    return (mode ? action.modes?.[mode] : undefined) ?? action.allow ?? [];
  }

  /** Whether an action's grants differ by system mode. */
  modeDependent(actionId: string): boolean {
    return Object.keys(this.file.actions[actionId]?.modes ?? {}).length > 0;
  }

  /**
   * Allowed, or why not: not signed in (401), or signed in without the right (403, with the reason). `mode` is the
   * current system mode (gateway/modes/current.ts) for actions whose grants change with it.
   */
  authorize(subject: Subject | null, actionId: string, mode?: SystemMode): Decision {
    const action = this.file.actions[actionId];
    if (!action) return { allowed: false, actionId, code: 'forbidden', reason: `未知的操作 ${actionId}（不在权限策略中）` };
    if (action.public) return { allowed: true, actionId, action };
    if (!subject) return { allowed: false, actionId, code: 'unauthenticated', reason: '请先登录' };
    if (subject.mustChangePassword && !action.beforePasswordChange) {
      return { allowed: false, actionId, code: 'forbidden', reason: '首次登录或密码被重置后须先修改密码' };
    }
    if (this.grants(subject, this.grantsIn(action, mode))) return { allowed: true, actionId, action };
    const who = subject.departmentKind
      ? `${this.roleName(subject.role)}（${subject.departmentKind}）`
      : this.roleName(subject.role);
    const byMode = mode && action.modes?.[mode];
    const when = byMode ? `在「${SYSTEM_MODE_LABELS[mode]}」模式下` : '';
    const suspended = byMode && byMode.length === 0 ? `；「${SYSTEM_MODE_LABELS[mode]}」模式下该操作暂停` : '';
    return {
      allowed: false,
      actionId,
      code: 'forbidden',
      reason: `无权限：角色「${who}」${when}不能执行「${action.label}」（${actionId}）${suspended}`,
    };
  }

  /** The action guarding an HTTP request, or null when no policy entry covers it. HEAD is checked as GET. */
  httpAction(method: string, path: string): { actionId: string; route: string } | null {
    const m = method === 'HEAD' ? 'GET' : method;
    const hit = this.routes.find((r) => r.pattern.method === m && r.pattern.test(path));
    return hit ? { actionId: hit.actionId, route: `${hit.pattern.method} ${hit.pattern.path}` } : null;
  }

  /** Every HTTP route of the policy, compiled. */
  get httpRoutes(): readonly { pattern: RoutePattern; actionId: string }[] {
    return this.routes;
  }

  /** First path segments the policy covers (`/api`, `/tiles`, ...): requests elsewhere (the web app's files) are not policed. */
  get policedPrefixes(): string[] {
    return [...new Set(this.routes.map((r) => `/${r.pattern.path.split('/')[1]}`))];
  }

  socketAction(event: string): string | null {
    return this.file.socket[event] ?? null;
  }

  /** Who may read a layer, in the policy's own grant notation (role, role:departmentKind), for catalogues. */
  layerGrants(layer: string): readonly string[] {
    return this.file.layers[layer] ?? [];
  }

  layer(subject: Subject, layer: string): Denial | { allowed: true } {
    const grants = this.file.layers[layer];
    if (!grants) return { allowed: false, code: 'forbidden', reason: `未知图层 ${layer}` };
    if (subject.mustChangePassword) return { allowed: false, code: 'forbidden', reason: '首次登录或密码被重置后须先修改密码' };
    return this.grants(subject, grants)
      ? { allowed: true }
      : { allowed: false, code: 'forbidden', reason: `无权限：角色「${this.roleName(subject.role)}」不能查看图层「${layer}」` };
  }

  /** For media (later): may the subject view a camera of `group` (or an ungrouped camera)? */
  camera(subject: Subject, group: string | null): Decision {
    const base = this.authorize(subject, this.file.cameras.default);
    if (!base.allowed || group === null) return base;
    const grants = this.file.cameras.groups[group];
    if (!grants) return { allowed: false, actionId: base.actionId, code: 'forbidden', reason: `未知的摄像机分组 ${group}` };
    return this.grants(subject, grants)
      ? base
      : {
          allowed: false,
          actionId: base.actionId,
          code: 'forbidden',
          reason: `无权限：角色「${this.roleName(subject.role)}」不能调阅「${group}」分组的视频`,
        };
  }

  /**
   * May the subject change a unit of `agency` (its status, or dispatch it)? The command centre any unit; a handler
   * department only the units of the agency the policy's `unitWrite` gives its kind. The role's own right to the
   * action is checked separately (`authorize`).
   */
  unitWrite(subject: Subject, agency: FeedSource): Denial | { allowed: true } {
    const rules = this.file.unitWrite;
    if (subject.mustChangePassword) return { allowed: false, code: 'forbidden', reason: '首次登录或密码被重置后须先修改密码' };
    if (this.grants(subject, rules.all) || this.grants(subject, rules.agencies[agency] ?? [])) return { allowed: true };
    return {
      allowed: false,
      code: 'forbidden',
      reason: `无权限：${this.describe(subject)}只能变更本机构的力量，该力量属于「${FEED_SOURCE_LABELS[agency]}」`,
    };
  }

  /**
   * The department a road condition the subject sets belongs to: none for those who may lift any (the command
   * centre), else the subject's own, so that only that department (and the centre) lifts it.
   */
  roadConditionOwner(subject: Subject, departmentId: string | null): string | null {
    return this.grants(subject, this.file.roadConditions.liftAny) ? null : departmentId;
  }

  /** May the subject lift a road condition set by `owner` (a department id; null: the centre or an agency record)? */
  liftRoadCondition(subject: Subject, departmentId: string | null, owner: string | null): Denial | { allowed: true } {
    if (this.grants(subject, this.file.roadConditions.liftAny)) return { allowed: true };
    if (owner !== null && owner === departmentId) return { allowed: true };
    return {
      allowed: false,
      code: 'forbidden',
      reason: `无权限：${this.describe(subject)}只能解除本部门设置的道路通行状况；该状况由${owner === null ? '指挥中心或机构推送' : '其他部门'}设置，请联系指挥中心`,
    };
  }

  /** The subject's role, with its department kind when it has one, as refusals name it. */
  describe(subject: Subject): string {
    return subject.departmentKind
      ? `「${this.roleName(subject.role)}（${DEPARTMENT_KIND_LABELS[subject.departmentKind]}）」`
      : `「${this.roleName(subject.role)}」`;
  }

  caseScope(role: RoleId): CaseScopeKind {
    return this.file.caseScope[role] ?? 'none';
  }

  /** Actions the subject may perform in a system mode (for the client to show what it can do). */
  actionsFor(subject: Subject, mode?: SystemMode): string[] {
    return Object.keys(this.file.actions).filter((a) => this.authorize(subject, a, mode).allowed);
  }

  /** The subject's actions in every system mode, so that a client follows a mode change without asking again. */
  actionsByMode(subject: Subject): Record<SystemMode, string[]> {
    return Object.fromEntries(SYSTEM_MODES.map((m) => [m, this.actionsFor(subject, m)])) as Record<SystemMode, string[]>;
  }

  /** A grant in words: 审计管理员, 处置部门（交警）, or 所有人员账号 for `*`. */
  grantName(grant: string): string {
    if (grant === '*') return '所有人员账号';
    const [role, kind] = grant.split(':');
    const dept = DEPARTMENT_KINDS.find((k) => k === kind);
    return dept ? `${this.roleName(role!)}（${DEPARTMENT_KIND_LABELS[dept]}）` : this.roleName(role!);
  }

  /** Every action with its label and who may perform it (its `allow`), for people: 无权访问 and the audit viewer. */
  actionViews(): PolicyActionView[] {
    return Object.entries(this.file.actions).map(([id, a]) => ({
      id,
      label: a.label,
      roles: a.public ? [] : (a.allow ?? []).map((g) => this.grantName(g)),
      public: a.public === true,
    }));
  }

  roleSummaries(): RoleSummary[] {
    return ROLE_IDS.map((id) => {
      const def = this.file.roles[id]!;
      return {
        id,
        name: def.name,
        device: def.device,
        privileged: def.privileged,
        grantable: !def.privileged,
        actions: Object.entries(this.file.actions)
          .filter(
            ([, a]) => !a.public && (a.allow ?? []).some((g) => g === id || g.startsWith(`${id}:`) || (g === '*' && !def.device)),
          )
          .map(([name]) => name),
      };
    });
  }
}
