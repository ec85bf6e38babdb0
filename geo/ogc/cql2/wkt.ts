import { CQL2_LIMITS } from './ast';
import type { Geometry, Position, SimpleGeometry } from './geometry';
import { ringProblem } from './geometry';
import type { Token } from './lexer';

/** What the WKT reader needs from the parser: tokens, and errors placed in the filter text. */
export interface TokenCursor {
  peek(ahead?: number): Token;
  next(): Token;
  /** Throws `unexpected <token> at <offset>: expected <what>` for the next token. */
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
  if (cur.peek().kind !== ')') cur.expected('"," or ")"');
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
  if (!Number.isFinite(v)) cur.fail(t.start, `number out of range at ${t.start}: "${t.value}"`);
  return v;
}

function position(cur: TokenCursor, budget: VertexBudget): Position {
  const start = cur.peek().start;
  const x = number(cur, 'a longitude');
  const y = number(cur, 'a latitude');
  const third = cur.peek();
  if (third.kind === 'number')
    cur.fail(third.start, `only 2-D coordinates (longitude latitude) are supported; third coordinate at ${third.start}`);
  if (++budget.used > CQL2_LIMITS.maxVertices) {
    cur.fail(
      start,
      `geometry literals have more than ${CQL2_LIMITS.maxVertices.toLocaleString('en')} positions in all (at ${start})`,
    );
  }
  return [x, y];
}

/** `( x y, x y, … )` with at least `min` positions. */
function positionList(cur: TokenCursor, budget: VertexBudget, min: number, what: string): Position[] {
  const at = open(cur).start;
  const list = [position(cur, budget)];
  while (more(cur)) list.push(position(cur, budget));
  close(cur);
  if (list.length < min) cur.fail(at, `${what} at ${at} needs at least ${min} positions, has ${list.length}`);
  return list;
}

function ring(cur: TokenCursor, budget: VertexBudget): Position[] {
  const at = cur.peek().start;
  const r = positionList(cur, budget, 4, 'a polygon ring');
  const problem = ringProblem(r);
  if (problem) cur.fail(at, `${problem}; ring at ${at}`);
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
  const v = [number(cur, 'a number')];
  while (more(cur)) v.push(number(cur, 'a number'));
  close(cur);
  const name = tag.value.toUpperCase();
  if (v.length === 6)
    cur.fail(tag.start, `only 2-D ${name} (west, south, east, north) is supported; ${name} at ${tag.start} has 6 numbers`);
  if (v.length !== 4) cur.fail(tag.start, `${name} at ${tag.start} needs 4 numbers (west, south, east, north), has ${v.length}`);
  const [w, s, e, n] = v as [number, number, number, number];
  if (!(w < e && s < n)) cur.fail(tag.start, `${name} at ${tag.start} must have west < east and south < north`);
  budget.used += 5;
  if (budget.used > CQL2_LIMITS.maxVertices) {
    cur.fail(
      tag.start,
      `geometry literals have more than ${CQL2_LIMITS.maxVertices.toLocaleString('en')} positions in all (at ${tag.start})`,
    );
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
    if (modifier === 'EMPTY') cur.fail(tag.start, `empty geometries are not supported: "${name} EMPTY" at ${tag.start}`);
    if (modifier === 'Z' || modifier === 'M' || modifier === 'ZM') {
      cur.fail(tag.start, `only 2-D coordinates are supported: "${name} ${modifier}" at ${tag.start}`);
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
      return { type: 'LineString', coordinates: positionList(cur, budget, 2, 'a line string') };
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
      return { type: 'MultiLineString', coordinates: list(cur, () => positionList(cur, budget, 2, 'a line string')) };
    case 'MULTIPOLYGON':
      return { type: 'MultiPolygon', coordinates: list(cur, () => polygonRings(cur, budget)) };
    case 'GEOMETRYCOLLECTION': {
      if (nested) cur.fail(tag.start, `a GEOMETRYCOLLECTION cannot contain another one (at ${tag.start})`);
      const geometries = list(cur, () => {
        const t = cur.peek();
        const word = t.kind === 'word' ? t.value.toUpperCase() : '';
        if (!isGeometryTag(word) || word === 'BBOX' || word === 'ENVELOPE') cur.expected('a WKT geometry');
        return readGeometry(cur, budget, true) as SimpleGeometry;
      });
      return { type: 'GeometryCollection', geometries };
    }
    case 'BBOX':
    case 'ENVELOPE':
      return bbox(cur, budget, tag);
    default:
      return cur.fail(tag.start, `not a geometry literal at ${tag.start}: "${tag.value}"`);
  }
}
