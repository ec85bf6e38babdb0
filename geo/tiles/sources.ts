/**
 * What a vector-tile layer may read and how it is cut into tiles. Each catalogue entry (geo/catalog/layers.ts)
 * served as tiles carries its `TileFacts`; the tables and columns here are the only identifiers that ever reach
 * tile SQL.
 */

/** Tables tile layers may read and the columns each may expose; every one is a plain lower-case identifier. */
export const TILE_SOURCES = {
  district: { geometry: 'geom', columns: ['adcode', 'name', 'kind'] },
  street: { geometry: 'geom', columns: ['code', 'name', 'district_adcode', 'district_name'] },
  grid_cell: { geometry: 'geom', columns: ['code', 'street_code', 'community_code', 'district_adcode', 'owner'] },
  grid_population_cell: { geometry: 'geom', columns: ['code', 'street_code', 'district_adcode', 'night', 'day', 'source'] },
  poi: { geometry: 'geom', columns: ['id', 'name', 'category', 'hotline'] },
  road: { geometry: 'geom', columns: ['id', 'name', 'highway', 'class_rank'] },
  base_railway: { geometry: 'geom', columns: ['id', 'name', 'kind'] },
  base_bridge: { geometry: 'geom', columns: ['id', 'name', 'kind'] },
  base_waterway: { geometry: 'geom', columns: ['id', 'name', 'kind'] },
  base_water_area: { geometry: 'geom', columns: ['id', 'name', 'kind'] },
  base_flood_feature: { geometry: 'geom', columns: ['id', 'name', 'kind'] },
  base_building: { geometry: 'geom', columns: ['id', 'name', 'kind'] },
  base_landuse: { geometry: 'geom', columns: ['id', 'name', 'kind'] },
  incident: {
    geometry: 'geom',
    columns: ['id', 'status', 'category', 'priority', 'title', 'district_code', 'drill', 'merged_into'],
  },
  unit: { geometry: 'geom', columns: ['id', 'callsign', 'type', 'agency', 'status', 'incident_id'] },
  city_case: {
    geometry: 'geom',
    columns: ['id', 'code', 'state', 'kind', 'category_code', 'major_code', 'district_code', 'urgent', 'supervision'],
  },
} as const satisfies Record<string, { geometry: string; columns: readonly string[] }>;

export type TileSourceTable = keyof typeof TILE_SOURCES;
export type ColumnOf<T extends TileSourceTable> = (typeof TILE_SOURCES)[T]['columns'][number];

/** Vector-tile geometry class; decides whether the geometry is clipped and simplified before encoding. */
export type TileGeometryKind = 'point' | 'line' | 'polygon';

/** How a catalogue entry is served as vector tiles (its table, id and access are the entry's own). */
export interface TileFacts<T extends TileSourceTable = TileSourceTable> {
  /** Short Chinese name for legends and layer switchers. */
  title: string;
  geometryKind: TileGeometryKind;
  /** Columns written as feature properties, under their own names. */
  properties: readonly ColumnOf<T>[];
  /** A column of decimal digits that becomes the numeric MVT feature id (MapLibre feature-state needs one). */
  featureId?: ColumnOf<T>;
  /** Features are taken in this order, so that the per-tile limit keeps the same ones on every backend. */
  orderBy: ColumnOf<T>;
  /** Newest first (`DESC`), e.g. for incidents, where the per-tile limit should keep the latest. */
  orderDescending?: boolean;
  /** Rows whose column is set are left out, e.g. incidents merged into another one. */
  omitWhenSet?: ColumnOf<T>;
  /**
   * Live layers change while maps show them: the server announces their changed tiles (`tiles:invalidate`) and
   * browsers revalidate every tile (Cache-Control `no-cache` + ETag). Only a non-public entry can be live: who may
   * read it is the policy's `layers` entry named by the catalogue entry. Base layers are public and cached.
   */
  live?: boolean;
  minzoom: number;
  maxzoom: number;
  /** Most features one tile carries; tiles are small enough to parse on the client's main thread budget. */
  maxFeatures: number;
  /**
   * Douglas-Peucker tolerance in tile units (1/4096 of a tile's width). Expressed in tile units it scales with
   * zoom by itself: coarse at city scale, sub-metre at street scale. 0 leaves the geometry as it is.
   */
  simplifyUnits: number;
  /** Tile units of geometry kept beyond each tile edge, so that strokes and symbols do not break at seams. */
  buffer: number;
  /** Browser cache lifetime; live layers 0 (always revalidated), base layers an hour. */
  maxAgeSeconds: number;
}
