import type { FacilityKind } from '../../contracts';
import { FACILITY_KINDS } from '../../contracts';
import type { Queryable } from '../db/types';

export interface FacilityRow {
  id: string;
  name: string;
  category: string;
  lon: number;
  lat: number;
  straight_m: number;
}

/** Facilities of the given POI categories ($3), with their geodesic distance in metres from ($1, $2). */
export const FACILITY_CANDIDATES_SQL = `SELECT id, name, category, ST_X(geom) AS lon, ST_Y(geom) AS lat,
  ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS straight_m
  FROM poi WHERE category = ANY($3::text[])`;

/**
 * The k ($4) nearest facilities by straight line: KNN over the GiST index on `geom::geography`
 * (migration 003), so the ranking is in metres rather than in degrees.
 */
export const STRAIGHT_LINE_NEAREST_SQL = `${FACILITY_CANDIDATES_SQL}
  ORDER BY geom::geography <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography LIMIT $4`;

export function categoriesOf(kind: FacilityKind): string[] {
  return [...FACILITY_KINDS[kind]];
}

/** Every facility of a kind, read fresh so that facilities added or moved are routed to at once. */
export function facilityCandidates(db: Queryable, lon: number, lat: number, kind: FacilityKind): Promise<FacilityRow[]> {
  return db.query<FacilityRow>(FACILITY_CANDIDATES_SQL, [lon, lat, categoriesOf(kind)]);
}

export async function nearestStraight(
  db: Queryable,
  lon: number,
  lat: number,
  kind: FacilityKind,
  k: number,
): Promise<FacilityRow[]> {
  const rows = await db.query<FacilityRow>(STRAIGHT_LINE_NEAREST_SQL, [lon, lat, categoriesOf(kind), k]);
  // The index orders on the sphere, ST_Distance measures on the spheroid: re-sort so the two never disagree.
  return rows.sort((a, b) => a.straight_m - b.straight_m);
}
