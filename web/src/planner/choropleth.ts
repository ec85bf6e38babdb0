import { GeoJsonLayer } from '@deck.gl/layers';
import type { AggregateFeature } from './api';

/** Sequential ramp (light yellow → dark red) for the choropleth, five classes. */
export const RAMP: [number, number, number][] = [
  [255, 255, 204],
  [254, 217, 118],
  [253, 141, 60],
  [227, 26, 28],
  [128, 0, 38],
];

/** Class breaks by quantiles of the non-zero counts, so a few dense units do not wash out the rest. */
export function breaksOf(counts: number[]): number[] {
  const sorted = counts.filter((c) => c > 0).sort((a, b) => a - b);
  if (!sorted.length) return [1, 1, 1, 1];
  return [0.2, 0.4, 0.6, 0.8].map((q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
}
const classOf = (count: number, breaks: number[]) => breaks.filter((b) => count > b).length;

/** The units coloured by their count's class. */
export function choroplethLayer(units: AggregateFeature[], breaks: number[]) {
  return new GeoJsonLayer({
    id: 'planner-aggregate',
    data: { type: 'FeatureCollection', features: units } as never,
    filled: true,
    stroked: true,
    getFillColor: (f) => {
      const [r, g, b] = RAMP[classOf((f as unknown as AggregateFeature).properties.count, breaks)] ?? RAMP[0]!;
      return [r, g, b, 170];
    },
    getLineColor: [90, 90, 90, 200],
    lineWidthMinPixels: 0.6,
    pickable: true,
    updateTriggers: { getFillColor: breaks },
  });
}
