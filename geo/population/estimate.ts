import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db, Queryable } from '../db/types';
import { CENSUS_2010, POPULATION_ASSUMPTIONS } from './assumptions';

const ESTIMATE_SQL = readFileSync(path.join(__dirname, 'estimate.sql'), 'utf8');
const LANDUSE_SQL = readFileSync(path.join(__dirname, 'landuse.sql'), 'utf8');

export interface PopulationTarget {
  adcode: string;
  people: number;
}

/** Each covered district's calibration target: its census population × the share of its 街道 the city data covers. */
export async function calibrationTargets(db: Queryable): Promise<PopulationTarget[]> {
  const rows = await db.query<{ district_adcode: string; n: number }>(
    'SELECT district_adcode, count(*)::int AS n FROM street GROUP BY district_adcode',
  );
  const covered = new Map(rows.map((r) => [r.district_adcode, r.n]));
  return CENSUS_2010.flatMap((d) => {
    const n = covered.get(d.adcode);
    return n ? [{ adcode: d.adcode, people: Math.round((d.people * Math.min(n, d.streets)) / d.streets) }] : [];
  });
}

export interface PopulationReport {
  cells: number;
  night: number;
  day: number;
}

/** Writes the estimate for every cell (official figures stay); deterministic, so re-running changes nothing. */
export async function estimatePopulation(db: Db): Promise<PopulationReport> {
  const targets = await calibrationTargets(db);
  const [row] = await db.transaction(async (tx) => {
    for (const statement of LANDUSE_SQL.split(';')) if (statement.trim()) await tx.query(statement);
    return tx.query<{ cells: number; night: string; day: string }>(ESTIMATE_SQL, [
      JSON.stringify(POPULATION_ASSUMPTIONS),
      targets.map((t) => t.adcode),
      targets.map((t) => t.people),
    ]);
  });
  return { cells: row?.cells ?? 0, night: Number(row?.night ?? 0), day: Number(row?.day ?? 0) };
}

/** Runs the estimate when no cell has a figure yet (start-up): a fresh grid gets its population. */
export async function ensurePopulation(db: Db): Promise<PopulationReport | null> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM grid_population');
  return row && row.n > 0 ? null : estimatePopulation(db);
}
