/** Colours and class labels of the planner's density legends, pure (shared by the deck.gl layers and the legend). */

export type Rgb = [number, number, number];

/** Heat ramp (transparent-looking pale yellow → deep red), also the legend's gradient. */
export const HEAT_RAMP: Rgb[] = [
  [255, 255, 178],
  [254, 217, 118],
  [254, 178, 76],
  [253, 141, 60],
  [240, 59, 32],
  [189, 0, 38],
];

/** Hexbin classes, light to dark (ColorBrewer RdPu from its third class, so the lightest still shows on the basemap). */
export const HEX_RAMP: Rgb[] = [
  [252, 197, 192],
  [250, 159, 181],
  [247, 104, 161],
  [221, 52, 151],
  [174, 1, 126],
  [122, 1, 119],
];

/**
 * Legend labels for `HEX_RAMP` over a count domain, as the layer's quantize scale classes whole counts: class i holds
 * the counts c with min + i·w ≤ c < min + (i+1)·w (the last one also max), w = (max − min) / classes. A class no
 * whole count falls in is labelled "—".
 */
export function hexClassLabels([min, max]: [number, number], classes = HEX_RAMP.length): string[] {
  if (max <= min) return Array.from({ length: classes }, (_, i) => (i === classes - 1 ? `${max}` : '—'));
  const w = (max - min) / classes;
  return Array.from({ length: classes }, (_, i) => {
    const lo = Math.ceil(min + i * w - 1e-9);
    const hi = i === classes - 1 ? max : Math.ceil(min + (i + 1) * w - 1e-9) - 1;
    if (lo > hi) return '—';
    return lo === hi ? `${lo}` : `${lo}–${hi}`;
  });
}

/** A hexagon radius in Chinese: 500 米, 2 千米. */
export const radiusLabel = (m: number): string => (m >= 1000 ? `${m / 1000} 千米` : `${m} 米`);
