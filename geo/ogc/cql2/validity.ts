import type { Queryable } from '../../db/types';
import type { Cql2Node, GeometryLiteral } from './ast';
import { sourceOffset } from './ast';
import { Cql2Error } from './errors';
import { wktTag } from './geometry';
import { placedText } from './messages';

/** PostGIS's ST_IsValidReason phrases (GEOS) in Chinese; the bracketed place, e.g. `[126.65 45.75]`, is kept. */
const REASONS: Record<string, string> = {
  'Self-intersection': '自相交',
  'Ring Self-intersection': '环自相交',
  'Too few points': '坐标点太少',
  'Hole lies outside shell': '内环位于外环之外',
  'Nested holes': '内环相互嵌套',
  'Nested shells': '外环相互嵌套',
  'Interior is disconnected': '内部不连通',
  'Duplicate Rings': '有重复的环',
  'Invalid Coordinate': '坐标无效',
  'Ring is not closed': '环未闭合',
};

/** PostGIS's reason in Chinese, e.g. "自相交[126.65 45.75]"; an unknown reason is kept as PostGIS wrote it. */
export function validityReason(reason: string): string {
  const m = /^([^[]*?)\s*(\[.*\])?$/.exec(reason);
  const known = m ? REASONS[m[1]!] : undefined;
  return known ? `${known}${m?.[2] ? ` ${m[2]}` : ''}` : reason;
}

/** The geometry literals of a filter, in the order they appear. */
export function geometryLiterals(node: Cql2Node): GeometryLiteral[] {
  const found: GeometryLiteral[] = [];
  const stack: Cql2Node[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'and' || n.kind === 'or') for (let i = n.args.length - 1; i >= 0; i--) stack.push(n.args[i]!);
    else if (n.kind === 'not') stack.push(n.arg);
    else if (n.kind === 'spatial') for (const op of [n.left, n.right]) if (op.kind === 'geometry') found.push(op);
  }
  return found;
}

/** A query that lists the invalid geometry literals of a filter: rows `{ n, reason }`, `n` 1-based. */
export interface ValidityQuery {
  sql: string;
  params: [string[]];
}

/**
 * The check the caller runs BEFORE the filtered query: parsing only proves that rings are closed and large
 * enough, while self-intersections, spikes and crossing rings are found by PostGIS (`ST_IsValid`, with
 * `ST_IsValidReason` saying why). An invalid polygon would otherwise make ST_Intersects/ST_Within fail with a
 * GEOS topology error or quietly give wrong answers. Returns null when the filter has no geometry literal.
 */
export function geometryValidityQuery(node: Cql2Node): ValidityQuery | null {
  const literals = geometryLiterals(node);
  if (literals.length === 0) return null;
  return {
    sql:
      'SELECT u.n::int AS n, ST_IsValidReason(ST_GeomFromGeoJSON(u.j)) AS reason ' +
      'FROM unnest($1::text[]) WITH ORDINALITY AS u(j, n) ' +
      'WHERE NOT ST_IsValid(ST_GeomFromGeoJSON(u.j)) ORDER BY u.n',
    params: [literals.map((l) => JSON.stringify(l.value))],
  };
}

/**
 * Runs `geometryValidityQuery` and throws a Cql2Error (HTTP 400) naming the first invalid geometry literal,
 * its place in the filter text and PostGIS's reason. Call it before running the compiled filter.
 */
export async function assertGeometriesValid(db: Queryable, node: Cql2Node): Promise<void> {
  const query = geometryValidityQuery(node);
  if (!query) return;
  const rows = await db.query<{ n: number; reason: string }>(query.sql, query.params);
  const first = rows[0];
  if (!first) return;
  const literal = geometryLiterals(node)[first.n - 1]!;
  const at = sourceOffset(literal);
  throw new Cql2Error(`${placedText(at, wktTag(literal.value))} 不是有效几何：${validityReason(first.reason)}`, at);
}
