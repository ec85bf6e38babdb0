import { cellArea, cellToBoundary, latLngToCell } from 'h3-js';
import type { AggregateInput, AggregateUnitProperties } from '../../contracts/analysis';
import type { CatalogLayer } from '../catalog/layers';
import type { Db, Queryable, SqlParam } from '../db/types';

/** Budget of every analysis statement; a query past it is cancelled (SQLSTATE 57014). */
export const ANALYSIS_TIMEOUT = '10s';

/** Runs `fn` in a transaction whose statements are cancelled after ANALYSIS_TIMEOUT. */
export function withAnalysisTx<T>(db: Db, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query(`SET LOCAL statement_timeout = '${ANALYSIS_TIMEOUT}'`);
    // As for the OGC items (gateway/ogc/items.ts): JIT compilation costs more than it saves at these sizes.
    await tx.query('SET LOCAL jit = off');
    // Aggregating 1,000,000 points groups ~200,000 (unit, category) pairs: with the default 4 MB the hash
    // aggregates spill to disk in batches; 64 MB keeps them in memory for this one transaction.
    await tx.query("SET LOCAL work_mem = '64MB'");
    return fn(tx);
  });
}

const GEOM = 'ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)';

/** A geodesic buffer of `distanceM` metres around a checked geometry, with its area on the ellipsoid. */
export async function bufferGeometry(
  tx: Queryable,
  geojson: string,
  distanceM: number,
): Promise<{ geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown }; areaM2: number }> {
  const rows = await tx.query<{ geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown }; area: number }>(
    `SELECT ST_AsGeoJSON(b, 7)::json AS geometry, ST_Area(b::geography) AS area
       FROM (SELECT ST_Buffer(${GEOM}::geography, $2::float8, 'quad_segs=16')::geometry AS b) s`,
    [geojson, distanceM],
  );
  const row = rows[0]!;
  return { geometry: row.geometry, areaM2: Number(row.area) };
}

/** `"col"` for a catalogue column (identifiers come only from geo/catalog/layers.ts, never from a request). */
const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return `"${name}"`;
};

/** The allow-listed properties of a layer as a json_build_object over alias `t`. */
function propertiesSql(layer: CatalogLayer): string {
  const pairs = layer.properties.map((p) => {
    const expr = p.column !== undefined ? `t.${ident(p.column)}` : `(${p.expression})`;
    return `'${p.name.replace(/'/g, "''")}', ${expr}`;
  });
  return `json_build_object(${pairs.join(', ')})`;
}

export interface WithinResult {
  type: 'FeatureCollection';
  features: { type: 'Feature'; id: string | number; geometry: unknown; properties: Record<string, unknown> }[];
  numberMatched: number;
  numberReturned: number;
}

/** Features of a layer lying within a (valid, checked) polygon, in id order, at most `limit`. */
export async function featuresWithin(tx: Queryable, layer: CatalogLayer, geojson: string, limit: number): Promise<WithinResult> {
  const table = ident(layer.table);
  const geom = `t.${ident(layer.geometryColumn)}`;
  const id = `t.${ident(layer.idColumn)}`;
  const where = `ST_Within(${geom}, q.g)`;
  const from = `FROM ${table} t, (SELECT ${GEOM} AS g) q WHERE ${where}`;
  const [countRows, rows] = [
    await tx.query<{ n: string }>(`SELECT count(*) AS n ${from}`, [geojson]),
    await tx.query<{ id: string | number; geometry: unknown; properties: Record<string, unknown> }>(
      `SELECT ${id} AS id, ST_AsGeoJSON(${geom}, 7)::json AS geometry, ${propertiesSql(layer)} AS properties
         ${from} ORDER BY ${id} LIMIT $2`,
      [geojson, limit],
    ),
  ];
  const features = rows.map((r) => ({
    type: 'Feature' as const,
    id: layer.idType === 'integer' ? Number(r.id) : String(r.id),
    geometry: r.geometry,
    properties: r.properties,
  }));
  return {
    type: 'FeatureCollection',
    features,
    numberMatched: Number(countRows[0]?.n ?? 0),
    numberReturned: features.length,
  };
}

