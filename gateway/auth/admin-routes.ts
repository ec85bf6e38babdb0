import { Router } from 'express';
import { z } from 'zod';
import {
  createUserSchema,
  departmentSchema,
  resetPasswordSchema,
  roleIdSchema,
  updateDepartmentSchema,
  updateUserSchema,
  type UserSummary,
} from '../../contracts/identity';
import { accountProblem, privilegedTargetProblem } from './account-rules';
import { endCredentialsIn } from './credentials';
import { identityOf } from './identity';
import { hashPassword } from './kdf';
import { loginKey } from './lockout';
import { passwordReuseError } from './password-history';
import { actorOf } from './principal';
import { origin, principalOf } from './request';
import {
  findDepartment,
  findUserById,
  insertUser,
  listDepartments,
  listUsers,
  setPasswordHash,
  updateUser,
  type UserRecord,
} from './users';
import type { Queryable } from '../../geo/db/types';
import type { AppDeps } from '../deps';
import { AppError, parseInput } from '../http/errors';
import { userTokenRoutes } from './admin-token-routes';
import { passwordProblemsError } from './session-routes';

const idParam = z.object({ id: z.string().min(1) });

/** User, role and department administration for the system administrator (用户/角色/部门管理). */
export function adminRoutes(deps: AppDeps): Router {
  const identity = identityOf(deps);
  const { policy } = identity;
  const r = Router();
  const audit = (req: Parameters<typeof principalOf>[0]) => ({ ...origin(req), actor: actorOf(principalOf(req)) });

  /** The target user, refused when it is privileged (separation of duties) or does not exist. */
  async function target(id: string, q: Queryable): Promise<UserRecord> {
    const user = await findUserById(q, id, true);
    if (!user) throw new AppError('not_found', `用户 ${id} 不存在`);
    const problem = privilegedTargetProblem(policy, user.role);
    if (problem) throw new AppError('forbidden', problem);
    return user;
  }
  const summary = async (id: string): Promise<UserSummary | undefined> =>
    (await listUsers(identity.db(), identity.now())).find((u) => u.id === id);

  r.get('/admin/roles', (_req, res) => {
    res.json({ roles: policy.roleSummaries() });
  });

  r.get('/admin/users', async (_req, res) => {
    res.json({ users: await listUsers(identity.db(), identity.now()) });
  });

  r.post('/admin/users', async (req, res) => {
    const body = parseInput(createUserSchema, req.body);
    const privileged = privilegedTargetProblem(policy, 'none', body.role);
    if (privileged) throw new AppError('forbidden', privileged);
    const department = body.departmentId ? await findDepartment(identity.db(), body.departmentId) : null;
    const problem = accountProblem(policy, { role: body.role, kind: body.kind, department, departmentId: body.departmentId });
    if (problem) throw new AppError('bad_request', problem);
    const weak = passwordProblemsError(identity, body.password, body.username);
    if (weak) throw weak;
    const passwordHash = await hashPassword(body.password);
    const now = identity.now();
    const id = await identity.db().transaction(async (tx) => {
      const created = await insertUser(tx, { ...body, passwordHash, mustChangePassword: true }, now);
      if (!created) throw new AppError('conflict', `登录名 ${body.username} 已被占用`);
      await identity.audit.appendIn(tx, {
        ...audit(req),
        action: 'user.create',
        outcome: 'ok',
        object: `user ${body.username}`,
        detail: { role: body.role, kind: body.kind, departmentId: body.departmentId, gridScope: body.gridScope },
      });
      return created;
    });
    res.status(201).json({ user: await summary(id) });
  });

  r.patch('/admin/users/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const patch = parseInput(updateUserSchema, req.body);
    const me = principalOf(req);
    if (id === me.userId) throw new AppError('forbidden', '不能通过用户管理修改自己的账号');
    const privileged = patch.role ? privilegedTargetProblem(policy, 'none', patch.role) : null;
    if (privileged) throw new AppError('forbidden', privileged);
    const now = identity.now();
    const ended = await identity.db().transaction(async (tx) => {
      const user = await target(id, tx);
      const role = patch.role ?? roleIdSchema.safeParse(user.role).data;
      if (!role) throw new AppError('conflict', `用户 ${user.username} 的角色 ${user.role} 不在权限策略中，请先为其指定角色`);
      const departmentId = patch.departmentId === undefined ? user.departmentId : patch.departmentId;
      const department = departmentId ? await findDepartment(tx, departmentId) : null;
      const problem = accountProblem(policy, { role, kind: user.kind, department, departmentId });
      if (problem) throw new AppError('bad_request', problem);
      await updateUser(tx, id, patch, now);
      const base = { ...audit(req), outcome: 'ok' as const, object: `user ${user.username}` };
      await identity.audit.appendIn(tx, { ...base, action: 'user.update', detail: { changes: patch } });
      if (patch.role && patch.role !== user.role) {
        await identity.audit.appendIn(tx, { ...base, action: 'role.change', detail: { from: user.role, to: patch.role } });
      }
      if (!patch.disabled) return [];
      const ended = await endCredentialsIn(tx, identity.sessions, id, 'disabled', now);
      await identity.audit.appendIn(tx, {
        ...base,
        action: 'session.revoke',
        detail: { reason: 'disabled', sessionsEnded: ended.sessions.length, apiKeysRevoked: ended.apiTokensRevoked },
      });
      return ended.sessions;
    });
    identity.sessions.announce(ended);
    res.json({ user: await summary(id) });
  });

  r.post('/admin/users/:id/password', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const { password } = parseInput(resetPasswordSchema, req.body);
    const user = await target(id, identity.db());
    const weak =
      passwordProblemsError(identity, password, user.username) ??
      (await passwordReuseError(identity.db(), user.id, password, policy.password.history ?? 0));
    if (weak) throw weak;
    const hash = await hashPassword(password);
    const ended = await identity.db().transaction(async (tx) => {
      await target(id, tx);
      await setPasswordHash(tx, id, hash, true, identity.now());
      const ended = await endCredentialsIn(tx, identity.sessions, id, 'password_changed', identity.now());
      await identity.audit.appendIn(tx, {
        ...audit(req),
        action: 'user.password_reset',
        outcome: 'ok',
        object: `user ${user.username}`,
        detail: { sessionsEnded: ended.sessions.length, apiKeysRevoked: ended.apiTokensRevoked },
      });
      return ended.sessions;
    });
    identity.sessions.announce(ended);
    res.status(204).end();
  });

  r.post('/admin/users/:id/revoke-sessions', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const ended = await identity.db().transaction(async (tx) => {
      const user = await target(id, tx);
      const credentials = await endCredentialsIn(tx, identity.sessions, id, 'revoked', identity.now());
      await identity.audit.appendIn(tx, {
        ...audit(req),
        action: 'session.revoke',
        outcome: 'ok',
        object: `user ${user.username}`,
        detail: { sessionsEnded: credentials.sessions.length, apiKeysRevoked: credentials.apiTokensRevoked },
      });
      return credentials;
    });
    identity.sessions.announce(ended.sessions);
    res.json({ sessionsEnded: ended.sessions.length, apiTokensRevoked: ended.apiTokensRevoked });
  });

  r.post('/admin/users/:id/unlock', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    await identity.db().transaction(async (tx) => {
      const user = await target(id, tx);
      await tx.query("DELETE FROM auth_lockout WHERE login_key = $1 OR starts_with(login_key, $1 || '@')", [
        loginKey(user.username),
      ]);
      await identity.audit.appendIn(tx, { ...audit(req), action: 'user.unlock', outcome: 'ok', object: `user ${user.username}` });
    });
    res.status(204).end();
  });

  userTokenRoutes(r, identity, target);

  r.get('/admin/departments', async (_req, res) => {
    res.json({ departments: await listDepartments(identity.db()) });
  });

  r.post('/admin/departments', async (req, res) => {
    const d = parseInput(departmentSchema, req.body);
    await identity.db().transaction(async (tx) => {
      const rows = await tx.query<{ id: string }>(
        `INSERT INTO department (id, name, kind, hotline, district_adcode) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING RETURNING id`,
        [d.id, d.name, d.kind, d.hotline, d.districtAdcode],
      );
      if (!rows.length) throw new AppError('conflict', `部门编号 ${d.id} 或名称「${d.name}」已存在`);
      await identity.audit.appendIn(tx, {
        ...audit(req),
        action: 'department.write',
        outcome: 'ok',
        object: `department ${d.id}`,
        detail: { created: d },
      });
    });
    res.status(201).json({ department: await findDepartment(identity.db(), d.id) });
  });

  r.patch('/admin/departments/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const patch = parseInput(updateDepartmentSchema, req.body);
    await identity.db().transaction(async (tx) => {
      const current = await findDepartment(tx, id);
      if (!current) throw new AppError('not_found', `部门 ${id} 不存在`);
      const next = { ...current, ...patch };
      const clash = await tx.query('SELECT 1 FROM department WHERE name = $1 AND id <> $2', [next.name, id]);
      if (clash.length) throw new AppError('conflict', `部门名称「${next.name}」已存在`);
      await tx.query(
        'UPDATE department SET name = $2, kind = $3, hotline = $4, district_adcode = $5, active = $6 WHERE id = $1',
        [id, next.name, next.kind, next.hotline, next.districtAdcode, next.active],
      );
      await identity.audit.appendIn(tx, {
        ...audit(req),
        action: 'department.write',
        outcome: 'ok',
        object: `department ${id}`,
        detail: { changes: patch },
      });
    });
    res.json({ department: await findDepartment(identity.db(), id) });
  });

  return r;
}
