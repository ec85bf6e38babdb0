import type { Cql2Node, GeometryLiteral, LikeNode, PropertyRef, ScalarOperand, SpatialOperand } from './ast';
import { atText, CQL2_LIMITS, measureTree, placed, sourceOffset } from './ast';
import { clip, Cql2Error } from './errors';
import { countPositions, HARBIN_EXTENT, positionOutside, structureProblem, wktTag, type Extent, type Geometry } from './geometry';
import { findProperty, propertyNames, type FilterSchema, type PropertyType } from './schema';
import { isIsoDate, isIsoTimestamp } from './temporal';

/** Kinds of values that can be compared with each other. */
type Group = 'string' | 'numeric' | 'boolean' | 'temporal' | 'geometry';

const GROUP: Record<PropertyType, Group> = {
  string: 'string',
  number: 'numeric',
  integer: 'numeric',
  boolean: 'boolean',
  timestamp: 'temporal',
  date: 'temporal',
  geometry: 'geometry',
};

const COMPARE_OPS = new Set(['=', '<>', '<', '<=', '>', '>=']);

function fail(item: object, message: string): never {
  throw new Cql2Error(message, sourceOffset(item));
}

/** How an operand is named in messages. */
function describe(op: ScalarOperand, type?: PropertyType): string {
  switch (op.kind) {
    case 'property':
      return `${type ?? ''} property "${clip(op.name, 40)}"`.trim();
    case 'string':
      return `string '${clip(op.value)}'`;
    case 'number':
      return `number ${op.value}`;
    case 'boolean':
      return `boolean ${op.value ? 'TRUE' : 'FALSE'}`;
    case 'date':
      return `DATE('${op.value}')`;
    case 'timestamp':
      return `TIMESTAMP('${op.value}')`;
  }
}

/** A scalar operand with its type known. */
interface Typed {
  op: ScalarOperand;
  type: PropertyType;
}

class Checker {
  private vertices = 0;
  private readonly extent: Extent;

  constructor(private readonly schema: FilterSchema) {
    this.extent = schema.extent ?? HARBIN_EXTENT;
  }

  private property(ref: PropertyRef): PropertyType {
    if (typeof ref.name !== 'string') fail(ref, 'malformed filter: property name is not a string');
    const p = findProperty(this.schema, ref.name);
    if (p) return p.type;
    const names = propertyNames(this.schema);
    const near = names.find((n) => n.toLowerCase() === ref.name.toLowerCase());
    fail(
      ref,
      `unknown property "${clip(ref.name, 40)}"${atText(ref)}${near ? ` (did you mean "${near}"?)` : ''}; ` +
        `allowed: ${names.join(', ')}`,
    );
  }

  /** Validates a scalar operand on its own and gives its type. */
  private scalar(op: ScalarOperand): Typed {
    switch (op?.kind) {
      case 'property':
        return { op, type: this.property(op) };
      case 'string':
        if (typeof op.value !== 'string') fail(op, 'malformed filter: string literal without a string');
        return { op, type: 'string' };
      case 'number':
        if (typeof op.value !== 'number' || !Number.isFinite(op.value)) fail(op, `number${atText(op)} is not a finite number`);
        return { op, type: 'number' };
      case 'boolean':
        if (typeof op.value !== 'boolean') fail(op, 'malformed filter: boolean literal without a boolean');
        return { op, type: 'boolean' };
      case 'date':
        if (typeof op.value !== 'string' || !isIsoDate(op.value))
          fail(op, `invalid DATE${atText(op)}: not a calendar date YYYY-MM-DD`);
        return { op, type: 'date' };
      case 'timestamp':
        if (typeof op.value !== 'string' || !isIsoTimestamp(op.value)) {
          fail(op, `invalid TIMESTAMP${atText(op)}: not an RFC 3339 instant like 2026-11-22T10:00:00Z`);
        }
        return { op, type: 'timestamp' };
      default:
        return fail(op ?? {}, `malformed filter: unknown operand ${JSON.stringify(String((op as { kind?: unknown })?.kind))}`);
    }
  }

