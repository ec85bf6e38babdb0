import type { Change } from '../../contracts/incidents';
import type { DutyHandover, DutyShift } from '../../contracts/duty';
import type { Queryable } from '../../geo/db/types';
import { appendChanges, lockChangeLog } from '../changes/log';

/** Roster changes and handovers on the change log (layer 'duty'), in the writing transaction; the walls follow them. */
export async function dutyChanges(
  tx: Queryable,
  items: { shifts?: readonly DutyShift[]; handover?: DutyHandover },
): Promise<Change[]> {
  await lockChangeLog(tx);
  return appendChanges(tx, [
    ...(items.shifts ?? []).map((s) => ({ topic: 'duty' as const, entity: s.id, district: null, payload: { dutyShift: s } })),
    ...(items.handover
      ? [{ topic: 'duty' as const, entity: items.handover.id, district: null, payload: { dutyHandover: items.handover } }]
      : []),
  ]);
}
