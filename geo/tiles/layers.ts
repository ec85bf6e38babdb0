import { CATALOG } from '../catalog/layers';
import { TILE_SOURCES, type TileFacts, type TileSourceTable } from './sources';

/**
 * The vector-tile layers: every catalogue entry (geo/catalog/layers.ts) that has tiles, with the entry's id, table
 * and access. Each names a table and columns from `TILE_SOURCES` (the only identifiers that ever reach tile SQL),
 * its zoom range, how many features one tile may carry and how much its geometry is simplified.
 */
export type TileLayerDef<T extends TileSourceTable = TileSourceTable> = TileFacts<T> & {
  /** URL segment and MVT layer name: the catalogue entry's id. */
  id: string;
  table: T;
  /** Open base layers: readable without a session or token. */
  public: boolean;
  /** For the others: the `layers` entry of data/policy.json that says which roles may read them. */
  policyLayer?: string;
};

/** Tile extent (units per tile side) used by both encoders. */
export const TILE_EXTENT = 4096;

/** Highest zoom the tile endpoint accepts at all; a layer may stop earlier. */
export const MAX_TILE_ZOOM = 22;

/** The catalogue's tiled entries, in catalogue order. */
export const TILE_LAYERS: readonly TileLayerDef[] = CATALOG.flatMap((entry): TileLayerDef[] =>
  entry.tiles
    ? [
        {
          ...(entry.tiles as TileFacts),
          id: entry.id,
          table: entry.table as TileSourceTable,
          public: entry.public,
          ...(entry.policyLayer ? { policyLayer: entry.policyLayer } : {}),
        },
      ]
    : [],
);

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
/** Names the tile SQL uses for its own columns; a property under one of them would be shadowed. */
const RESERVED = new Set(['fid', 'geom', 'geom3857', 'env3857', 'env4326', 'geojson']);

/**
 * Checks the registry against the allow-list once at load: the types already guarantee it, this guards against a
 * cast or a hand-edited entry letting an unknown identifier into SQL.
 */
export function assertValidRegistry(layers: readonly TileLayerDef[]): Map<string, TileLayerDef> {
  const byId = new Map<string, TileLayerDef>();
  for (const layer of layers) {
    const where = `tile layer "${layer.id}"`;
    if (!/^[a-z][a-z0-9_-]*$/.test(layer.id)) throw new Error(`${where}: id must be lower-case letters, digits, - or _`);
    if (byId.has(layer.id)) throw new Error(`${where}: duplicate id`);
    const source = (TILE_SOURCES as Record<string, { geometry: string; columns: readonly string[] }>)[layer.table];
    if (!source || !Object.hasOwn(TILE_SOURCES, layer.table)) throw new Error(`${where}: table ${layer.table} is not allowed`);
    const columns: readonly string[] = [
      ...layer.properties,
      layer.orderBy,
      ...(layer.featureId ? [layer.featureId] : []),
      ...(layer.omitWhenSet ? [layer.omitWhenSet] : []),
      source.geometry,
    ];
    for (const p of layer.properties) if (RESERVED.has(p)) throw new Error(`${where}: property name ${p} is reserved`);
    for (const c of columns) {
      if (!IDENTIFIER.test(c) || (c !== source.geometry && !source.columns.includes(c))) {
        throw new Error(`${where}: column ${c} is not allowed for table ${layer.table}`);
      }
    }
    const ints: [string, number, number, number][] = [
      ['minzoom', layer.minzoom, 0, MAX_TILE_ZOOM],
      ['maxzoom', layer.maxzoom, layer.minzoom, MAX_TILE_ZOOM],
      ['maxFeatures', layer.maxFeatures, 1, 100_000],
      ['buffer', layer.buffer, 0, TILE_EXTENT],
      ['maxAgeSeconds', layer.maxAgeSeconds, 0, 86_400],
    ];
    for (const [name, v, min, max] of ints) {
      if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${where}: ${name} must be an integer in ${min}..${max}`);
    }
    if (!(layer.simplifyUnits >= 0 && layer.simplifyUnits <= 64)) throw new Error(`${where}: simplifyUnits must be in 0..64`);
    if (layer.live && layer.public) {
      throw new Error(`${where}: a live layer is read under the policy, so its entry cannot be public`);
    }
    byId.set(layer.id, layer);
  }
  return byId;
}

/** The registry by id, validated when this module loads. */
export const TILE_LAYERS_BY_ID: ReadonlyMap<string, TileLayerDef> = assertValidRegistry(TILE_LAYERS);

/** The source of a layer's geometry column name (from the allow-list). */
export function geometryColumn(layer: TileLayerDef): string {
  return TILE_SOURCES[layer.table].geometry;
}
