/**
 * The operational vector-tile layers, as data. Each entry names a table and columns from `TILE_SOURCES` (the only
 * identifiers that ever reach tile SQL), its zoom range, how many features one tile may carry and how much its
 * geometry is simplified. A later operational layer (incidents, cases, units) is one more source and one more entry.
 */

/** Tables tile layers may read and the columns each may expose; every one is a plain lower-case identifier. */
export const TILE_SOURCES = {
  district: { geometry: 'geom', columns: ['adcode', 'name', 'kind'] },
  street: { geometry: 'geom', columns: ['code', 'name', 'district_adcode', 'district_name'] },
  grid_cell: { geometry: 'geom', columns: ['code', 'street_code', 'community_code', 'district_adcode', 'owner'] },
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
type ColumnOf<T extends TileSourceTable> = (typeof TILE_SOURCES)[T]['columns'][number];

/** Vector-tile geometry class; decides whether the geometry is clipped and simplified before encoding. */
export type TileGeometryKind = 'point' | 'line' | 'polygon';

export interface TileLayerDef<T extends TileSourceTable = TileSourceTable> {
  /** URL segment and MVT layer name. */
  id: string;
  /** Chinese name for legends and layer switchers. */
  title: string;
  table: T;
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
   * Live layers change while maps show them: the server announces their changed tiles (`tiles:invalidate`),
   * browsers revalidate every tile (Cache-Control `no-cache` + ETag), and the policy's `layers` entry of this id
   * decides who may read them. Base layers are public and cached.
   */
  live?: boolean;
  /** The policy's `layers` entry that guards a live layer, when it is not the layer's own id. */
  policyLayer?: string;
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
  /** Browser cache lifetime; live layers (incidents, units) will use seconds, base layers an hour. */
  maxAgeSeconds: number;
}

/** Tile extent (units per tile side) used by both encoders. */
export const TILE_EXTENT = 4096;

/** Highest zoom the tile endpoint accepts at all; a layer may stop earlier. */
export const MAX_TILE_ZOOM = 22;

const defineLayer = <T extends TileSourceTable>(def: TileLayerDef<T>): TileLayerDef => def;

export const TILE_LAYERS: readonly TileLayerDef[] = [
  defineLayer({
    id: 'district',
    title: '区县界',
    table: 'district',
    geometryKind: 'polygon',
    properties: ['adcode', 'name', 'kind'],
    featureId: 'adcode',
    orderBy: 'adcode',
    minzoom: 0,
    maxzoom: 16,
    maxFeatures: 100,
    simplifyUnits: 2,
    buffer: 64,
    maxAgeSeconds: 3600,
  }),
  defineLayer({
    id: 'street',
    title: '街道界',
    table: 'street',
    geometryKind: 'polygon',
    properties: ['code', 'name', 'district_adcode', 'district_name'],
    featureId: 'code',
    orderBy: 'code',
    minzoom: 8,
    maxzoom: 16,
    maxFeatures: 500,
    simplifyUnits: 2,
    buffer: 64,
    maxAgeSeconds: 3600,
  }),
  defineLayer({
    id: 'grid',
    title: '万米单元网格',
    table: 'grid_cell',
    geometryKind: 'polygon',
    properties: ['code', 'street_code', 'owner'],
    featureId: 'code',
    orderBy: 'code',
    // Below z13 a 100 m cell is under ~8 screen pixels: the grid would be a grey wash, not information.
    minzoom: 13,
    maxzoom: 16,
    maxFeatures: 6000,
    simplifyUnits: 0,
    buffer: 16,
    maxAgeSeconds: 3600,
  }),
  defineLayer({
    id: 'poi',
    title: '重点设施',
    table: 'poi',
    geometryKind: 'point',
    properties: ['id', 'name', 'category', 'hotline'],
    orderBy: 'id',
    minzoom: 9,
    maxzoom: 16,
    maxFeatures: 2000,
    simplifyUnits: 0,
    buffer: 64,
    maxAgeSeconds: 300,
  }),
  defineLayer({
    id: 'roads',
    title: '道路',
    table: 'road',
    geometryKind: 'line',
    properties: ['id', 'name', 'highway', 'class_rank'],
    orderBy: 'class_rank',
    minzoom: 10,
    maxzoom: 16,
    maxFeatures: 6000,
    simplifyUnits: 1,
    buffer: 64,
    maxAgeSeconds: 3600,
  }),
  defineLayer({
    id: 'railways',
    title: '铁路与轨道交通',
    table: 'base_railway',
    geometryKind: 'line',
    properties: ['id', 'name', 'kind'],
    orderBy: 'id',
    minzoom: 9,
    maxzoom: 16,
    maxFeatures: 2000,
    simplifyUnits: 1,
    buffer: 64,
    maxAgeSeconds: 3600,
  }),
  defineLayer({
    id: 'bridges',
    title: '桥梁',
    table: 'base_bridge',
    geometryKind: 'line',
    properties: ['id', 'name', 'kind'],
    orderBy: 'id',
    minzoom: 12,
    maxzoom: 16,
    maxFeatures: 2000,
    simplifyUnits: 1,
    buffer: 64,
    maxAgeSeconds: 3600,
  }),
  defineLayer({
    id: 'waterways',
    title: '河流水道',
    table: 'base_waterway',
    geometryKind: 'line',
    properties: ['id', 'name', 'kind'],
    orderBy: 'id',
    minzoom: 9,
    maxzoom: 16,
    maxFeatures: 1000,
    simplifyUnits: 1,
    buffer: 64,
    maxAgeSeconds: 3600,
  }),
  defineLayer({
    id: 'water',
    title: '水域',
    table: 'base_water_area',
    geometryKind: 'polygon',
    properties: ['id', 'name', 'kind'],
    orderBy: 'id',
    minzoom: 8,
    maxzoom: 16,
    maxFeatures: 1000,
    simplifyUnits: 2,
    buffer: 64,
    maxAgeSeconds: 3600,
  }),
  defineLayer({
    id: 'flood_features',
    title: '防洪设施',
    table: 'base_flood_feature',
    geometryKind: 'line',
    properties: ['id', 'name', 'kind'],
    orderBy: 'id',
    minzoom: 10,
    maxzoom: 16,
    maxFeatures: 1000,
    simplifyUnits: 1,
    buffer: 64,
    maxAgeSeconds: 3600,
  }),
  defineLayer({
    id: 'buildings',
    title: '建筑物',
    table: 'base_building',
    geometryKind: 'polygon',
    properties: ['id', 'name', 'kind'],
    orderBy: 'id',
    minzoom: 14,
    maxzoom: 16,
    maxFeatures: 8000,
    simplifyUnits: 1,
    buffer: 16,
    maxAgeSeconds: 3600,
  }),
  defineLayer({
    id: 'landuse',
    title: '土地利用',
    table: 'base_landuse',
    geometryKind: 'polygon',
    properties: ['id', 'name', 'kind'],
    orderBy: 'id',
    minzoom: 11,
    maxzoom: 16,
    maxFeatures: 4000,
    simplifyUnits: 2,
    buffer: 64,
    maxAgeSeconds: 3600,
  }),
  defineLayer({
    id: 'incidents',
    title: '警情',
    table: 'incident',
    geometryKind: 'point',
    properties: ['id', 'status', 'category', 'priority', 'title', 'district_code', 'drill'],
    featureId: 'id',
    orderBy: 'id',
    orderDescending: true,
    omitWhenSet: 'merged_into',
    minzoom: 8,
    maxzoom: 16,
    maxFeatures: 3000,
    simplifyUnits: 0,
    buffer: 64,
    maxAgeSeconds: 0,
    live: true,
  }),
  defineLayer({
    id: 'cases',
    title: '城市管理案件',
    table: 'city_case',
    geometryKind: 'point',
    properties: ['id', 'code', 'state', 'kind', 'category_code', 'major_code', 'district_code', 'urgent', 'supervision'],
    featureId: 'id',
    orderBy: 'id',
    orderDescending: true,
    minzoom: 8,
    maxzoom: 16,
    maxFeatures: 3000,
    simplifyUnits: 0,
    buffer: 64,
    maxAgeSeconds: 0,
    live: true,
    // Cases are read row by row under the case scope (an inspector sees their own); the whole layer is for the
    // roles that see every case and for planners, as the catalogue's `cases` collection.
    policyLayer: 'case_statistics',
  }),
  defineLayer({
    id: 'units',
    title: '处置力量',
    table: 'unit',
    geometryKind: 'point',
    properties: ['id', 'callsign', 'type', 'agency', 'status', 'incident_id'],
    orderBy: 'id',
    minzoom: 8,
    maxzoom: 16,
    maxFeatures: 2000,
    simplifyUnits: 0,
    buffer: 64,
    maxAgeSeconds: 0,
    live: true,
  }),
];

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
