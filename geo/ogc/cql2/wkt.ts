import { CQL2_LIMITS } from './ast';
import type { Geometry, Position, SimpleGeometry } from './geometry';
import { ringProblem } from './geometry';
import type { Token } from './lexer';
import { charAt, OUT_OF_RANGE, TOO_MANY_POSITIONS } from './messages';

/** What the WKT reader needs from the parser: tokens, and errors placed in the filter text. */
export interface TokenCursor {
  peek(ahead?: number): Token;
  next(): Token;
  /** Throws "第 N 个字符处应为<what>，而不是 <token>" for the next token. */
  expected(what: string): never;
  /** Throws a Cql2Error with `message` placed at `offset`. */
  fail(offset: number, message: string): never;
}

/** Positions read so far across all geometry literals of one filter. */
export interface VertexBudget {
  used: number;
}

const GEOMETRY_TAGS = new Set([
  'POINT',
  'LINESTRING',
  'POLYGON',
  'MULTIPOINT',
  'MULTILINESTRING',
  'MULTIPOLYGON',
  'GEOMETRYCOLLECTION',
  'BBOX',
  'ENVELOPE',
]);

/** True for the words that begin a geometry literal. */
export function isGeometryTag(word: string): boolean {
  return GEOMETRY_TAGS.has(word.toUpperCase());
}

function open(cur: TokenCursor): Token {
  if (cur.peek().kind !== '(') cur.expected('"("');
  return cur.next();
}

function close(cur: TokenCursor): void {
  if (cur.peek().kind !== ')') cur.expected('"," 或 ")"');
  cur.next();
}

/** True, consuming the comma, when a list goes on. */
function more(cur: TokenCursor): boolean {
  if (cur.peek().kind !== ',') return false;
  cur.next();
  return true;
}

function number(cur: TokenCursor, what: string): number {
  const t = cur.peek();
  if (t.kind !== 'number') cur.expected(what);
  cur.next();
  const v = Number(t.value);
  if (!Number.isFinite(v)) cur.fail(t.start, `${charAt(t.start)}处的${OUT_OF_RANGE(t.value)}`);
  return v;
}

function position(cur: TokenCursor, budget: VertexBudget): Position {
  const start = cur.peek().start;
  const x = number(cur, '经度');
  const y = number(cur, '纬度');
  const third = cur.peek();
  if (third.kind === 'number') cur.fail(third.start, `${charAt(third.start)}处是第三个坐标：只支持二维坐标（经度 纬度）`);
  if (++budget.used > CQL2_LIMITS.maxVertices) {
    cur.fail(start, `${charAt(start)}处：${TOO_MANY_POSITIONS(CQL2_LIMITS.maxVertices)}`);
  }
  return [x, y];
}

/** `( x y, x y, … )` with at least `min` positions. */
function positionList(cur: TokenCursor, budget: VertexBudget, min: number, what: string): Position[] {
  const at = open(cur).start;
  const list = [position(cur, budget)];
  while (more(cur)) list.push(position(cur, budget));
  close(cur);
  if (list.length < min) cur.fail(at, `${charAt(at)}处的${what}至少需要 ${min} 个坐标点，现有 ${list.length} 个`);
  return list;
}

function ring(cur: TokenCursor, budget: VertexBudget): Position[] {
  const at = cur.peek().start;
  const r = positionList(cur, budget, 4, '多边形环');
  const problem = ringProblem(r);
  if (problem) cur.fail(at, `${charAt(at)}处的环有误：${problem}`);
  return r;
}

function polygonRings(cur: TokenCursor, budget: VertexBudget): Position[][] {
  open(cur);
  const rings = [ring(cur, budget)];
  while (more(cur)) rings.push(ring(cur, budget));
  close(cur);
  return rings;
}

function list<T>(cur: TokenCursor, item: () => T): T[] {
  open(cur);
  const items = [item()];
  while (more(cur)) items.push(item());
  close(cur);
  return items;
}

