import { afterFailure, EMPTY_LOCKOUT, lockedUntil, loginKey, type LockoutState } from '../../gateway/auth/lockout';

const RULES = { maxFailures: 5, windowMinutes: 15, lockMinutes: 15 };
const MIN = 60_000;
const T0 = Date.parse('2025-01-15T08:00:00Z');
const at = (ms: number) => new Date(T0 + ms);

function fail(times: number[], from: LockoutState = EMPTY_LOCKOUT): LockoutState {
  return times.reduce((s, t) => afterFailure(s, at(t), RULES), from);
}

describe('lockout counter (pure)', () => {
  it('locks on the fifth failure for exactly 15 minutes', () => {
    const s = fail([0, 1000, 2000, 3000, 4000]);
    expect(s.lockedUntil).toEqual(at(4000 + 15 * MIN));
    expect(lockedUntil(s, at(4000 + 15 * MIN - 1))).not.toBeNull();
    expect(lockedUntil(s, at(4000 + 15 * MIN))).toBeNull();
  });

  it('does not lock on four failures', () => {
    expect(fail([0, 1, 2, 3]).lockedUntil).toBeNull();
  });

  it('counts five failures whose first and last are 14:59.999 apart', () => {
    expect(fail([0, MIN, 2 * MIN, 3 * MIN, 15 * MIN - 1]).lockedUntil).not.toBeNull();
  });

  it('starts a new window when the fifth failure comes 15:00 after the first', () => {
    const s = fail([0, MIN, 2 * MIN, 3 * MIN, 15 * MIN]);
    expect(s.lockedUntil).toBeNull();
    expect(s.failures).toBe(1);
  });

  it('ignores failures while locked (the lock is not extended)', () => {
    const locked = fail([0, 1, 2, 3, 4]);
    const again = afterFailure(locked, at(10 * MIN), RULES);
    expect(again).toEqual(locked);
  });

  it('starts afresh after the lock expires: one failure does not relock', () => {
    const s = fail([0, 1, 2, 3, 4, 4 + 15 * MIN]);
    expect(s.failures).toBe(1);
    expect(lockedUntil(s, at(5 + 15 * MIN))).toBeNull();
  });

  it('keys login names case- and width-insensitively', () => {
    expect(loginKey('  Zhang.WEI ')).toBe('zhang.wei');
    expect(loginKey('ＡＤＭＩＮ')).toBe('admin');
  });
});
