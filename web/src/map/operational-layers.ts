import { BASEMAP_SOURCE } from './basemap-style';
import { LABEL_FONT_STACK } from './fonts';
import { BASEMAP, OPERATIONAL as O } from './palette';
import type { Expr, Filter, LayerSpec, SourceSpec, SymbolLayerSpec } from './style-types';

/**
 * Operational vector tiles served by the gateway from PostGIS. Each source reads the layer's TileJSON
 * (`/tiles/{layer}.json`), so zoom ranges are the server's; a tile holds one source-layer named like the layer.
 */
export const TILE_LAYERS = ['district', 'street', 'grid', 'poi'] as const;
export type TileLayer = (typeof TILE_LAYERS)[number];

const TILE_ATTRIBUTION: Record<TileLayer, string> = {
  district: 'DataV.GeoAtlas / 高德',
  street: '© OpenStreetMap contributors',
  grid: '© OpenStreetMap contributors',
  poi: '© OpenStreetMap contributors',
};

/**
 * A polygon's name is placed once per tile it touches, so a large area would repeat it at every tile.
 * Names therefore read second sources capped at a low zoom, which MapLibre over-zooms (the map sets
 * `zoomLevelsToOverscale: undefined`), so one tile holds a whole area: all of Harbin's districts at z5,
 * the urban core's 街道 at z10, a neighbourhood of grid cells at z14.
 */
const LABEL_SOURCES = {
  'district-label': { layer: 'district', minzoom: 0, maxzoom: 5 },
  'street-label': { layer: 'street', minzoom: 8, maxzoom: 10 },
  'grid-label': { layer: 'grid', minzoom: 13, maxzoom: 14 },
} as const satisfies Record<string, { layer: TileLayer; minzoom: number; maxzoom: number }>;
type LabelSource = keyof typeof LABEL_SOURCES;

export function operationalSources(origin: string): Record<TileLayer | LabelSource, SourceSpec> {
  const source = (layer: TileLayer): SourceSpec => ({
    type: 'vector',
    url: `${origin}/tiles/${layer}.json`,
    attribution: TILE_ATTRIBUTION[layer],
  });
  const labels = (id: LabelSource): SourceSpec => {
    const { layer, minzoom, maxzoom } = LABEL_SOURCES[id];
    const url = `${origin}/tiles/${layer}/{z}/{x}/{y}.mvt`;
    return { type: 'vector', tiles: [url], minzoom, maxzoom, attribution: TILE_ATTRIBUTION[layer] };
  };
  return {
    district: source('district'),
    street: source('street'),
    grid: source('grid'),
    poi: source('poi'),
    'district-label': labels('district-label'),
    'street-label': labels('street-label'),
    'grid-label': labels('grid-label'),
  };
}

const tiles = (layer: TileLayer) => ({ source: layer, 'source-layer': layer });
const labelTiles = (id: LabelSource) => ({ source: id, 'source-layer': LABEL_SOURCES[id].layer });
const labelFont = { 'text-font': LABEL_FONT_STACK };
const halo = { 'text-halo-color': BASEMAP.labelHalo, 'text-halo-width': 1.8 };

/** Boundary lines: districts (purple, with a light casing), 街道 (teal, dashed), the unit grid (thin orange). */
export function operationalLineLayers(): LayerSpec[] {
  return [
    {
      id: 'grid-line',
      type: 'line',
      ...tiles('grid'),
      minzoom: 14,
      paint: { 'line-color': O.grid, 'line-width': ['interpolate', ['linear'], ['zoom'], 14, 0.4, 18, 1.2], 'line-opacity': 0.8 },
    },
    {
      id: 'street-line',
      type: 'line',
      ...tiles('street'),
      minzoom: 11,
      paint: {
        'line-color': O.street,
        'line-width': ['interpolate', ['linear'], ['zoom'], 11, 1, 16, 2.2],
        'line-dasharray': [4, 2],
      },
    },
    {
      id: 'district-casing',
      type: 'line',
      ...tiles('district'),
      layout: { 'line-join': 'round' },
      paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 3, 16, 7], 'line-opacity': 0.7 },
    },
    {
      id: 'district-line',
      type: 'line',
      ...tiles('district'),
      layout: { 'line-join': 'round' },
      paint: { 'line-color': O.district, 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1.4, 16, 3.2] },
    },
  ];
}

/**
 * District seats in the basemap's place labels: OpenStreetMap tags the seats of Harbin's urban districts
 * `place=city`, named like the district (…区). They label the districts in the urban core, where the
 * district polygons reach far beyond the screen and their own centres would be off it.
 */
const DISTRICT_SEAT: Filter = [
  'all',
  ['in', ['get', 'place'], ['literal', ['city', 'district']]],
  ['==', ['slice', ['get', 'name'], ['-', ['length', ['get', 'name']], 1]], '区'],
];

const districtText: SymbolLayerSpec['layout'] = {
  ...labelFont,
  'text-field': ['get', 'name'],
  'text-size': ['interpolate', ['linear'], ['zoom'], 7, 13, 14, 22],
  'text-letter-spacing': 0.15,
};
const districtPaint: SymbolLayerSpec['paint'] = { 'text-color': O.districtLabel, ...halo, 'text-halo-width': 2.2 };

/** Names and codes: districts, 街道, grid codes at high zoom, and names of emergency facilities. */
export function operationalLabelLayers(emergencyCategories: readonly string[]): LayerSpec[] {
  const facilityFilter: Expr = ['in', ['get', 'category'], ['literal', [...emergencyCategories]]];
  return [
    {
      id: 'grid-label',
      type: 'symbol',
      ...labelTiles('grid-label'),
      minzoom: 16.5,
      layout: { ...labelFont, 'text-field': ['get', 'code'], 'text-size': 10, 'text-padding': 1 },
      paint: { 'text-color': O.gridLabel, ...halo, 'text-halo-width': 1.2 },
    },
    {
      id: 'facility-label',
      type: 'symbol',
      ...tiles('poi'),
      minzoom: 15,
      filter: facilityFilter,
      layout: {
        ...labelFont,
        'text-field': ['get', 'name'],
        'text-size': 12,
        'text-anchor': 'top',
        'text-offset': [0, 1.2],
        'text-optional': true,
      },
      paint: { 'text-color': BASEMAP.label, ...halo },
    },
    {
      id: 'street-label',
      type: 'symbol',
      ...labelTiles('street-label'),
      minzoom: 11.5,
      layout: { ...labelFont, 'text-field': ['get', 'name'], 'text-size': ['interpolate', ['linear'], ['zoom'], 12, 12, 16, 15] },
      paint: { 'text-color': O.streetLabel, ...halo },
    },
    // Whole-city view: one label per district or county polygon (tiles are large at these zooms).
    {
      id: 'district-label-area',
      type: 'symbol',
      ...labelTiles('district-label'),
      maxzoom: 10,
      layout: districtText,
      paint: districtPaint,
    },
    {
      id: 'district-label',
      type: 'symbol',
      source: BASEMAP_SOURCE,
      'source-layer': 'places',
      minzoom: 10,
      maxzoom: 15,
      filter: DISTRICT_SEAT,
      layout: districtText,
      paint: districtPaint,
    },
  ];
}