type UnitKind = Exclude<AggregateInput['by'], 'h3'>;

/**
 * Where the points of each aggregatable collection live. `located`: columns where each point's grid cell, street
 * and district were stored when it was located (by the same unit polygons), so binning is a GROUP BY on the column
 * instead of a spatial join.
 */
const POINTS: Record<
  AggregateInput['collection'],
  { table: string; category: string; time?: string; located?: Record<UnitKind, string> }
> = {
  poi: { table: 'poi', category: 'category' },
  incidents: {
    table: 'incident',
    category: 'category',
    time: 'first_reported_at',
    located: { grid: 'grid_code', street: 'street_code', district: 'district_code' },
  },
  cases: {
    table: 'city_case',
    category: 'category_code',
    time: 'reported_at',
    located: { grid: 'grid_code', street: 'street_code', district: 'district_code' },
  },
};

/** The units points are binned into: table, code, name and area (km²) expressions over alias `u`. */
const UNITS: Record<UnitKind, { table: string; name: string; areaKm2: string }> = {
  grid: { table: 'grid_cell', name: 'u.code', areaKm2: 'u.area_m2 / 1e6' },
  street: { table: 'street', name: 'u.name', areaKm2: 'coalesce(u.area_km2, ST_Area(u.geom::geography) / 1e6)' },
  district: { table: 'district', name: 'u.name', areaKm2: 'coalesce(u.area_km2, ST_Area(u.geom::geography) / 1e6)' },
};
const UNIT_CODE: Record<UnitKind, string> = { grid: 'code', street: 'code', district: 'adcode' };

export interface AggregateFeature {
  type: 'Feature';
  id: string;
  geometry: unknown;
  properties: AggregateUnitProperties;
}

export interface AggregateResult {
  type: 'FeatureCollection';
  collection: AggregateInput['collection'];
  by: AggregateInput['by'];
  h3Resolution?: number;
  /** Points matching the filters, and those of them that fell in some unit (= the sum of the counts). */
  totalPoints: number;
  assignedPoints: number;
  features: AggregateFeature[];
}

