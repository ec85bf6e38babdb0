import { LABEL_FONT_STACK } from './fonts';
import { BASEMAP as C } from './palette';
import type { Expr, Filter, LayerSpec, SourceSpec } from './style-types';

/** The offline OpenStreetMap basemap of central Harbin, served by the gateway with HTTP Range support. */
export const BASEMAP_SOURCE = 'basemap';
export const BASEMAP_PATH = '/basemap/harbin_central.pmtiles';

export function basemapSource(origin: string): SourceSpec {
  return {
    type: 'vector',
    url: `pmtiles://${origin}${BASEMAP_PATH}`,
    attribution: '© OpenStreetMap contributors',
  };
}

const src = { source: BASEMAP_SOURCE } as const;
/** A width or size growing exponentially with zoom, from `[zoom, value]` stops. */
const byZoom = (stops: [number, number][]): Expr => ['interpolate', ['exponential', 1.6], ['zoom'], ...stops.flat()];

/** Landuse class → fill colour; classes not listed are left as bare land. */
const LANDUSE_FILL: Expr = [
  'match',
  ['get', 'class'],
  [
    'park',
    'garden',
    'forest',
    'wood',
    'grass',
    'meadow',
    'grassland',
    'scrub',
    'recreation_ground',
    'golf_course',
    'pitch',
    'track',
  ],
  C.green,
  ['farmland', 'orchard', 'greenfield'],
  C.farmland,
  'residential',
  C.residential,
  ['commercial', 'retail', 'tourism'],
  C.commercial,
  ['industrial', 'brownfield', 'construction', 'railway', 'military'],
  C.industrial,
  [
    'hospital',
    'school',
    'college',
    'university',
    'kindergarten',
    'governmental',
    'public',
    'religious',
    'stadium',
    'sports_centre',
  ],
  C.institutional,
  'wetland',
  C.wetland,
  'transparent',
];

/** Areas and lines under the operational layers: land, water, buildings, railways and roads. */
export function basemapFeatureLayers(): LayerSpec[] {
  return [
    { id: 'land', type: 'background', paint: { 'background-color': C.land } },
    { id: 'landuse', type: 'fill', ...src, 'source-layer': 'landuse', paint: { 'fill-color': LANDUSE_FILL } },
    {
      id: 'water-area',
      type: 'fill',
      ...src,
      'source-layer': 'water_areas',
      paint: { 'fill-color': ['match', ['get', 'natural'], 'wetland', C.wetland, C.water] },
    },
    {
      id: 'waterway',
      type: 'line',
      ...src,
      'source-layer': 'waterways',
      paint: {
        'line-color': C.waterLine,
        'line-width': [
          'interpolate',
          ['exponential', 1.6],
          ['zoom'],
          10,
          ['match', ['get', 'waterway'], ['river', 'canal'], 1, 0.3],
          16,
          ['match', ['get', 'waterway'], ['river', 'canal'], 6, 2.5],
        ],
      },
    },
    {
      id: 'building',
      type: 'fill',
      ...src,
      'source-layer': 'buildings',
      minzoom: 14,
      paint: { 'fill-color': C.building, 'fill-outline-color': C.buildingOutline },
    },
    {
      id: 'railway',
      type: 'line',
      ...src,
      'source-layer': 'railways',
      filter: ['in', ['get', 'railway'], ['literal', ['rail', 'subway', 'narrow_gauge']]],
      paint: {
        'line-color': C.railway,
        'line-width': byZoom([
          [10, 0.6],
          [16, 2.2],
        ]),
        'line-dasharray': [3, 2],
      },
    },
    ...roadLayers(),
  ];
}

