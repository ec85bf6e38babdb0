/**
 * OGC CQL2 text filters (OGC API – Features Part 3, filter-lang=cql2-text) for PostGIS:
 * `parseCql2` (syntax) → `checkCql2` (names, types, limits) → `compileCql2` (parameterised SQL).
 * Conformance: Basic CQL2, Advanced Comparison Operators (LIKE, BETWEEN, IN), and the spatial functions
 * S_INTERSECTS, S_WITHIN and S_DWITHIN with WKT/BBOX literals. See parser.ts for the grammar.
 */
export type {
  AndNode,
  BetweenNode,
  BooleanLiteral,
  CompareNode,
  CompareOp,
  ConstNode,
  Cql2Node,
  DateLiteral,
  DWithinNode,
  GeometryLiteral,
  InNode,
  IsNullNode,
  LikeNode,
  NotNode,
  NumberLiteral,
  OrNode,
  PropertyRef,
  ScalarLiteral,
  ScalarOperand,
  SpatialNode,
  SpatialOperand,
  StringLiteral,
  TimestampLiteral,
} from './ast';
export { CQL2_LIMITS, sourceOffset } from './ast';
export { checkCql2 } from './check';
export { compileCql2, type CompiledSql } from './compile';
export { Cql2Error } from './errors';
export { HARBIN_EXTENT, type Extent, type Geometry, type Position } from './geometry';
export { parseCql2 } from './parser';
export type { ColumnProperty, ExpressionProperty, FilterSchema, PropertySchema, PropertyType } from './schema';
export { assertGeometriesValid, geometryLiterals, geometryValidityQuery, type ValidityQuery } from './validity';