  /**
   * Makes operands comparable: all must belong to one group, and string literals next to a date or timestamp
   * become DATE or TIMESTAMP literals when they are ISO 8601 text. Geometry is never comparable.
   */
  private unify(context: string, operands: readonly ScalarOperand[]): { group: Group; typed: Typed[] } {
    const typed = operands.map((op) => this.scalar(op));
    for (const t of typed) {
      if (t.type === 'geometry') {
        fail(
          t.op,
          `${describe(t.op, t.type)}${atText(t.op)} is the geometry; use it in S_INTERSECTS, S_WITHIN, S_DWITHIN or IS NULL, not in ${context}`,
        );
      }
    }
    const anchor = typed.find((t) => t.op.kind !== 'string') ?? typed[0]!;
    const group = GROUP[anchor.type];
    const out = typed.map((t): Typed => {
      if (group === 'temporal' && t.op.kind === 'string') {
        const s = t.op.value;
        const kind = isIsoDate(s) ? 'date' : isIsoTimestamp(s) ? 'timestamp' : null;
        if (!kind) {
          fail(
            t.op,
            `string '${clip(s)}'${atText(t.op)} is not an ISO 8601 date (YYYY-MM-DD) or timestamp (YYYY-MM-DDThh:mm:ssZ), ` +
              `so it cannot be compared with ${describe(anchor.op, anchor.type)}`,
          );
        }
        return { op: placed({ kind, value: s }, sourceOffset(t.op)), type: kind };
      }
      if (GROUP[t.type] !== group) {
        fail(
          t.op,
          `cannot compare ${describe(anchor.op, anchor.type)} with ${describe(t.op, t.type)}${atText(t.op)} in ${context}`,
        );
      }
      return t;
    });
    return { group, typed: out };
  }

  private geometryLiteral(lit: GeometryLiteral): GeometryLiteral {
    const g: unknown = lit.value;
    const problem = structureProblem(g);
    const tag = problem ? 'geometry' : wktTag(g as Geometry);
    if (problem) fail(lit, `invalid ${tag}${atText(lit)}: ${problem}`);
    this.vertices += countPositions(lit.value);
    if (this.vertices > CQL2_LIMITS.maxVertices) {
      fail(
        lit,
        `geometry literals have more than ${CQL2_LIMITS.maxVertices.toLocaleString('en')} positions in all${atText(lit)}`,
      );
    }
    const out = positionOutside(lit.value, this.extent);
    if (out) {
      const e = this.extent;
      const swapped = positionOutside({ type: 'Point', coordinates: [out[1], out[0]] }, e) === null;
      fail(
        lit,
        `${tag}${atText(lit)} has position ${out[0]} ${out[1]} outside the allowed area ` +
          `(longitude ${e.minLon}–${e.maxLon}, latitude ${e.minLat}–${e.maxLat}, EPSG:4326)` +
          (swapped ? '; WKT puts longitude first: did you swap them?' : ''),
      );
    }
    return lit;
  }

  private spatialArg(op: SpatialOperand, fn: string): SpatialOperand {
    if (op?.kind === 'geometry') return this.geometryLiteral(op);
    if (op?.kind !== 'property') return fail(op ?? {}, `malformed filter: ${fn} argument is neither a property nor a geometry`);
    const type = this.property(op);
    const p = findProperty(this.schema, op.name)!;
    if (!p.isGeometry) {
      fail(
        op,
        `${fn} works on the geometry property "${this.schema.geometry.name}" or a WKT geometry, not on ${describe(op, type)}${atText(op)}`,
      );
    }
    return op;
  }

  private like(node: LikeNode): Cql2Node {
    const value = this.scalar(node.value);
    if (value.type !== 'string')
      fail(node.value, `LIKE needs a string, not ${describe(value.op, value.type)}${atText(node.value)}`);
    if (typeof node.pattern !== 'string') fail(node, 'malformed filter: LIKE pattern is not a string');
    const trailing = /\\+$/.exec(node.pattern)?.[0].length ?? 0;
    if (trailing % 2 === 1) {
      fail(
        node,
        `LIKE pattern '${clip(node.pattern)}'${atText(node)} ends with a lone escape character "\\"; write "\\\\" for a backslash`,
      );
    }
    return placed({ kind: 'like', value: value.op, pattern: node.pattern }, sourceOffset(node));
  }

