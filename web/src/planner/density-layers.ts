import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { Feature } from './api';
import { HEAT_RAMP } from './legend';

/**
 * How the aggregation view draws: the choropleth of the units, a heat map of the points themselves, or hexbins —
 * the server's H3 cells, counted and listed like any other unit.
 */
export const DISPLAYS = [
  { id: 'choropleth', label: '分区着色' },
  { id: 'heatmap', label: '热力图' },
  { id: 'hexagon', label: '六边形分箱（H3）' },
] as const;
export type Display = (typeof DISPLAYS)[number]['id'];

/** H3 resolutions offered for hexbins, large to small cells. */
export const H3_RESOLUTIONS = [7, 8, 9] as const;
const H3_SIZES: Record<number, string> = { 7: '大', 8: '中', 9: '小' };

/** An H3 resolution as offered in the picker: H3 第 8 级（中）. */
export const h3OptionLabel = (resolution: number): string =>
  `H3 第 ${resolution} 级${H3_SIZES[resolution] ? `（${H3_SIZES[resolution]}）` : ''}`;

/**
 * An H3 cell size in words, with the mean area of the cells counted (H3 cells shrink away from the equator, so the
 * global average would not match the table): H3 第 8 级六边形（每格约 0.57 km²）.
 */
export function h3UnitLabel(resolution: number, meanAreaKm2: number | null): string {
  return `H3 第 ${resolution} 级六边形${meanAreaKm2 === null ? '' : `（每格约 ${meanAreaKm2.toFixed(2)} km²）`}`;
}

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
