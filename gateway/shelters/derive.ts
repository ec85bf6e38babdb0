import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Queryable } from '../../geo/db/types';
import { SHELTER_RULES } from './rules';

const DERIVE_SQL = readFileSync(path.join(__dirname, 'derive.sql'), 'utf8');

/**
 * Derives shelters from the imported city data by the written rules; registered shelters are left alone, opening
 * state and occupancy survive. Running it twice changes nothing.
 */
export async function deriveShelters(db: Queryable): Promise<{ derived: number; removed: number }> {
  const r = SHELTER_RULES;
  const [row] = await db.query<{ derived: number; removed: number }>(DERIVE_SQL, [
    r.undergroundM2PerPerson,
    r.openSpaceM2PerPerson,
    r.bunkerM2,
    r.metroStationM2,
    r.minOpenSpaceM2,
  ]);
  return row ?? { derived: 0, removed: 0 };
}

/** Derives shelters when none has been derived yet (start-up). */
export async function ensureShelters(db: Queryable): Promise<{ derived: number; removed: number } | null> {
  const [row] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM shelter WHERE origin = 'derived'");
  return row && row.n > 0 ? null : deriveShelters(db);
}
