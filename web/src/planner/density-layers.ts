import { HeatmapLayer, HexagonLayer } from '@deck.gl/aggregation-layers';
import type { Feature } from './api';
import { HEAT_RAMP, HEX_RAMP } from './legend';

/** How the aggregation view draws: the choropleth of the units, or a heat map / hexbins of the points themselves. */
export const DISPLAYS = [
  { id: 'choropleth', label: '分区着色' },
  { id: 'heatmap', label: '热力图' },
  { id: 'hexagon', label: '六边形分箱' },
] as const;
export type Display = (typeof DISPLAYS)[number]['id'];

export const HEX_RADII_M = [250, 500, 1000, 2000] as const;

export type Point = [lon: number, lat: number];

/** The [lon, lat] of every point feature (other geometries are left out). */
export function pointsOf(features: readonly Feature[]): Point[] {
  const out: Point[] = [];
  for (const f of features) {
    const g = f.geometry as { type?: unknown; coordinates?: unknown } | null;
    if (g?.type !== 'Point' || !Array.isArray(g.coordinates)) continue;
    const [lon, lat] = g.coordinates as unknown[];
    if (typeof lon === 'number' && typeof lat === 'number') out.push([lon, lat]);
  }
  return out;
}

/** Heat map of the points: density per pixel, so it reads the same at every zoom. */
export function heatmapLayer(id: string, points: readonly Point[]) {
  return new HeatmapLayer<Point>({
    id,
    data: points as Point[],
    getPosition: (p) => p,
    getWeight: 1,
    radiusPixels: 40,
    intensity: 1.2,
    threshold: 0.04,
    colorRange: HEAT_RAMP,
    opacity: 0.85,
  });
}

/** Hexbins of the points (flat, coloured by count in equal-width classes); the count range goes to `onDomain`. */
export function hexagonLayer(id: string, points: readonly Point[], radiusM: number, onDomain: (d: [number, number]) => void) {
  return new HexagonLayer<Point>({
    id,
    data: points as Point[],
    getPosition: (p) => p,
    radius: radiusM,
    coverage: 0.92,
    extruded: false,
    colorRange: HEX_RAMP,
    colorScaleType: 'quantize',
    gpuAggregation: false,
    opacity: 0.75,
    pickable: true,
    onSetColorDomain: (d) => onDomain([d[0] ?? 0, d[1] ?? 0]),
  });
}
