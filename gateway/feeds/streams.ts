import type { Logger } from 'pino';
import type { Db, Queryable } from '../../geo/db/types';
import type { ChangeHub } from '../changes/hub';
import { GroupCommit } from '../changes/group-commit';
import { appendChanges } from '../changes/log';
import { loadUnits } from '../incidents/units';
import type { AvlFix } from './avl';

export type { AvlFix } from './avl';

/** `applied: false` for a fix no newer than the one stored (a redelivery or out-of-order arrival). */
export type AvlResult = { applied: true } | { applied: false; reason: 'unknown_unit' | 'not_newer' };

/**
 * Unit positions with group commit: a fix moves its unit only when newer than the stored one, so redelivered
 * and out-of-order fixes change nothing; each moved unit goes to the change log once per batch.
 */
export function createAvlWriter(db: Db, hub: ChangeHub, log: Logger): GroupCommit<AvlFix, AvlResult> {
  return new GroupCommit(db, hub, log, 'unit positions', (tx, fixes) => writeFixes(tx, fixes), 500);
}

async function writeFixes(tx: Queryable, fixes: AvlFix[]) {
  // The newest fix per unit in the batch is the only one that can win.
  const newest = new Map<string, AvlFix>();
  for (const f of fixes) {
    const cur = newest.get(f.unitId);
    if (!cur || Date.parse(f.at) > Date.parse(cur.at)) newest.set(f.unitId, f);
  }
  const list = [...newest.values()];
  const moved = await tx.query<{ id: string }>(
    `UPDATE unit u SET geom = ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326), position_at = t.at, stale_at = t.stale,
            accuracy_m = t.ce, updated_at = now()
       FROM unnest($1::text[], $2::float8[], $3::float8[], $4::timestamptz[], $5::timestamptz[], $6::real[])
            AS t(id, lon, lat, at, stale, ce)
      WHERE u.id = t.id AND (u.position_at IS NULL OR u.position_at < t.at)
      RETURNING u.id`,
    [
      list.map((f) => f.unitId),
      list.map((f) => f.lon),
      list.map((f) => f.lat),
      list.map((f) => f.at),
      list.map((f) => f.staleAt),
      list.map((f) => f.accuracyM),
    ],
  );
  const movedIds = new Set(moved.map((m) => m.id));
  const known = new Set(
    (await tx.query<{ id: string }>('SELECT id FROM unit WHERE id = ANY($1::text[])', [list.map((f) => f.unitId)])).map(
      (r) => r.id,
    ),
  );
  const units = await loadUnits(tx, [...movedIds]);
  const changes = await appendChanges(
    tx,
    units.map((unit) => ({ topic: 'unit' as const, entity: unit.id, district: null, payload: { unit } })),
  );
  const results: AvlResult[] = fixes.map((f) =>
    !known.has(f.unitId)
      ? { applied: false, reason: 'unknown_unit' }
      : movedIds.has(f.unitId) && newest.get(f.unitId) === f
        ? { applied: true }
        : { applied: false, reason: 'not_newer' },
  );
  return { results, changes };
}
