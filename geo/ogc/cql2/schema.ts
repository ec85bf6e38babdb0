import type { Extent } from './geometry';

export type PropertyType = 'string' | 'number' | 'integer' | 'boolean' | 'timestamp' | 'date' | 'geometry';

/** A queryable property stored in a plain column (the default, and the only kind built from identifiers alone). */
export interface ColumnProperty {
  /** The name clients write in filters. */
  name: string;
  /** The table column; must match /^[a-z_][a-z0-9_]*$/ and is always double-quoted in SQL. */
  column: string;
  type: PropertyType;
  /** Chinese label for people (queryables `title`, table headers, filter pickers). */
  title?: string;
  expression?: undefined;
}

/**
 * A computed queryable property, e.g. `{ name: 'lon', type: 'number', expression: 'ST_X(geom)' }`. The caller
 * vouches for `expression`: it is server-written SQL (never request data), inserted verbatim in parentheses
 * and not qualified by the compile alias, so write column references qualified if the query needs it.
 */
export interface ExpressionProperty {
  name: string;
  expression: string;
  type: PropertyType;
  title?: string;
  column?: undefined;
}

export type PropertySchema = ColumnProperty | ExpressionProperty;

/** What a layer lets filters use: its queryable properties, its geometry column and the allowed area. */
export interface FilterSchema {
  properties: readonly PropertySchema[];
  /** The geometry property spatial functions work on (SRID 4326), e.g. `{ name: 'geom', column: 'geom' }`. */
  geometry: { name: string; column: string };
  /** Geometry literals must lie inside; HARBIN_EXTENT when omitted. */
  extent?: Extent;
}

/** A property found by name: its type and, for the geometry property, the flag that allows spatial use. */
export interface ResolvedProperty {
  name: string;
  type: PropertyType;
  /** True only for `FilterSchema.geometry`. */
  isGeometry: boolean;
  /** The SQL for the value, before alias qualification: a column name or a vouched-for expression. */
  column?: string;
  expression?: string;
}

/** Looks a public property name up (case-sensitively); undefined when the layer does not offer it. */
export function findProperty(schema: FilterSchema, name: string): ResolvedProperty | undefined {
  if (name === schema.geometry.name) return { name, type: 'geometry', isGeometry: true, column: schema.geometry.column };
  const p = schema.properties.find((q) => q.name === name);
  if (!p) return undefined;
  return p.expression !== undefined
    ? { name, type: p.type, isGeometry: false, expression: p.expression }
    : { name, type: p.type, isGeometry: false, column: p.column };
}

/** Every public property name, the geometry property included, in schema order. */
export function propertyNames(schema: FilterSchema): string[] {
  const names = schema.properties.map((p) => p.name);
  if (!names.includes(schema.geometry.name)) names.push(schema.geometry.name);
  return names;
}
