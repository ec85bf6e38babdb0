import type { Logger } from 'pino';
import type { PasswordProblem } from '../../contracts/identity';
import type { Db } from '../../geo/db/types';
import { HeadWitness } from '../audit/head-witness';
import { loadAuditKey, type AuditKey } from '../audit/key';
import { AuditWriter } from '../audit/writer';
import type { ChangeHub } from '../changes/hub';
import type { Config } from '../config';
import { CurrentMode } from '../modes/current';
import { loadPolicy } from '../policy/load';
import type { Policy } from '../policy/policy';
import { LockoutStore } from './lockout';
import { authenticate, type LoginContext } from './login';
import { checkPassword, loadCommonPasswords } from './password-policy';
import type { Principal } from './principal';
import { createLoginLimiter, type LoginLimiter } from './rate-limit';
import { SessionStore } from './sessions';

/** Identity, access and audit services, built once per app and shared by HTTP, sockets and scripts. */
export interface Identity {
  readonly config: Config;
  readonly log: Logger;
  readonly policy: Policy;
  /** The system mode the policy decides in (for actions whose grants change with the mode). */
  readonly mode: CurrentMode;
  readonly key: AuditKey;
  readonly audit: AuditWriter;
  /** The audit chain's head, written outside the database (DATA_DIR) after appends. */
  readonly witness: HeadWitness;
  readonly sessions: SessionStore;
  readonly lockout: LockoutStore;
  /** Failed logins per source address (`policy.sourceLockout`). */
  readonly sourceLockout: LockoutStore;
  readonly loginLimiter: LoginLimiter;
  /** The clock every identity decision uses (injectable so tests can cross 15-minute and 30-minute boundaries). */
  readonly now: () => Date;
  db(): Db;
  login(username: string, password: string, ctx: LoginContext): Promise<{ token: string; principal: Principal }>;
  checkPassword(password: string, username: string): PasswordProblem[];
  cookie: { name: string; secure: boolean };
}

export interface IdentityOptions {
  config: Config;
  log: Logger;
  /** The start-up gate (gateway/deps.ts `Readiness`): its `db()` answers 503 until the database is ready. */
  readiness: { db(): Db; changes?: ChangeHub };
  now?: () => Date;
  policy?: Policy;
  key?: AuditKey;
}

export const SESSION_COOKIE = 'hb_sid';

export function createIdentity(opts: IdentityOptions): Identity {
  const now = opts.now ?? (() => new Date());
  const policy = opts.policy ?? loadPolicy();
  const key = opts.key ?? loadAuditKey({ configured: opts.config.AUDIT_HMAC_KEY?.reveal(), dataDir: opts.config.DATA_DIR });
  const db = () => opts.readiness.db();
  const witness = new HeadWitness({ dir: opts.config.DATA_DIR, key, db, log: opts.log });
  const audit = new AuditWriter({ db, key, now, log: opts.log, witness });
  const sessions = new SessionStore({ db, now, policy, audit });
  const lockout = new LockoutStore(db, () => policy.lockout);
  const sourceLockout = new LockoutStore(db, () => policy.sourceLockout);
  const common = loadCommonPasswords();
  return {
    config: opts.config,
    log: opts.log,
    policy,
    mode: new CurrentMode(db, opts.readiness.changes),
    key,
    audit,
    witness,
    sessions,
    lockout,
    sourceLockout,
    loginLimiter: createLoginLimiter(policy.loginRateLimit),
    now,
    db,
    login: (username, password, ctx) =>
      authenticate({ db, now, policy, audit, sessions, lockout, sourceLockout }, username, password, ctx),
    checkPassword: (password, username) => checkPassword(password, username, policy.password, common),
    cookie: { name: SESSION_COOKIE, secure: opts.config.COOKIE_SECURE },
  };
}

const built = new WeakMap<IdentityOptions, Identity>();

/** The identity services of an app: the ones passed in `deps.identity`, or built once for these deps (`AppDeps`). */
export function identityOf(deps: IdentityOptions & { identity?: Identity }): Identity {
  if (deps.identity) return deps.identity;
  let identity = built.get(deps);
  if (!identity) {
    identity = createIdentity(deps);
    built.set(deps, identity);
  }
  return identity;
}
