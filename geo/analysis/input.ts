import { ANALYSIS_MAX_VERTICES } from '../../contracts/analysis';
import type { Queryable } from '../db/types';
import { countPositions, HARBIN_EXTENT, positionOutside, structureProblem, type Geometry } from '../ogc/cql2/geometry';
import { validityReason } from '../ogc/cql2/validity';

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
    const got = typeof type === 'string' ? `收到的是 ${JSON.stringify(type.slice(0, 40))}` : '收到的几何缺少 type';
    const want = allowed.length > 1 ? `${allowed.join('、')} 之一` : allowed.join('');
    throw new GeometryInputError(`参数 geometry 有误：应为 GeoJSON ${want}，${got}`);
  }
  const problem = structureProblem(input);
  if (problem) throw new GeometryInputError(`参数 geometry 有误：${problem}`);
  const g = input as Geometry;
  const n = countPositions(g);
  if (n > ANALYSIS_MAX_VERTICES) {
    throw new GeometryInputError(
      `参数 geometry 有误：共 ${n.toLocaleString('en')} 个坐标点，最多接受 ${ANALYSIS_MAX_VERTICES.toLocaleString('en')} 个；请简化几何后重试`,
    );
  }
  const outside = positionOutside(g, HARBIN_EXTENT);
  if (outside) {
    const e = HARBIN_EXTENT;
    throw new GeometryInputError(
      `参数 geometry 有误：坐标 (${outside[0]}, ${outside[1]}) 在哈尔滨范围之外（东经 ${e.minLon}–${e.maxLon}，北纬 ${e.minLat}–${e.maxLat}）`,
    );
  }
  return g;
}

/** Throws a GeometryInputError with PostGIS's ST_IsValidReason (in Chinese) when the geometry is not valid (e.g. a bow-tie). */
export async function assertValid(db: Queryable, geojson: string): Promise<void> {
  const rows = await db.query<{ reason: string | null }>(
    'SELECT CASE WHEN ST_IsValid(g) THEN NULL ELSE ST_IsValidReason(g) END AS reason ' +
      'FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) s',
    [geojson],
  );
  const reason = rows[0]?.reason;
  if (reason) throw new GeometryInputError(`参数 geometry 不是有效几何：${validityReason(reason)}；请修正后重试`);
}
