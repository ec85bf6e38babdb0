import type { CatalogLayer } from '../../geo/catalog/layers';
import { filterSchemaOf } from '../../geo/catalog/layers';
import type { Db, Queryable, SqlParam } from '../../geo/db/types';
import { assertGeometriesValid, compileCql2, type Cql2Node } from '../../geo/ogc/cql2';
import type { Bbox, SortKey, TimeRange } from './params';

/** What an items request asks for, already validated against the layer. */
export interface ItemsQuery {
  bbox?: Bbox;
  datetime?: TimeRange;
  filter?: Cql2Node;
  properties?: string[];
  sortby: SortKey[];
  limit: number;
  offset: number;
}

/**
 * How geometries are written: in `srid` (stored ones are EPSG:4326), with the axes swapped when `flip` (EPSG order
 * north first), rounded to `decimals`. The default is CRS84 at 7 decimals (about 1 cm).
 */
export interface GeometryOutput {
  srid: number;
  flip: boolean;
  decimals: number;
}
export const CRS84_OUTPUT: GeometryOutput = { srid: 4326, flip: false, decimals: 7 };

export interface GeoJsonFeature {
  type: 'Feature';
  id: string | number;
  geometry: unknown;
  properties: Record<string, unknown>;
}

const ALIAS = 't';
/** Every statement of an OGC request gets at most this long; a heavier query is cancelled. */
const STATEMENT_TIMEOUT = "SET LOCAL statement_timeout = '5s'";
/**
 * PostgreSQL compiles queries with a high cost estimate (a count over a large table) with its JIT, which costs more
 * than it saves for answers of a few hundred milliseconds: measured 170 ms of a 250 ms items query over 1,000,000
 * incidents (BENCHMARKS.md).
 */
export const NO_JIT = 'SET LOCAL jit = off';

/** A catalogue identifier, double-quoted; the catalogue is server data, this only guards against editing mistakes. */
function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`catalogue identifier ${JSON.stringify(name)} is not plain`);
  return `"${name}"`;
}

const col = (name: string) => `${ALIAS}.${ident(name)}`;

/** The SQL value of an allow-listed property. */
function valueSql(layer: CatalogLayer, name: string): string {
  const p = layer.properties.find((q) => q.name === name);
  if (!p) throw new Error(`property ${name} is not in the catalogue of ${layer.id}`);
  return p.expression !== undefined ? `(${p.expression})` : col(p.column);
}