/** Minor streets (class rank 6–8) from z13, then the major network with casings, widest on top. */
function roadLayers(): LayerSpec[] {
  const minorFilter: Filter = ['<=', ['get', 'class_rank'], 8];
  const rank: Expr = ['get', 'class_rank'];
  /** Width by class rank, growing with zoom; `extra` widens it for the casing. */
  const majorWidth = (extra: number): Expr => [
    'interpolate',
    ['exponential', 1.6],
    ['zoom'],
    9,
    ['match', rank, [1, 2], 1.2 + extra, 3, 0.8 + extra, 0.4 + extra],
    16,
    ['match', rank, [1, 2], 14 + extra, 3, 11 + extra, 8 + extra],
  ];
  const majorColor: Expr = ['match', rank, [1, 2], C.expressway, 3, C.arterial, C.road];
  const casingColor: Expr = ['match', rank, [1, 2], C.expresswayCasing, 3, C.arterialCasing, C.roadCasing];
  return [
    {
      id: 'road-minor-casing',
      type: 'line',
      ...src,
      'source-layer': 'roads_minor',
      minzoom: 13,
      filter: minorFilter,
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: {
        'line-color': C.roadCasing,
        'line-width': byZoom([
          [13, 1.6],
          [17, 9],
        ]),
      },
    },
    {
      id: 'road-minor',
      type: 'line',
      ...src,
      'source-layer': 'roads_minor',
      minzoom: 13,
      filter: minorFilter,
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: {
        'line-color': C.road,
        'line-width': byZoom([
          [13, 0.8],
          [17, 7],
        ]),
      },
    },
    {
      id: 'road-major-casing',
      type: 'line',
      ...src,
      'source-layer': 'roads_major',
      layout: { 'line-join': 'round', 'line-sort-key': ['-', 10, rank] },
      paint: { 'line-color': casingColor, 'line-width': majorWidth(2) },
    },
    {
      id: 'road-major',
      type: 'line',
      ...src,
      'source-layer': 'roads_major',
      layout: { 'line-join': 'round', 'line-cap': 'round', 'line-sort-key': ['-', 10, rank] },
      paint: { 'line-color': majorColor, 'line-width': majorWidth(0) },
    },
  ];
}

const labelLayout = { 'text-font': LABEL_FONT_STACK } as const;
const labelPaint = { 'text-color': C.label, 'text-halo-color': C.labelHalo, 'text-halo-width': 1.6 } as const;
const chineseName: Expr = ['coalesce', ['get', 'name_zh'], ['get', 'name']];

/** Basemap labels, drawn above the operational boundaries: water, roads and places. */
export function basemapLabelLayers(): LayerSpec[] {
  return [
    {
      id: 'label-waterway',
      type: 'symbol',
      ...src,
      'source-layer': 'waterways',
      minzoom: 12,
      filter: ['==', ['get', 'waterway'], 'river'],
      layout: {
        ...labelLayout,
        'symbol-placement': 'line',
        'text-field': chineseName,
        'text-size': 13,
        'text-letter-spacing': 0.3,
      },
      paint: { 'text-color': C.waterLabel, 'text-halo-color': C.labelHalo, 'text-halo-width': 1.2 },
    },
    {
      id: 'label-road',
      type: 'symbol',
      ...src,
      'source-layer': 'roads_major',
      minzoom: 13,
      layout: {
        ...labelLayout,
        'symbol-placement': 'line',
        'text-field': chineseName,
        'text-size': byZoom([
          [13, 11],
          [17, 15],
        ]),
        'symbol-spacing': 320,
      },
      paint: labelPaint,
    },
    {
      id: 'label-road-minor',
      type: 'symbol',
      ...src,
      'source-layer': 'roads_minor',
      minzoom: 15,
      filter: ['<=', ['get', 'class_rank'], 7],
      layout: { ...labelLayout, 'symbol-placement': 'line', 'text-field': chineseName, 'text-size': 11 },
      paint: labelPaint,
    },
    {
      id: 'label-place',
      type: 'symbol',
      ...src,
      'source-layer': 'places',
      minzoom: 12,
      // 街道 (OSM `suburb`) are labelled from the operational 街道 layer, district seats by the district layer.
      filter: ['in', ['get', 'place'], ['literal', ['neighbourhood', 'town', 'village', 'island', 'square']]],
      layout: {
        ...labelLayout,
        'text-field': chineseName,
        'text-size': ['match', ['get', 'place'], ['town', 'island'], 14, 12],
        'text-padding': 4,
      },
      paint: labelPaint,
    },
  ];
}
