import { usernameSchema } from '../../contracts/identity';
import type { Db } from '../../geo/db/types';
import type { AuditWriter } from '../audit/writer';
import { AppError } from '../http/errors';
import type { Policy } from '../policy/policy';
import { dummyHash, verifyPassword } from './kdf';
import { isKnownSource, rememberSource } from './known-sources';
import { lockedUntil, loginKey, sourceKey, usualSourceKey, type LockoutStore } from './lockout';
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
  sourceLockout: LockoutStore;
}

const BAD_CREDENTIALS = '用户名或密码错误';

/** The login name as it may appear in the audit log: a well-formed name, or a placeholder (it may be a mistyped password). */
const auditName = (key: string) => (usernameSchema.safeParse(key).success ? key : `(无效登录名，${[...key].length} 个字符)`);

const waitSeconds = (until: Date, now: Date) => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

const lockedError = (until: Date, now: Date) => {
  const seconds = waitSeconds(until, now);
  return new AppError('locked', `登录失败次数过多，账号已锁定，请在 ${Math.ceil(seconds / 60)} 分钟后重试`, {
    lockedUntil: until.toISOString(),
    retryAfterSeconds: seconds,
  });
};

const sourceThrottledError = (until: Date, now: Date) => {
  const seconds = waitSeconds(until, now);
  return new AppError('rate_limited', `本机所在地址登录失败次数过多，请在 ${Math.ceil(seconds / 60)} 分钟后重试`, {
    retryAfterSeconds: seconds,
  });
};

/**
 * Password login for HTTP and socket handshakes alike. Known and unknown login names take the same path:
 * the same lockout counter, one scrypt verification (against a dummy hash when the name is unknown) and
 * the same answer, so neither the response nor its timing tells whether an account exists.
 *
 * Failures are counted three ways. Per source address: too many from one address, whatever names it tries, and
 * that address waits. Per login name: too many and the name is locked — but only for addresses its owner has
 * never logged in from, so failures from elsewhere cannot lock a person out of their usual place. There, a counter
 * of the name at that address limits guessing instead.
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
  const refuse = async (reason: 'source' | 'name' | 'usual_source', until: Date) => {
    await deps.audit.append({
      ...base,
      action: 'auth.login',
      outcome: 'locked',
      actor: { userId: null, username: auditName(key), role: null },
      detail: { ...context, lockedUntil: until, lock: reason },
    });
    return reason === 'source' ? sourceThrottledError(until, now) : lockedError(until, now);
  };

  const sourceLocked = lockedUntil(await deps.sourceLockout.state(sourceKey(ctx.ip)), now);
  if (sourceLocked) throw await refuse('source', sourceLocked);
  const user = await findUserByUsername(deps.db(), key);
  const nameLocked = lockedUntil(await deps.lockout.state(key), now);
  // Looked up for unknown names too (with no user it finds nothing), so the timing does not tell them apart.
  const usual = nameLocked !== null && (await isKnownSource(deps.db(), user?.id ?? null, ctx.ip));
  const pairKey = usual && ctx.ip ? usualSourceKey(key, ctx.ip) : null;
  if (nameLocked && !pairKey) throw await refuse('name', nameLocked);
  const pairLocked = pairKey ? lockedUntil(await deps.lockout.state(pairKey), now) : null;
  if (pairLocked) throw await refuse('usual_source', pairLocked);

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
    await deps.sourceLockout.recordFailure(sourceKey(ctx.ip), now);
    const next = await deps.lockout.recordFailure(key, now);
    const pair = pairKey ? await deps.lockout.recordFailure(pairKey, now) : null;
    const nowLocked = lockedUntil(pair ?? next, now);
    await deps.audit.append({
      ...base,
      action: 'auth.login',
      outcome: 'failed',
      actor,
      detail: {
        ...context,
        reason: user ? 'bad_password' : 'unknown_user',
        failures: (pair ?? next).failures,
        ...(pairKey ? { usualSource: true } : {}),
        ...(nowLocked ? { lockedUntil: nowLocked } : {}),
      },
    });
    const rules = deps.policy.lockout;
    throw new AppError(
      'unauthenticated',
      nowLocked ? `${BAD_CREDENTIALS}；连续失败 ${rules.maxFailures} 次，账号已锁定 ${rules.lockMinutes} 分钟` : BAD_CREDENTIALS,
    );
  }

  // A success from the usual place while the name is locked leaves the lock on for everyone else.
  if (!nameLocked) await deps.lockout.reset(key);
  if (pairKey) await deps.lockout.reset(pairKey);
  const { token, sessionId } = await deps.db().transaction(async (tx) => {
    const created = await deps.sessions.create(tx, user, ctx);
    await rememberSource(tx, user.id, ctx.ip, now);
    await deps.audit.appendIn(tx, {
      ...base,
      action: 'auth.login',
      outcome: 'ok',
      actor,
      detail: { ...context, session: created.sessionId, ...(nameLocked ? { usualSourceWhileLocked: true } : {}) },
    });
    return created;
  });
  const check = await deps.sessions.resolveId(sessionId);
  if (!check.ok) throw new AppError('unauthenticated', '会话创建后立即失效，请重试');
  return { token, principal: check.principal };
}
