/**
 * OGC CQL2 text filters (OGC API – Features Part 3, filter-lang=cql2-text) for PostGIS:
 * `parseCql2` (syntax) → `checkCql2` (names, types, limits) → `compileCql2` (parameterised SQL).
 * Conformance: Basic CQL2, Advanced Comparison Operators (LIKE, BETWEEN, IN), and the spatial functions
 * S_INTERSECTS, S_WITHIN and S_DWITHIN with WKT/BBOX literals. See parser.ts for the grammar.
 */
export type { CompareOp, Cql2Node, PropertyRef, ScalarOperand, SpatialOperand } from './ast';
export { CQL2_LIMITS, sourceOffset } from './ast';
export { checkCql2 } from './check';
export { compileCql2 } from './compile';
export { Cql2Error } from './errors';
export type { Geometry, Position } from './geometry';
export { parseCql2 } from './parser';
export type { FilterSchema, PropertySchema } from './schema';
export { assertGeometriesValid, geometryLiterals, geometryValidityQuery } from './validity';
