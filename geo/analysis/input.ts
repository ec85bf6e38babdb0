import { ANALYSIS_MAX_VERTICES } from '../../contracts/analysis';
import type { Queryable } from '../db/types';
import { countPositions, HARBIN_EXTENT, positionOutside, structureProblem, type Geometry } from '../ogc/cql2/geometry';

/** A geometry a caller sent that cannot be used; the message says why and is safe to show. */
export class GeometryInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GeometryInputError';
  }
}

/**
 * Checks a GeoJSON geometry from a request without trusting anything about it: one of the `allowed` types,
 * well-formed (finite 2-D positions, lines of ≥ 2 positions, closed rings of ≥ 4), at most 10,000 positions,
 * all inside Harbin with its margin. Self-intersections are left to `assertValid` (PostGIS).
 */
export function checkGeometry(input: unknown, allowed: readonly Geometry['type'][]): Geometry {
  const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !(allowed as readonly string[]).includes(type)) {
    const got = typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : 'no type';
    throw new GeometryInputError(`geometry: expected a GeoJSON ${allowed.join(' or ')}, got ${got}`);
  }
  const problem = structureProblem(input);
  if (problem) throw new GeometryInputError(`geometry: ${problem}`);
  const g = input as Geometry;
  const n = countPositions(g);
  if (n > ANALYSIS_MAX_VERTICES) {
    throw new GeometryInputError(
      `geometry: ${n.toLocaleString('en')} positions; at most ${ANALYSIS_MAX_VERTICES.toLocaleString('en')} are accepted`,
    );
  }
  const outside = positionOutside(g, HARBIN_EXTENT);
  if (outside) {
    const e = HARBIN_EXTENT;
    throw new GeometryInputError(
      `geometry: position (${outside[0]}, ${outside[1]}) is outside Harbin (${e.minLon}–${e.maxLon} E, ${e.minLat}–${e.maxLat} N)`,
    );
  }
  return g;
}

/** Throws a GeometryInputError with PostGIS's ST_IsValidReason when the geometry is not valid (e.g. a bow-tie). */
export async function assertValid(db: Queryable, geojson: string): Promise<void> {
  const rows = await db.query<{ reason: string | null }>(
    'SELECT CASE WHEN ST_IsValid(g) THEN NULL ELSE ST_IsValidReason(g) END AS reason ' +
      'FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) s',
    [geojson],
  );
  const reason = rows[0]?.reason;
  if (reason) throw new GeometryInputError(`geometry is not valid: ${reason}`);
}
