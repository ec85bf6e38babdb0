import { FALLBACK_KMH, ROAD_CLASS_SPEEDS, TAGGED_KMH_RANGE } from './speeds';

/**
 * The edges query for pgRouting on the same cost model as the in-memory graph (geodesic length over the tagged
 * speed when plausible, else the class speed, in seconds). pgRouting is not part of the platform: it is the
 * reference the tests and the benchmark check the in-memory router against, on a real PostGIS.
 */
export function pgRoutingEdgesSql(): string {
  const classSpeed = `CASE class_id ${ROAD_CLASS_SPEEDS.map((s) => `WHEN ${s.classId} THEN ${s.kmh}`).join(' ')} ELSE ${FALLBACK_KMH} END`;
  const speed = (col: string) =>
    `(CASE WHEN ${col} BETWEEN ${TAGGED_KMH_RANGE.min} AND ${TAGGED_KMH_RANGE.max} THEN ${col} ELSE ${classSpeed} END / 3.6)`;
  return `SELECT gid AS id, source, target, length_m / ${speed('speed_fwd')} AS cost,
    CASE WHEN two_way THEN length_m / ${speed('speed_bwd')} ELSE -1 END AS reverse_cost FROM road_edge`;
}
