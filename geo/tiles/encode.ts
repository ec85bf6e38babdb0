import { fromGeojsonVt, type GeojsonVtFeature } from 'vt-pbf';
import { TILE_EXTENT, type TileLayerDef } from './layers';

type Position = [number, number];

/** Tile-space geometry as `ST_AsGeoJSON` writes it (integer coordinates, y down). */
type TileGeometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'MultiPoint'; coordinates: Position[] }
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'MultiLineString'; coordinates: Position[][] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

/** One row of `rowsQuery`: the geometry as GeoJSON text, `fid` when the layer has ids, then the properties. */
export type TileRow = { geojson: string } & Record<string, unknown>;

/**
 * MVT has one geometry per feature with a type of point, line or polygon; multi-geometries are the parts listed
 * one after another (a multipolygon is its polygons' rings in order, each exterior followed by its holes).
 * Returns null for anything else, such as a collection left over from clipping.
 */
function toVtGeometry(g: TileGeometry): Pick<GeojsonVtFeature, 'type' | 'geometry'> | null {
  switch (g.type) {
    case 'Point':
      return { type: 1, geometry: [g.coordinates] };
    case 'MultiPoint':
      return g.coordinates.length ? { type: 1, geometry: g.coordinates } : null;
    case 'LineString':
      return { type: 2, geometry: [g.coordinates] };
    case 'MultiLineString':
      return g.coordinates.length ? { type: 2, geometry: g.coordinates } : null;
    case 'Polygon':
      return g.coordinates.length ? { type: 3, geometry: g.coordinates } : null;
    case 'MultiPolygon':
      return g.coordinates.length ? { type: 3, geometry: g.coordinates.flat() } : null;
    default:
      return null;
  }
}

/** Property values MVT can carry; anything else (dates, JSON) goes as its text form, as `ST_AsMVT` does. */
function toTagValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v);
}

/** Encodes the rows of one layer's tile as an MVT (spec version 2); an empty array when nothing is left. */
export function encodeTile(layer: TileLayerDef, rows: readonly TileRow[]): Uint8Array {
  const features: GeojsonVtFeature[] = [];
  for (const row of rows) {
    const geometry = toVtGeometry(JSON.parse(row.geojson) as TileGeometry);
    if (!geometry) continue;
    const tags: GeojsonVtFeature['tags'] = {};
    for (const p of layer.properties) tags[p] = toTagValue(row[p]);
    const feature: GeojsonVtFeature = { ...geometry, tags };
    if (layer.featureId && row.fid !== null && row.fid !== undefined) feature.id = Number(row.fid);
    features.push(feature);
  }
  if (!features.length) return new Uint8Array(0);
  return fromGeojsonVt({ [layer.id]: { features } }, { version: 2, extent: TILE_EXTENT });
}
