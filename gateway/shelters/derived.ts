import type { Db } from '../../geo/db/types';
import { ensurePopulation } from '../../geo/population/estimate';
import { ensureShelters } from './derive';

/**
 * The derived layers (shelters from the city data, population per grid cell) are made by `npm run import`; a
 * database imported before they existed gets them on first use, once per process (a failure is retried next time).
 */
function oncePer<T>(run: (db: Db) => Promise<T>): (db: Db) => Promise<T> {
  const runs = new WeakMap<Db, Promise<T>>();
  return (db) => {
    let p = runs.get(db);
    if (!p) {
      p = run(db).catch((err: unknown) => {
        runs.delete(db);
        throw err;
      });
      runs.set(db, p);
    }
    return p;
  };
}

export const sheltersDerived = oncePer(ensureShelters);
export const populationEstimated = oncePer(ensurePopulation);
