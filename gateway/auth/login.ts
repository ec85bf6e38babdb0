import { usernameSchema } from '../../contracts/identity';
import type { Db } from '../../geo/db/types';
import type { AuditWriter } from '../audit/writer';
import { AppError } from '../http/errors';
import type { Policy } from '../policy/policy';
import { dummyHash, verifyPassword } from './kdf';
import { lockedUntil, loginKey, type LockoutStore } from './lockout';
import type { Principal } from './principal';
import type { SessionStore } from './sessions';
import { findUserByUsername } from './users';

export interface LoginContext {
  channel: 'http' | 'socket';
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface LoginDeps {
  db: () => Db;
  now: () => Date;
  policy: Policy;
  audit: AuditWriter;
  sessions: SessionStore;
  lockout: LockoutStore;
}

const BAD_CREDENTIALS = '用户名或密码错误';

/** The login name as it may appear in the audit log: a well-formed name, or a placeholder (it may be a mistyped password). */
const auditName = (key: string) => (usernameSchema.safeParse(key).success ? key : `(无效登录名，${[...key].length} 个字符)`);

const lockedError = (until: Date, now: Date) => {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new AppError('locked', `登录失败次数过多，账号已锁定，请在 ${Math.ceil(seconds / 60)} 分钟后重试`, {
    lockedUntil: until.toISOString(),
    retryAfterSeconds: seconds,
  });
};

/**
 * Password login for HTTP and socket handshakes alike. Known and unknown login names take the same path:
 * the same lockout counter, one scrypt verification (against a dummy hash when the name is unknown) and
 * the same answer, so neither the response nor its timing tells whether an account exists.
 */
export async function authenticate(
  deps: LoginDeps,
  username: string,
  password: string,
  ctx: LoginContext,
): Promise<{ token: string; principal: Principal }> {
  const key = loginKey(username);
  const now = deps.now();
  const context = { channel: ctx.channel };
  const base = { object: `account ${auditName(key)}`, sourceIp: ctx.ip, requestId: ctx.requestId };
  const state = await deps.lockout.state(key);
  const until = lockedUntil(state, now);
  if (until) {
    await deps.audit.append({
      ...base,
      action: 'auth.login',
      outcome: 'locked',
      actor: { userId: null, username: auditName(key), role: null },
      detail: { ...context, lockedUntil: until },
    });
    throw lockedError(until, now);
  }
  const user = await findUserByUsername(deps.db(), key);
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
  const actor = user
    ? { userId: user.id, username: user.username, role: user.role }
    : { userId: null, username: auditName(key), role: null };

  if (user && passwordOk && user.disabled) {
    await deps.audit.append({
      ...base,
      action: 'auth.login',
      outcome: 'failed',
      actor,
      detail: { ...context, reason: 'account_disabled' },
    });
    throw new AppError('unauthenticated', '账号已停用，请联系系统管理员');
  }
  if (!user || !passwordOk) {
    const next = await deps.lockout.recordFailure(key, now);
    const nowLocked = lockedUntil(next, now);
    await deps.audit.append({
      ...base,
      action: 'auth.login',
      outcome: 'failed',
      actor,
      detail: {
        ...context,
        reason: user ? 'bad_password' : 'unknown_user',
        failures: next.failures,
        ...(nowLocked ? { lockedUntil: nowLocked } : {}),
      },
    });
    const rules = deps.policy.lockout;
    throw new AppError(
      'unauthenticated',
      nowLocked ? `${BAD_CREDENTIALS}；连续失败 ${rules.maxFailures} 次，账号已锁定 ${rules.lockMinutes} 分钟` : BAD_CREDENTIALS,
    );
  }

  await deps.lockout.reset(key);
  const { token, sessionId } = await deps.db().transaction(async (tx) => {
    const created = await deps.sessions.create(tx, user, ctx);
    await deps.audit.appendIn(tx, {
      ...base,
      action: 'auth.login',
      outcome: 'ok',
      actor,
      detail: { ...context, session: created.sessionId },
    });
    return created;
  });
  const check = await deps.sessions.resolveId(sessionId);
  if (!check.ok) throw new AppError('unauthenticated', '会话创建后立即失效，请重试');
  return { token, principal: check.principal };
}
