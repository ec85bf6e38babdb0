import type { Queryable } from '../../db/types';
import type { Cql2Node, GeometryLiteral } from './ast';
import { atText, sourceOffset } from './ast';
import { Cql2Error } from './errors';
import { wktTag } from './geometry';

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
  throw new Cql2Error(
    `${wktTag(literal.value)}${atText(literal)} is not a valid geometry: ${first.reason}`,
    sourceOffset(literal),
  );
}