/** The WHERE clause and its parameters for bbox, datetime and filter (checked and compiled by the CQL2 module). */
function whereOf(layer: CatalogLayer, q: ItemsQuery): { sql: string; params: SqlParam[] } {
  const conds: string[] = [];
  const params: SqlParam[] = [];
  const bind = (v: SqlParam, cast: string) => {
    params.push(v);
    return `$${params.length}::${cast}`;
  };
  if (q.bbox) {
    const [x0, y0, x1, y1] = q.bbox.box.map((v) => bind(v, 'float8'));
    const srid = bind(q.bbox.srid, 'int4');
    const envelope = `ST_MakeEnvelope(${x0}, ${y0}, ${x1}, ${y1}, ${srid})`;
    // A box in another CRS is densified before it is reprojected, so its edges stay close to the box drawn there.
    const box =
      q.bbox.srid === 4326
        ? envelope
        : `ST_Transform(ST_Segmentize(${envelope}, GREATEST(${x1} - ${x0}, ${y1} - ${y0}, 1e-6) / 16.0), 4326)`;
    conds.push(`ST_Intersects(${col(layer.geometryColumn)}, ${box})`);
  }
  if (q.datetime && layer.temporalColumn) {
    const t = col(layer.temporalColumn);
    if (q.datetime.from !== null) conds.push(`${t} >= ${bind(q.datetime.from, 'timestamptz')}`);
    if (q.datetime.to !== null) conds.push(`${t} ${q.datetime.toExclusive ? '<' : '<='} ${bind(q.datetime.to, 'timestamptz')}`);
  }
  if (q.filter) {
    const compiled = compileCql2(q.filter, filterSchemaOf(layer), params.length + 1, ALIAS);
    conds.push(`(${compiled.sql})`);
    params.push(...(compiled.params as SqlParam[]));
  }
  return { sql: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

/** The geometry as GeoJSON text in the output CRS (catalogue SRIDs and decimals are integers, never request text). */
function geometrySql(layer: CatalogLayer, out: GeometryOutput): string {
  let g = col(layer.geometryColumn);
  if (out.srid !== 4326) g = `ST_Transform(${g}, ${Math.trunc(out.srid)})`;
  if (out.flip) g = `ST_FlipCoordinates(${g})`;
  // Options 0: no `crs` member (the CRS is named by the Content-Crs header).
  return `ST_AsGeoJSON(${g}, ${Math.trunc(out.decimals)}, 0)`;
}

/** The selected columns: id, geometry as GeoJSON and the asked-for properties. */
function selectOf(layer: CatalogLayer, names: readonly string[], out: GeometryOutput): string {
  const cols = [
    `${col(layer.idColumn)}::text AS "__id"`,
    `${geometrySql(layer, out)} AS "__geometry"`,
    ...names.map((n, i) => `${valueSql(layer, n)} AS "p${i}"`),
  ];
  return cols.join(', ');
}

function toFeature(layer: CatalogLayer, names: readonly string[], row: Record<string, unknown>): GeoJsonFeature {
  const properties: Record<string, unknown> = {};
  names.forEach((n, i) => {
    const v = row[`p${i}`];
    const type = layer.properties.find((p) => p.name === n)?.type;
    // bigint columns arrive as strings; numeric ones are written as JSON numbers.
    properties[n] = (type === 'integer' || type === 'number') && typeof v === 'string' ? Number(v) : v;
  });
  const id = String(row.__id);
  return {
    type: 'Feature',
    id: layer.idType === 'integer' ? Number(id) : id,
    geometry: JSON.parse(String(row.__geometry)) as unknown,
    properties,
  };
}

/** Runs `fn` in a transaction whose statements are cancelled after 5 s. */
export function withTimeout<T>(db: Db, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query(STATEMENT_TIMEOUT);
    await tx.query(NO_JIT);
    return fn(tx);
  });
}

/** One page of features and the number matched by the whole query. */
export async function queryItems(
  db: Db,
  layer: CatalogLayer,
  q: ItemsQuery,
  out: GeometryOutput = CRS84_OUTPUT,
): Promise<{ features: GeoJsonFeature[]; numberMatched: number }> {
  const names = q.properties ?? layer.properties.map((p) => p.name);
  const where = whereOf(layer, q);
  const order = [
    ...q.sortby.map((k) => `${valueSql(layer, k.name)} ${k.descending ? 'DESC' : 'ASC'} NULLS LAST`),
    `${col(layer.idColumn)} ASC`,
  ].join(', ');
  const from = `FROM ${ident(layer.table)} ${ALIAS}`;
  return withTimeout(db, async (tx) => {
    // Invalid polygons are refused with PostGIS's reason before they can reach ST_Intersects.
    if (q.filter) await assertGeometriesValid(tx, q.filter);
    const [count] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n ${from} ${where.sql}`, where.params);
    const n = where.params.length;
    const rows = await tx.query(
      `SELECT ${selectOf(layer, names, out)} ${from} ${where.sql} ORDER BY ${order} LIMIT $${n + 1}::int OFFSET $${n + 2}::int`,
      [...where.params, q.limit, q.offset],
    );
    return { features: rows.map((r) => toFeature(layer, names, r)), numberMatched: Number(count?.n ?? 0) };
  });
}

/** One feature by id, or null. Ids that cannot be an id of the layer (e.g. letters for a numeric id) find nothing. */
export async function queryItem(
  db: Db,
  layer: CatalogLayer,
  featureId: string,
  out: GeometryOutput = CRS84_OUTPUT,
): Promise<GeoJsonFeature | null> {
  if (layer.idType === 'integer' && !/^\d{1,18}$/.test(featureId)) return null;
  const names = layer.properties.map((p) => p.name);
  const cast = layer.idType === 'integer' ? 'bigint' : 'text';
  return withTimeout(db, async (tx) => {
    const [row] = await tx.query(
      `SELECT ${selectOf(layer, names, out)} FROM ${ident(layer.table)} ${ALIAS} WHERE ${col(layer.idColumn)} = $1::${cast}`,
      [featureId],
    );
    return row ? toFeature(layer, names, row) : null;
  });
}
