/** GeoJSON geometries (RFC 7946) in EPSG:4326, two coordinates per position: longitude, latitude. */
export type Position = [number, number];
export interface Point {
  type: 'Point';
  coordinates: Position;
}
export interface LineString {
  type: 'LineString';
  coordinates: Position[];
}
export interface Polygon {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface MultiPoint {
  type: 'MultiPoint';
  coordinates: Position[];
}
export interface MultiLineString {
  type: 'MultiLineString';
  coordinates: Position[][];
}
export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
export type SimpleGeometry = Point | LineString | Polygon | MultiPoint | MultiLineString | MultiPolygon;
/** Members are never collections themselves (RFC 7946 §3.1.8 advises against nesting). */
export interface GeometryCollection {
  type: 'GeometryCollection';
  geometries: SimpleGeometry[];
}
export type Geometry = SimpleGeometry | GeometryCollection;

/** The area geometry literals must stay inside, in degrees. */
export interface Extent {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

/** Harbin's administrative area with a margin: nothing a planner draws falls outside it. */
export const HARBIN_EXTENT: Extent = { minLon: 125.0, minLat: 44.0, maxLon: 131.0, maxLat: 47.0 };

const TAGS: Record<Geometry['type'], string> = {
  Point: 'POINT',
  LineString: 'LINESTRING',
  Polygon: 'POLYGON',
  MultiPoint: 'MULTIPOINT',
  MultiLineString: 'MULTILINESTRING',
  MultiPolygon: 'MULTIPOLYGON',
  GeometryCollection: 'GEOMETRYCOLLECTION',
};

/** The WKT keyword of a geometry type, for messages. */
export function wktTag(g: Geometry): string {
  return TAGS[g.type] ?? 'geometry';
}

/** Every position of `g`, in order. */
export function* positions(g: Geometry): Generator<Position> {
  switch (g.type) {
    case 'Point':
      yield g.coordinates;
      return;
    case 'LineString':
    case 'MultiPoint':
      yield* g.coordinates;
      return;
    case 'Polygon':
    case 'MultiLineString':
      for (const line of g.coordinates) yield* line;
      return;
    case 'MultiPolygon':
      for (const poly of g.coordinates) for (const ring of poly) yield* ring;
      return;
    case 'GeometryCollection':
      for (const m of g.geometries) yield* positions(m);
      return;
  }
}

export function countPositions(g: Geometry): number {
  let n = 0;
  for (const _ of positions(g)) n++;
  return n;
}

const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

function positionProblem(p: unknown): string | null {
  if (!isArray(p) || p.length !== 2) return '每个坐标点须正好有 2 个坐标（经度 纬度）';
  if (!p.every((c) => typeof c === 'number' && Number.isFinite(c))) return '坐标须为有限数';
  return null;
}

function lineProblem(line: unknown, min: number, what: string): string | null {
  if (!isArray(line)) return `${what}须为坐标点列表`;
  for (const p of line) {
    const problem = positionProblem(p);
    if (problem) return problem;
  }
  if (line.length < min) return `${what}至少需要 ${min} 个坐标点，现有 ${line.length} 个`;
  return null;
}

/** The problem with a linear ring (≥ 4 positions, first equal to last), or null. */
export function ringProblem(ring: unknown): string | null {
  const problem = lineProblem(ring, 4, '多边形环');
  if (problem) return problem;
  const r = ring as Position[];
  const first = r[0]!;
  const last = r[r.length - 1]!;
  return first[0] === last[0] && first[1] === last[1] ? null : '多边形环须首尾相同（闭合环）';
}

function polygonProblem(rings: unknown): string | null {
  if (!isArray(rings) || rings.length === 0) return '多边形至少需要一个环';
  for (const ring of rings) {
    const problem = ringProblem(ring);
    if (problem) return problem;
  }
  return null;
}

function listProblem(items: unknown, what: string, each: (item: unknown) => string | null): string | null {
  if (!isArray(items) || items.length === 0) return `${what}至少需要一个成员`;
  for (const item of items) {
    const problem = each(item);
    if (problem) return problem;
  }
  return null;
}

/**
 * What is structurally wrong with `g` (shape, finite 2-D coordinates, line and ring sizes, closed rings), or
 * null. Self-intersection and ring orientation are left to PostGIS: see `geometryValidityQuery`.
 */
export function structureProblem(g: unknown, nested = false): string | null {
  if (g === null || typeof g !== 'object') return '不是几何对象';
  const geom = g as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  switch (geom.type) {
    case 'Point':
      return positionProblem(geom.coordinates);
    case 'LineString':
      return lineProblem(geom.coordinates, 2, '线');
    case 'Polygon':
      return polygonProblem(geom.coordinates);
    case 'MultiPoint':
      return listProblem(geom.coordinates, '多点（MultiPoint）', positionProblem);
    case 'MultiLineString':
      return listProblem(geom.coordinates, '多线（MultiLineString）', (l) => lineProblem(l, 2, '线'));
    case 'MultiPolygon':
      return listProblem(geom.coordinates, '多多边形（MultiPolygon）', polygonProblem);
    case 'GeometryCollection':
      if (nested) return '几何集合里不能再套几何集合';
      return listProblem(geom.geometries, '几何集合（GeometryCollection）', (m) => structureProblem(m, true));
    default:
      return `未知的几何类型 ${JSON.stringify(String(geom.type)).slice(0, 40)}`;
  }
}

/** The first position of `g` outside `extent`, or null. */
export function positionOutside(g: Geometry, extent: Extent): Position | null {
  for (const p of positions(g)) {
    const [lon, lat] = p;
    if (!(lon >= extent.minLon && lon <= extent.maxLon && lat >= extent.minLat && lat <= extent.maxLat)) return p;
  }
  return null;
}