/** `BBOX(west, south, east, north)` (ENVELOPE is read the same way) as a closed polygon. */
function bbox(cur: TokenCursor, budget: VertexBudget, tag: Token): Geometry {
  open(cur);
  const v = [number(cur, '数字')];
  while (more(cur)) v.push(number(cur, '数字'));
  close(cur);
  const name = tag.value.toUpperCase();
  if (v.length === 6) cur.fail(tag.start, `${charAt(tag.start)}处的 ${name} 有 6 个数：只支持二维 ${name}（西, 南, 东, 北）`);
  if (v.length !== 4) cur.fail(tag.start, `${charAt(tag.start)}处的 ${name} 需要 4 个数（西, 南, 东, 北），现有 ${v.length} 个`);
  const [w, s, e, n] = v as [number, number, number, number];
  if (!(w < e && s < n)) cur.fail(tag.start, `${charAt(tag.start)}处的 ${name} 须满足 西 < 东 且 南 < 北`);
  budget.used += 5;
  if (budget.used > CQL2_LIMITS.maxVertices) {
    cur.fail(tag.start, `${charAt(tag.start)}处：${TOO_MANY_POSITIONS(CQL2_LIMITS.maxVertices)}`);
  }
  return {
    type: 'Polygon',
    coordinates: [
      [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ],
    ],
  };
}

/**
 * Reads one WKT geometry literal (the next token is its tag) into GeoJSON. Supports 2-D POINT, LINESTRING,
 * POLYGON, MULTIPOINT (`((x y), …)` or `(x y, …)`), MULTILINESTRING, MULTIPOLYGON, GEOMETRYCOLLECTION (not
 * nested) and BBOX/ENVELOPE(west, south, east, north). Checks structure: finite numbers, ≥ 2 positions per
 * line, closed rings of ≥ 4 positions, the vertex budget. The extent and ring validity are checked later.
 */
export function readGeometry(cur: TokenCursor, budget: VertexBudget, nested = false): Geometry {
  const tag = cur.next();
  const name = tag.value.toUpperCase();
  const after = cur.peek();
  if (after.kind === 'word') {
    const modifier = after.value.toUpperCase();
    if (modifier === 'EMPTY') cur.fail(tag.start, `${charAt(tag.start)}处的 "${name} EMPTY" 不受支持：不支持空几何`);
    if (modifier === 'Z' || modifier === 'M' || modifier === 'ZM') {
      cur.fail(tag.start, `${charAt(tag.start)}处的 "${name} ${modifier}" 不受支持：只支持二维坐标（经度 纬度）`);
    }
  }
  switch (name) {
    case 'POINT': {
      open(cur);
      const p = position(cur, budget);
      close(cur);
      return { type: 'Point', coordinates: p };
    }
    case 'LINESTRING':
      return { type: 'LineString', coordinates: positionList(cur, budget, 2, '线') };
    case 'POLYGON':
      return { type: 'Polygon', coordinates: polygonRings(cur, budget) };
    case 'MULTIPOINT':
      return {
        type: 'MultiPoint',
        coordinates: list(cur, () => {
          if (cur.peek().kind !== '(') return position(cur, budget);
          open(cur);
          const p = position(cur, budget);
          close(cur);
          return p;
        }),
      };
    case 'MULTILINESTRING':
      return { type: 'MultiLineString', coordinates: list(cur, () => positionList(cur, budget, 2, '线')) };
    case 'MULTIPOLYGON':
      return { type: 'MultiPolygon', coordinates: list(cur, () => polygonRings(cur, budget)) };
    case 'GEOMETRYCOLLECTION': {
      if (nested) cur.fail(tag.start, `${charAt(tag.start)}处：GEOMETRYCOLLECTION 里不能再套 GEOMETRYCOLLECTION`);
      const geometries = list(cur, () => {
        const t = cur.peek();
        const word = t.kind === 'word' ? t.value.toUpperCase() : '';
        if (!isGeometryTag(word) || word === 'BBOX' || word === 'ENVELOPE') cur.expected('WKT 几何（BBOX 除外）');
        return readGeometry(cur, budget, true) as SimpleGeometry;
      });
      return { type: 'GeometryCollection', geometries };
    }
    case 'BBOX':
    case 'ENVELOPE':
      return bbox(cur, budget, tag);
    default:
      return cur.fail(tag.start, `${charAt(tag.start)}处的 "${tag.value}" 不是几何字面量`);
  }
}
