import { useMemo } from 'react';
import { warningInForce, type PublicWarning, type WarningLevel } from '../../../contracts/warnings';

const SEVERITY: readonly WarningLevel[] = ['red', 'orange', 'yellow', 'blue'];

/**
 * The warnings held that are in force at `now`, most severe first: one whose expiry passes leaves at once, before
 * the change log says so. The list keeps its identity while the set in force is the same, so maps redraw only then.
 */
export function useWarningsInForce(held: ReadonlyMap<string, PublicWarning>, now: number): PublicWarning[] {
  const all = useMemo(
    () =>
      [...held.values()].sort(
        (a, b) => SEVERITY.indexOf(a.level) - SEVERITY.indexOf(b.level) || b.sentAt.localeCompare(a.sentAt),
      ),
    [held],
  );
  const key = all
    .filter((w) => warningInForce(w, now))
    .map((w) => w.id)
    .join(',');
  return useMemo(() => {
    const ids = new Set(key.split(','));
    return all.filter((w) => ids.has(w.id));
  }, [all, key]);
}
