import type { Db, SqlParam } from '../db/types';
import { geometryColumn, TILE_EXTENT, type TileLayerDef } from './layers';

/** One tile address; validated before it gets here (see `coords.ts`). */
export interface TileAddress {
  z: number;
  x: number;
  y: number;
}

export interface TileQuery {
  sql: string;
  params: SqlParam[];
}

/** Half the width of the EPSG:3857 world, in metres: the bounds `ST_TileEnvelope` uses. */
const WEB_MERCATOR_HALF_WORLD = 20037508.342789244;

const quote = (identifier: string) => `"${identifier}"`;

/** Metres (EPSG:3857) per tile unit at zoom `z`. */
export function metresPerTileUnit(z: number): number {
  return (2 * WEB_MERCATOR_HALF_WORLD) / 2 ** z / TILE_EXTENT;
}

/**
 * The features of one tile in EPSG:3857, shared by both backends.
 * - The index filter compares the table's own 4326 geometry with the buffered tile envelope transformed to 4326
 *   (exact: Mercator maps a lon/lat-aligned box to a box), so the GiST index on `geom` is used.
 * - Lines and polygons are clipped in 4326 before they are transformed: a district polygon is transformed only
 *   for the part this tile shows.
 * - Simplification runs in 3857 with a tolerance in tile units, so it scales with zoom.
 *
 * Parameters: $1 z, $2 x, $3 y, $4 margin (buffer / extent), $5 tolerance in metres, $6 feature limit.
 * Columns: `geom3857`, `env3857` (the unbuffered tile envelope), `fid` (when the layer has ids), then the
 * properties under their column names.
 */
function featuresSql(layer: TileLayerDef): string {
  const geom = `t.${quote(geometryColumn(layer))}`;
  const clipped = layer.geometryKind === 'point' ? geom : `ST_ClipByBox2D(${geom}, b.env4326)`;
  const projected = `ST_Transform(${clipped}, 3857)`;
  const simplified = layer.simplifyUnits > 0 ? `ST_SimplifyPreserveTopology(${projected}, b.tolerance)` : projected;
  const columns = [
    `${simplified} AS geom3857`,
    'b.env3857',
    ...(layer.featureId ? [`t.${quote(layer.featureId)}::bigint AS fid`] : []),
    ...layer.properties.map((p) => `t.${quote(p)}`),
  ];
  return `SELECT ${columns.join(', ')}
    FROM ${quote(layer.table)} t,
         (SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env3857,
                 ST_Transform(ST_TileEnvelope($1::int, $2::int, $3::int, margin => $4::float8), 4326) AS env4326,
                 $5::float8 AS tolerance) b
    WHERE ${geom} && b.env4326${layer.omitWhenSet ? ` AND t.${quote(layer.omitWhenSet)} IS NULL` : ''}
    ORDER BY t.${quote(layer.orderBy)}${layer.orderDescending ? ' DESC' : ''}
    LIMIT $6::int`;
}

function baseParams(layer: TileLayerDef, { z, x, y }: TileAddress): SqlParam[] {
  return [z, x, y, layer.buffer / TILE_EXTENT, layer.simplifyUnits * metresPerTileUnit(z), layer.maxFeatures];
}

/** The non-geometry output columns: the feature id (when the layer has one), then the properties. */
const outputColumns = (layer: TileLayerDef) => [...(layer.featureId ? ['fid'] : []), ...layer.properties].map(quote);

/**
 * Real PostGIS: `ST_AsMVTGeom` + `ST_AsMVT` produce the whole tile in one statement ($7 is the layer name).
 * Features clipped away come back with a NULL geometry, which `ST_AsMVT` skips; filtering them in SQL instead
 * would make the planner evaluate `ST_AsMVTGeom` twice per row.
 */
export function mvtQuery(layer: TileLayerDef, tile: TileAddress): TileQuery {
  const mvtGeom = `ST_AsMVTGeom(f.geom3857, f.env3857, ${TILE_EXTENT}, ${layer.buffer}, true)`;
  const idArg = layer.featureId ? `, 'fid'` : '';
  const sql = `SELECT ST_AsMVT(m, $7::text, ${TILE_EXTENT}, 'geom'${idArg}) AS tile
    FROM (SELECT ${mvtGeom} AS geom, ${outputColumns(layer).join(', ')} FROM (${featuresSql(layer)}) f) m`;
  return { sql, params: [...baseParams(layer, tile), layer.id] };
}

/**
 * Embedded PostGIS (PGlite) has neither `ST_AsMVT` nor `ST_AsMVTGeom` (both need protobuf-c), so the same
 * transformation is written out: scale and flip into tile units, snap to the integer grid, orient polygons the
 * way the MVT spec wants (exterior rings with positive area in y-down tile space, which PostGIS calls CCW), drop
 * what collapsed. Rows carry the tile-space geometry as GeoJSON; `encode.ts` writes the protobuf.
 */
export function rowsQuery(layer: TileLayerDef, tile: TileAddress): TileQuery {
  const toTile = `ST_TransScale(f.geom3857, -ST_XMin(f.env3857), -ST_YMax(f.env3857),
      ${TILE_EXTENT} / (ST_XMax(f.env3857) - ST_XMin(f.env3857)), -${TILE_EXTENT} / (ST_YMax(f.env3857) - ST_YMin(f.env3857)))`;
  let tileGeom = `ST_SnapToGrid(${toTile}, 1)`;
  if (layer.geometryKind === 'polygon') tileGeom = `ST_ForcePolygonCCW(${tileGeom})`;
  const columns = outputColumns(layer).join(', ');
  const sql = `SELECT ST_AsGeoJSON(g.geom, 0, 0) AS geojson, ${columns}
    FROM (SELECT ${tileGeom} AS geom, ${columns} FROM (${featuresSql(layer)}) f) g
    WHERE g.geom IS NOT NULL AND NOT ST_IsEmpty(g.geom)`;
  return { sql, params: baseParams(layer, tile) };
}

/** The statement that renders `tile` on this backend: the bare query the benchmark times beside `renderTile`. */
export function tileQuery(backend: Db['backend'], layer: TileLayerDef, tile: TileAddress): TileQuery {
  return backend === 'postgis' ? mvtQuery(layer, tile) : rowsQuery(layer, tile);
}
