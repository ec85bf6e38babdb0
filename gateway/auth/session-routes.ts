import { Router, type Response } from 'express';
import type { PolicyActions } from '../../contracts/audit';
import { changePasswordSchema, loginRequestSchema, type LoginResponse, type SessionProbe } from '../../contracts/identity';
import { endCredentialsIn } from './credentials';
import { clearSessionCookie, readCookie, setSessionCookie } from './cookie';
import { identityOf, type Identity } from './identity';
import { hashPassword, verifyPassword } from './kdf';
import { lockedUntil, loginKey } from './lockout';
import { actorOf, sessionInfo, sessionUser } from './principal';
import { origin, principalOf } from './request';
import { passwordReuseError } from './password-history';
import { findUserById, setPasswordHash } from './users';
import { ENDED_MESSAGES } from './messages';
import type { AppDeps } from '../deps';
import { resolveRequestPrincipal } from '../policy/http';
import { AppError, parseInput } from '../http/errors';

/** Sends Retry-After with a lockout or rate-limit refusal, then lets the error handler answer. */
function withRetryAfter(res: Response, err: unknown): never {
  if (err instanceof AppError && (err.code === 'locked' || err.code === 'rate_limited')) {
    const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    if (retry) res.setHeader('Retry-After', String(retry));
  }
  throw err;
}

export function passwordProblemsError(identity: Identity, password: string, username: string): AppError | null {
  const problems = identity.checkPassword(password, username);
  if (!problems.length) return null;
  return new AppError('bad_request', `密码不符合要求：${problems.map((p) => p.message).join('；')}`, { problems });
}

/** Login, logout, the current session, renewal and self-service password change. */
export function authRoutes(deps: AppDeps): Router {
  const identity = identityOf(deps);
  const r = Router();

  r.post('/auth/login', identity.loginLimiter.http, async (req, res) => {
    const body = parseInput(loginRequestSchema, req.body);
    const { sourceIp, requestId } = origin(req);
    const { token, principal } = await identity
      .login(body.username, body.password, { channel: 'http', userAgent: req.get('user-agent') ?? null, ip: sourceIp, requestId })
      .catch((err: unknown) => withRetryAfter(res, err));
    setSessionCookie(res, identity, token, principal.absoluteExpiresAt);
    const out: LoginResponse = { user: sessionUser(principal, identity.policy), session: sessionInfo(principal) };
    res.json(out);
  });

  r.post('/auth/logout', async (req, res) => {
    const token = readCookie(req.headers.cookie, identity.cookie.name);
    if (token) {
      const check = await identity.sessions.resolveToken(token);
      if (check.ok) {
        const p = check.principal;
        await identity.sessions.end(p.sessionId, 'logout', {
          ...origin(req),
          action: 'auth.logout',
          outcome: 'ok',
          actor: actorOf(p),
          object: `session ${p.sessionId}`,
        });
      }
    }
    clearSessionCookie(res, identity);
    res.status(204).end();
  });

  /** The session probe the web app starts with: 200 either way, so an anonymous visit logs no error. */
  r.get('/auth/session', async (req, res) => {
    const { principal, ended } = await resolveRequestPrincipal(identity, req, res);
    const out: SessionProbe = principal
      ? { user: sessionUser(principal, identity.policy), session: sessionInfo(principal), notice: null }
      : { user: null, session: null, notice: ended ? ENDED_MESSAGES[ended] : null };
    res.json(out);
  });

  r.get('/auth/me', (req, res) => {
    const p = principalOf(req);
    const out: LoginResponse = { user: sessionUser(p, identity.policy), session: sessionInfo(p) };
    res.json(out);
  });

  /** The policy's actions in words, with who may perform each: what a page the role may not open says it needs. */
  r.get('/auth/actions', (_req, res) => {
    const out: PolicyActions = { actions: identity.policy.actionViews() };
    res.json(out);
  });

  r.post('/auth/renew', async (req, res) => {
    const check = await identity.sessions.resolveId(principalOf(req).sessionId);
    if (!check.ok) throw new AppError('unauthenticated', '会话已结束，请重新登录');
    res.json(sessionInfo(check.principal));
  });

  r.get('/auth/password-policy', (_req, res) => {
    const rules = identity.policy.password;
    res.json({
      ...rules,
      rules: [
        `至少 ${rules.minLength} 个字符`,
        `包含大写字母、小写字母、数字、符号中的至少 ${rules.minClasses} 类`,
        '不能等于或包含登录名',
        '不能是常见或已泄露的密码，也不能只是它们加数字、符号或字母替换',
        '不能包含键盘序列、连续或重复字符',
        ...(rules.minStrength ? [`强度评估（zxcvbn）至少 ${rules.minStrength}/4：不能只是常见单词、姓名、日期的组合`] : []),
        ...(rules.history ? [`不能与最近 ${rules.history} 次使用过的密码相同`] : []),
      ],
    });
  });

  r.post('/auth/password', async (req, res) => {
    const p = principalOf(req);
    const body = parseInput(changePasswordSchema, req.body);
    const user = await findUserById(identity.db(), p.userId);
    if (!user) throw new AppError('unauthenticated', '账号不存在');
    const now = identity.now();
    const key = loginKey(user.username);
    const until = lockedUntil(await identity.lockout.state(key), now);
    if (until)
      withRetryAfter(
        res,
        new AppError('locked', '密码验证失败次数过多，账号已锁定', {
          retryAfterSeconds: Math.ceil((until.getTime() - now.getTime()) / 1000),
        }),
      );
    if (!(await verifyPassword(user.passwordHash, body.currentPassword))) {
      await identity.lockout.recordFailure(key, now);
      await identity.audit.append({
        ...origin(req),
        action: 'password.change',
        outcome: 'failed',
        actor: actorOf(p),
        object: `user ${user.username}`,
        detail: { reason: 'bad_current_password' },
      });
      throw new AppError('forbidden', '当前密码不正确');
    }
    if (body.newPassword === body.currentPassword) throw new AppError('bad_request', '新密码不能与当前密码相同');
    const problem =
      passwordProblemsError(identity, body.newPassword, user.username) ??
      (await passwordReuseError(identity.db(), user.id, body.newPassword, identity.policy.password.history ?? 0));
    if (problem) throw problem;
    const hash = await hashPassword(body.newPassword);
    const ended = await identity.db().transaction(async (tx) => {
      await setPasswordHash(tx, user.id, hash, false, now);
      const others = await endCredentialsIn(tx, identity.sessions, user.id, 'password_changed', now, p.sessionId);
      await identity.audit.appendIn(tx, {
        ...origin(req),
        action: 'password.change',
        outcome: 'ok',
        actor: actorOf(p),
        object: `user ${user.username}`,
        detail: { otherSessionsEnded: others.sessions.length, apiKeysRevoked: others.apiTokensRevoked },
      });
      return others.sessions;
    });
    identity.sessions.announce(ended);
    res.status(204).end();
  });

  return r;
}
