import type { Geometry } from './geometry';

/** The limits every filter must keep, whether parsed from text or built in code. */
export const CQL2_LIMITS = {
  /** Characters (UTF-16 code units) of filter text. */
  maxLength: 20_000,
  /** Nested parentheses and NOTs while parsing; nested AND/OR/NOT nodes in the tree. */
  maxDepth: 50,
  /** Predicates (comparisons, LIKE, BETWEEN, IN, IS NULL, spatial functions, TRUE/FALSE). */
  maxPredicates: 500,
  /** Items of one IN list. */
  maxInList: 1_000,
  /** Positions of all geometry literals of one filter together. */
  maxVertices: 10_000,
} as const;

/** A reference to one of the layer's queryable properties, by its public name. */
export interface PropertyRef {
  readonly kind: 'property';
  readonly name: string;
}
export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
}
export interface NumberLiteral {
  readonly kind: 'number';
  readonly value: number;
}
export interface BooleanLiteral {
  readonly kind: 'boolean';
  readonly value: boolean;
}
/** `DATE('2026-11-22')`; `value` is the validated `YYYY-MM-DD` text. */
export interface DateLiteral {
  readonly kind: 'date';
  readonly value: string;
}
/** `TIMESTAMP('2026-11-22T10:00:00Z')`; `value` is the validated RFC 3339 text. */
export interface TimestampLiteral {
  readonly kind: 'timestamp';
  readonly value: string;
}
export type ScalarLiteral = StringLiteral | NumberLiteral | BooleanLiteral | DateLiteral | TimestampLiteral;
export type ScalarOperand = PropertyRef | ScalarLiteral;

/** A WKT (or BBOX) literal, already converted to a GeoJSON geometry in EPSG:4326 lon/lat order. */
export interface GeometryLiteral {
  readonly kind: 'geometry';
  readonly value: Geometry;
}
export type SpatialOperand = PropertyRef | GeometryLiteral;

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

export interface AndNode {
  readonly kind: 'and';
  readonly args: readonly Cql2Node[];
}
export interface OrNode {
  readonly kind: 'or';
  readonly args: readonly Cql2Node[];
}
/** Also the form of `NOT LIKE`, `NOT BETWEEN`, `NOT IN` and `IS NOT NULL`. */
export interface NotNode {
  readonly kind: 'not';
  readonly arg: Cql2Node;
}
export interface CompareNode {
  readonly kind: 'compare';
  readonly op: CompareOp;
  readonly left: ScalarOperand;
  readonly right: ScalarOperand;
}
/** `value LIKE 'pattern'`: `%` any run of characters, `_` one character, `\` makes the next one literal. */
export interface LikeNode {
  readonly kind: 'like';
  readonly value: ScalarOperand;
  readonly pattern: string;
}
export interface BetweenNode {
  readonly kind: 'between';
  readonly value: ScalarOperand;
  readonly low: ScalarOperand;
  readonly high: ScalarOperand;
}
export interface InNode {
  readonly kind: 'in';
  readonly value: ScalarOperand;
  readonly list: readonly ScalarOperand[];
}
export interface IsNullNode {
  readonly kind: 'isNull';
  readonly value: ScalarOperand;
}
/** `S_INTERSECTS(a, b)` and `S_WITHIN(a, b)` (a lies within b). */
export interface SpatialNode {
  readonly kind: 'spatial';
  readonly op: 'intersects' | 'within';
  readonly left: SpatialOperand;
  readonly right: SpatialOperand;
}
/** `S_DWITHIN(a, b, distance[, meters])`: geodesic distance at most `distance` metres. */
export interface DWithinNode {
  readonly kind: 'spatial';
  readonly op: 'dwithin';
  readonly left: SpatialOperand;
  readonly right: SpatialOperand;
  readonly distance: number;
}
/** A bare `TRUE` or `FALSE` predicate. */
export interface ConstNode {
  readonly kind: 'const';
  readonly value: boolean;
}

export type Cql2Node =
  AndNode | OrNode | NotNode | CompareNode | LikeNode | BetweenNode | InNode | IsNullNode | SpatialNode | DWithinNode | ConstNode;

// Where in the filter text each parsed node and operand began. Kept beside the tree rather than in it, so
// trees stay plain data that compare equal whether parsed or written by hand.
const offsets = new WeakMap<object, number>();

/** The 0-based offset in the filter text at which a parsed node or operand began, if it came from text. */
export function sourceOffset(item: object): number | undefined {
  return offsets.get(item);
}

/** Records where `item` began; returns `item`. */
export function placed<T extends object>(item: T, offset: number | undefined): T {
  if (offset !== undefined) offsets.set(item, offset);
  return item;
}

/**
 * The deepest nesting of AND/OR/NOT nodes (a lone predicate is 0), the number of predicates and the node at
 * which the depth limit was first passed. Walks without recursion, so a hostile tree built in code cannot
 * overflow the stack before the limits are applied.
 */
export function measureTree(root: Cql2Node): { depth: number; predicates: number; tooDeep?: Cql2Node } {
  let depth = 0;
  let predicates = 0;
  let tooDeep: Cql2Node | undefined;
  const stack: Array<[Cql2Node, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (node.kind === 'and' || node.kind === 'or') {
      const level = d + 1;
      depth = Math.max(depth, level);
      if (level > CQL2_LIMITS.maxDepth) tooDeep ??= node;
      else if (Array.isArray(node.args)) for (const a of node.args) stack.push([a, level]);
    } else if (node.kind === 'not') {
      const level = d + 1;
      depth = Math.max(depth, level);
      if (level > CQL2_LIMITS.maxDepth) tooDeep ??= node;
      else stack.push([node.arg, level]);
    } else {
      predicates++;
    }
  }
  return tooDeep ? { depth, predicates, tooDeep } : { depth, predicates };
}
