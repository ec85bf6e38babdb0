import type { CoverageGap } from '../../contracts/airdefense';
import type { Queryable } from '../../geo/db/types';

export interface StreetCoverage {
  street: string;
  streetName: string;
  district: string;
  /** Share of the street's area inside the audible circle of some registered siren (0–1). */
  registered: number;
  /** The same for the sirens that work now (not in fault, not offline). */
  working: number;
}

export interface NetworkCoverage {
  streets: StreetCoverage[];
  /** Sirens in fault or offline. */
  down: string[];
  /** Streets whose coverage the sirens that are down reduce, by the share they lose. */
  gaps: CoverageGap[];
}

/** Coverage of every street by the audible circles of the registered sirens and of those that work now. */
export async function networkCoverage(db: Queryable): Promise<NetworkCoverage> {
  const rows = await db.query<{ code: string; name: string; district: string; registered: number; working: number }>(
    `WITH c AS (SELECT ST_Buffer(geom::geography, radius_m)::geometry AS g, state NOT IN ('fault', 'offline') AS up FROM siren),
          a AS (SELECT ST_Union(g) AS g FROM c),
          w AS (SELECT ST_Union(g) AS g FROM c WHERE up)
     SELECT st.code, st.name, st.district_adcode AS district,
            coalesce(ST_Area(ST_Intersection(st.geom, a.g)::geography) / ST_Area(st.geom::geography), 0) AS registered,
            coalesce(ST_Area(ST_Intersection(st.geom, w.g)::geography) / ST_Area(st.geom::geography), 0) AS working
       FROM street st, a, w ORDER BY st.code`,
  );
  const down = await db.query<{ id: string }>("SELECT id FROM siren WHERE state IN ('fault', 'offline') ORDER BY id");
  const streets = rows.map((r) => ({
    street: r.code,
    streetName: r.name,
    district: r.district,
    registered: Math.round(Number(r.registered) * 10_000) / 10_000,
    working: Math.round(Number(r.working) * 10_000) / 10_000,
  }));
  const gaps = streets
    .filter((s) => s.registered - s.working >= 0.005)
    .map((s) => ({
      street: s.street,
      streetName: s.streetName,
      uncoveredShare: Math.round((s.registered - s.working) * 1000) / 1000,
    }))
    .sort((a, b) => b.uncoveredShare - a.uncoveredShare);
  return { streets, down: down.map((d) => d.id), gaps };
}