/** The WHERE clause and parameters of the point filters (category, time window), numbered from `first`. */
function pointFilter(input: AggregateInput, first: number): { sql: string; params: SqlParam[] } {
  const conds: string[] = [];
  const params: SqlParam[] = [];
  const time = POINTS[input.collection].time;
  if (input.category !== undefined) {
    params.push(input.category);
    conds.push(`p.${ident(POINTS[input.collection].category)} = $${first + params.length - 1}`);
  }
  if (time && input.from !== undefined) {
    params.push(input.from);
    conds.push(`p.${ident(time)} >= $${first + params.length - 1}::timestamptz`);
  }
  if (time && input.to !== undefined) {
    params.push(input.to);
    conds.push(`p.${ident(time)} < $${first + params.length - 1}::timestamptz`);
  }
  return { sql: conds.length ? `WHERE ${conds.join(' AND ')}` : '', params };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Counts points (poi or incidents, filtered) per unit. Grid, street and district: one spatial join in SQL
 * whose probe side is the unit table's GiST index, grouped by unit code and category, then joined back for
 * the units' polygons. H3: the points' coordinates are read and binned with h3-js. Units without points are
 * left out.
 */
export async function aggregatePoints(tx: Queryable, input: AggregateInput): Promise<AggregateResult> {
  const pts = ident(POINTS[input.collection].table);
  const filter = pointFilter(input, 1);
  const totalRows = await tx.query<{ n: string }>(`SELECT count(*) AS n FROM ${pts} p ${filter.sql}`, filter.params);
  const totalPoints = Number(totalRows[0]?.n ?? 0);
  const located = input.by === 'h3' ? undefined : POINTS[input.collection].located?.[input.by];
  const category = `p.${ident(POINTS[input.collection].category)}`;
  const features =
    input.by === 'h3'
      ? await h3Bins(tx, input, pts, filter, category)
      : await unitBins(tx, input.by, pts, filter, located, category);
  const assignedPoints = features.reduce((n, f) => n + f.properties.count, 0);
  return {
    type: 'FeatureCollection',
    collection: input.collection,
    by: input.by,
    ...(input.by === 'h3' ? { h3Resolution: input.h3Resolution } : {}),
    totalPoints,
    assignedPoints,
    features,
  };
}

async function unitBins(
  tx: Queryable,
  by: UnitKind,
  pts: string,
  filter: { sql: string; params: SqlParam[] },
  located: string | undefined,
  category: string,
): Promise<AggregateFeature[]> {
  const unit = UNITS[by];
  const code = ident(UNIT_CODE[by]);
  const table = ident(unit.table);
  // Points that carry their unit's code are counted by it (one scan, hash aggregate); others are joined spatially
  // on the unit table's GiST index.
  const binned = located
    ? `SELECT p.${ident(located)} AS code, ${category} AS category, count(*) AS n
         FROM ${pts} p
         ${filter.sql ? `${filter.sql} AND` : 'WHERE'} p.${ident(located)} IS NOT NULL
        GROUP BY 1, 2`
    : `SELECT u.${code} AS code, ${category} AS category, count(*) AS n
         FROM ${pts} p JOIN ${table} u ON ST_Intersects(u.geom, p.geom)
         ${filter.sql}
        GROUP BY 1, 2`;
  const rows = await tx.query<{
    code: string;
    name: string | null;
    area_km2: number | null;
    count: string;
    categories: string[];
    counts: (string | number | bigint)[];
    geometry: string;
  }>(
    // Categories and their counts as two parallel arrays, geometry as GeoJSON text: building a JSON object per unit
    // in SQL (json_object_agg, ::json) costs several times the scan itself at 100,000s of (unit, category) rows.
    `WITH binned AS (${binned}), per_unit AS (
       SELECT code, sum(n) AS count, array_agg(category) AS categories, array_agg(n) AS counts FROM binned GROUP BY code
     )
     SELECT u.${code} AS code, ${unit.name} AS name, ${unit.areaKm2} AS area_km2, pu.count, pu.categories, pu.counts,
            ST_AsGeoJSON(u.geom, 6) AS geometry
       FROM per_unit pu JOIN ${table} u ON u.${code} = pu.code
      ORDER BY pu.count DESC, u.${code}`,
    filter.params,
  );
  return rows.map((r) => {
    const count = Number(r.count);
    const areaKm2 = Number(r.area_km2 ?? 0);
    const byCategory: Record<string, number> = {};
    r.categories.forEach((category, i) => (byCategory[category] = Number(r.counts[i])));
    return {
      type: 'Feature',
      id: r.code,
      geometry: JSON.parse(r.geometry) as unknown,
      properties: {
        code: r.code,
        name: r.name,
        count,
        areaKm2: round(areaKm2, 6),
        density: areaKm2 > 0 ? round(count / areaKm2, 3) : 0,
        byCategory,
      },
    };
  });
}

async function h3Bins(
  tx: Queryable,
  input: AggregateInput,
  pts: string,
  filter: { sql: string; params: SqlParam[] },
  category: string,
): Promise<AggregateFeature[]> {
  const rows = await tx.query<{ lon: number; lat: number; category: string }>(
    `SELECT ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat, ${category} AS category FROM ${pts} p ${filter.sql}`,
    filter.params,
  );
  const cells = new Map<string, { count: number; byCategory: Record<string, number> }>();
  for (const r of rows) {
    const h = latLngToCell(r.lat, r.lon, input.h3Resolution);
    let c = cells.get(h);
    if (!c) cells.set(h, (c = { count: 0, byCategory: {} }));
    c.count++;
    c.byCategory[r.category] = (c.byCategory[r.category] ?? 0) + 1;
  }
  return [...cells]
    .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
    .map(([h, c]) => {
      const ring = cellToBoundary(h, true); // GeoJSON order, closed
      const areaKm2 = cellArea(h, 'km2');
      return {
        type: 'Feature',
        id: h,
        geometry: { type: 'Polygon', coordinates: [ring] },
        properties: {
          code: h,
          name: null,
          count: c.count,
          areaKm2: round(areaKm2, 6),
          density: round(c.count / areaKm2, 3),
          byCategory: c.byCategory,
        },
      };
    });
}