  node(node: Cql2Node): Cql2Node {
    const at = sourceOffset(node);
    switch (node?.kind) {
      case 'and':
      case 'or':
        if (!Array.isArray(node.args) || node.args.length === 0)
          fail(node, `malformed filter: ${node.kind.toUpperCase()} without operands`);
        return placed({ kind: node.kind, args: node.args.map((a) => this.node(a)) }, at);
      case 'not':
        return placed({ kind: 'not', arg: this.node(node.arg) }, at);
      case 'const':
        if (typeof node.value !== 'boolean') fail(node, 'malformed filter: TRUE/FALSE without a boolean');
        return node;
      case 'compare': {
        if (!COMPARE_OPS.has(node.op)) fail(node, `malformed filter: unknown comparison ${JSON.stringify(String(node.op))}`);
        const { group, typed } = this.unify(`"${node.op}"`, [node.left, node.right]);
        if (group === 'boolean' && node.op !== '=' && node.op !== '<>') {
          fail(node, `booleans can only be compared with = or <>, not "${node.op}"${atText(node)}`);
        }
        return placed({ kind: 'compare', op: node.op, left: typed[0]!.op, right: typed[1]!.op }, at);
      }
      case 'like':
        return this.like(node);
      case 'between': {
        const { group, typed } = this.unify('BETWEEN', [node.value, node.low, node.high]);
        if (group !== 'numeric' && group !== 'temporal') {
          const t = typed[0]!;
          fail(node, `BETWEEN needs numbers, dates or timestamps, not ${describe(t.op, t.type)}${atText(node)}`);
        }
        return placed({ kind: 'between', value: typed[0]!.op, low: typed[1]!.op, high: typed[2]!.op }, at);
      }
      case 'in': {
        if (!Array.isArray(node.list) || node.list.length === 0) fail(node, `malformed filter: IN list${atText(node)} is empty`);
        if (node.list.length > CQL2_LIMITS.maxInList) {
          fail(node, `IN list${atText(node)} has more than ${CQL2_LIMITS.maxInList.toLocaleString('en')} items`);
        }
        const { typed } = this.unify('IN', [node.value, ...node.list]);
        return placed({ kind: 'in', value: typed[0]!.op, list: typed.slice(1).map((t) => t.op) }, at);
      }
      case 'isNull':
        return placed({ kind: 'isNull', value: this.scalar(node.value).op }, at);
      case 'spatial': {
        const fn = { intersects: 'S_INTERSECTS', within: 'S_WITHIN', dwithin: 'S_DWITHIN' }[node.op];
        if (!fn) fail(node, `malformed filter: unknown spatial function ${JSON.stringify(String(node.op))}`);
        const left = this.spatialArg(node.left, fn);
        const right = this.spatialArg(node.right, fn);
        if (node.op !== 'dwithin') return placed({ kind: 'spatial', op: node.op, left, right }, at);
        if (typeof node.distance !== 'number' || !Number.isFinite(node.distance) || node.distance < 0) {
          fail(node, `S_DWITHIN${atText(node)} needs a finite, non-negative distance in meters`);
        }
        return placed({ kind: 'spatial', op: 'dwithin', left, right, distance: node.distance }, at);
      }
      default:
        return fail(node ?? {}, `malformed filter: unknown node ${JSON.stringify(String((node as { kind?: unknown })?.kind))}`);
    }
  }
}

/**
 * Checks a parsed (or hand-built) filter against a layer's schema: every property is one the layer offers,
 * operand types fit their operators, geometry literals are well formed and inside the layer's extent, and the
 * size limits hold. Returns the tree with ISO strings compared to dates/timestamps turned into DATE/TIMESTAMP
 * literals. Throws Cql2Error.
 */
export function checkCql2(node: Cql2Node, schema: FilterSchema): Cql2Node {
  if (node === null || typeof node !== 'object') throw new Cql2Error('malformed filter: not a filter tree');
  const { predicates, tooDeep } = measureTree(node);
  if (tooDeep) fail(tooDeep, `filter nested deeper than ${CQL2_LIMITS.maxDepth} levels${atText(tooDeep)}`);
  if (predicates > CQL2_LIMITS.maxPredicates) {
    throw new Cql2Error(`filter has ${predicates} predicates; at most ${CQL2_LIMITS.maxPredicates} are allowed`);
  }
  return new Checker(schema).node(node);
}
