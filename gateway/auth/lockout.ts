import type { Db } from '../../geo/db/types';

export interface LockoutRules {
  maxFailures: number;
  windowMinutes: number;
  lockMinutes: number;
}

export interface LockoutState {
  failures: number;
  windowStart: Date | null;
  lockedUntil: Date | null;
}

export const EMPTY_LOCKOUT: LockoutState = { failures: 0, windowStart: null, lockedUntil: null };
const MINUTE = 60_000;

/** The login-name key: trimmed, NFKC-folded and lower-cased, so `Admin` and `admin ` share one counter. */
export function loginKey(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

/** The counter of failures from one source address, whatever login names were tried (`policy.sourceLockout`). */
export const sourceKey = (ip: string | null) => `ip:${ip ?? 'unknown'}`;

/** The counter of one login name at one of its usual addresses: what still limits guessing there while the name is locked. */
export const usualSourceKey = (name: string, ip: string) => `${name}@${ip}`;

export function lockedUntil(state: LockoutState, now: Date): Date | null {
  return state.lockedUntil && state.lockedUntil.getTime() > now.getTime() ? state.lockedUntil : null;
}

/**
 * The counter after one more failure: failures count inside a window that starts at the first failure
 * and lasts `windowMinutes`; reaching `maxFailures` locks the name for `lockMinutes`. Attempts while
 * locked do not extend the lock; the first failure after the lock (or after the window) starts afresh.
 */
export function afterFailure(state: LockoutState, now: Date, rules: LockoutRules): LockoutState {
  if (lockedUntil(state, now)) return state;
  const t = now.getTime();
  const windowOpen =
    state.windowStart !== null && t - state.windowStart.getTime() < rules.windowMinutes * MINUTE && state.lockedUntil === null;
  const failures = windowOpen ? state.failures + 1 : 1;
  const windowStart = windowOpen ? state.windowStart : now;
  return {
    failures,
    windowStart,
    lockedUntil: failures >= rules.maxFailures ? new Date(t + rules.lockMinutes * MINUTE) : null,
  };
}

interface Row {
  failures: number;
  window_start: Date | null;
  locked_until: Date | null;
}
const toState = (r: Row | undefined): LockoutState =>
  r ? { failures: r.failures, windowStart: r.window_start, lockedUntil: r.locked_until } : EMPTY_LOCKOUT;

/** The counter in the database, shared by HTTP logins and socket handshakes (and by gateway processes). */
export class LockoutStore {
  constructor(
    private readonly db: () => Db,
    private readonly rules: () => LockoutRules,
  ) {}

  async state(key: string): Promise<LockoutState> {
    const [row] = await this.db().query<Row>(
      'SELECT failures, window_start, locked_until FROM auth_lockout WHERE login_key = $1',
      [key],
    );
    return toState(row);
  }

  /** Records one failure atomically (row lock), returning the new state. */
  recordFailure(key: string, now: Date): Promise<LockoutState> {
    return this.db().transaction(async (tx) => {
      await tx.query('INSERT INTO auth_lockout (login_key) VALUES ($1) ON CONFLICT (login_key) DO NOTHING', [key]);
      const [row] = await tx.query<Row>(
        'SELECT failures, window_start, locked_until FROM auth_lockout WHERE login_key = $1 FOR UPDATE',
        [key],
      );
      const next = afterFailure(toState(row), now, this.rules());
      await tx.query(
        'UPDATE auth_lockout SET failures = $2, window_start = $3, locked_until = $4, updated_at = $5 WHERE login_key = $1',
        [key, next.failures, next.windowStart, next.lockedUntil, now],
      );
      return next;
    });
  }

  async reset(key: string): Promise<void> {
    await this.db().query('DELETE FROM auth_lockout WHERE login_key = $1', [key]);
  }
}
