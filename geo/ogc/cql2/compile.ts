import type { Cql2Node, ScalarOperand, SpatialOperand } from './ast';
import { checkCql2 } from './check';
import { findProperty, type FilterSchema, type PropertyType } from './schema';

/** A WHERE condition: `sql` with `$k` placeholders, `params` their values in order. */
export interface CompiledSql {
  sql: string;
  params: unknown[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function quoteIdent(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`filter schema: ${what} ${JSON.stringify(name)} is not a plain identifier`);
  return `"${name}"`;
}

/** Server-side schema mistakes are programming errors (HTTP 500), not Cql2Errors. */
function assertSchema(schema: FilterSchema): void {
  const seen = new Set<string>();
  for (const p of schema.properties) {
    if (seen.has(p.name)) throw new Error(`filter schema: property "${p.name}" is listed twice`);
    seen.add(p.name);
    if (p.expression !== undefined) {
      if (typeof p.expression !== 'string' || p.expression.trim() === '') {
        throw new Error(`filter schema: property "${p.name}" has an empty expression`);
      }
    } else {
      quoteIdent(p.column, `column of property "${p.name}"`);
    }
  }
  quoteIdent(schema.geometry.column, 'geometry column');
}

const CAST: Record<Exclude<ScalarOperand['kind'], 'property' | 'number'>, string> = {
  string: 'text',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamptz',
};

const SPATIAL_SQL = { intersects: 'ST_Intersects', within: 'ST_Within' } as const;

class Compiler {
  readonly params: unknown[] = [];
  private readonly prefix: string;

  constructor(
    private readonly schema: FilterSchema,
    private readonly firstParam: number,
    alias: string | undefined,
  ) {
    this.prefix = alias === undefined ? '' : `${quoteIdent(alias, 'alias')}.`;
  }

  /** Adds a parameter; its placeholder, cast so that PostgreSQL never has to guess a type. */
  private bind(value: unknown, cast: string): string {
    this.params.push(value);
    return `$${this.firstParam + this.params.length - 1}::${cast}`;
  }

  private property(name: string): { sql: string; type: PropertyType } {
    const p = findProperty(this.schema, name);
    if (!p) throw new Error(`checked filter names unknown property ${JSON.stringify(name)}`);
    if (p.expression !== undefined) return { sql: `(${p.expression})`, type: p.type };
    return { sql: `${this.prefix}${quoteIdent(p.column!, 'column')}`, type: p.type };
  }

  private typeOf(op: ScalarOperand): PropertyType | undefined {
    return op.kind === 'property' ? findProperty(this.schema, op.name)?.type : undefined;
  }

  /**
   * A value: a (qualified, quoted) column or a cast parameter. Numbers compared with an integer property are
   * bound as bigint when they are whole, so an index on the column stays usable; otherwise double precision.
   */
  private scalar(op: ScalarOperand, peer: PropertyType | undefined): string {
    switch (op.kind) {
      case 'property':
        return this.property(op.name).sql;
      case 'number':
        return this.bind(op.value, peer === 'integer' && Number.isSafeInteger(op.value) ? 'bigint' : 'double precision');
      case 'string':
      case 'boolean':
      case 'date':
      case 'timestamp':
        return this.bind(op.value, CAST[op.kind]);
    }
  }

  private geometry(op: SpatialOperand): string {
    if (op.kind === 'property') return this.property(op.name).sql;
    return `ST_GeomFromGeoJSON(${this.bind(JSON.stringify(op.value), 'text')})`;
  }

  node(node: Cql2Node): string {
    switch (node.kind) {
      case 'and':
      case 'or':
        return `(${node.args.map((a) => this.node(a)).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `(NOT ${this.node(node.arg)})`;
      case 'const':
        return this.bind(node.value, 'boolean');
      case 'compare':
        return `(${this.scalar(node.left, this.typeOf(node.right))} ${node.op} ${this.scalar(node.right, this.typeOf(node.left))})`;
      case 'like':
        // CQL2 and PostgreSQL share % and _ and the backslash escape, so the pattern is bound as written.
        return `(${this.scalar(node.value, undefined)} LIKE ${this.bind(node.pattern, 'text')} ESCAPE E'\\\\')`;
      case 'between': {
        const peer = this.typeOf(node.value);
        const value = this.scalar(node.value, this.typeOf(node.low) ?? this.typeOf(node.high));
        return `(${value} BETWEEN ${this.scalar(node.low, peer)} AND ${this.scalar(node.high, peer)})`;
      }
      case 'in': {
        const peer = this.typeOf(node.value);
        const value = this.scalar(
          node.value,
          node.list.map((i) => this.typeOf(i)).find((t) => t !== undefined),
        );
        return `(${value} IN (${node.list.map((i) => this.scalar(i, peer)).join(', ')}))`;
      }
      case 'isNull':
        return `(${this.scalar(node.value, undefined)} IS NULL)`;
      case 'spatial': {
        const left = this.geometry(node.left);
        const right = this.geometry(node.right);
        if (node.op === 'dwithin') {
          return `ST_DWithin(${left}::geography, ${right}::geography, ${this.bind(node.distance, 'double precision')})`;
        }
        return `${SPATIAL_SQL[node.op]}(${left}, ${right})`;
      }
    }
  }
}

/**
 * Compiles a filter into a parameterised PostgreSQL/PostGIS condition for a WHERE clause. The tree is checked
 * first (`checkCql2`), so nothing unchecked reaches SQL. Identifiers come only from the schema (quoted, and
 * qualified with `alias` when given); every literal is a parameter `$firstParam`, `$firstParam+1`, … with an
 * explicit cast. Geometry literals are bound as GeoJSON text through `ST_GeomFromGeoJSON` (SRID 4326); run
 * `geometryValidityQuery` (or `assertGeometriesValid`) first so invalid polygons are refused with a reason.
 */
export function compileCql2(node: Cql2Node, schema: FilterSchema, firstParam = 1, alias?: string): CompiledSql {
  if (!Number.isSafeInteger(firstParam) || firstParam < 1)
    throw new Error(`firstParam must be a positive integer, not ${firstParam}`);
  assertSchema(schema);
  const checked = checkCql2(node, schema);
  const compiler = new Compiler(schema, firstParam, alias);
  const sql = compiler.node(checked);
  return { sql, params: compiler.params };
}
