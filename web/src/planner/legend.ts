/** Colours and class labels of the planner's legends, pure (shared by the deck.gl layers and the legends). */

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

/**
 * Legend labels of the count classes (class i holds the counts c with breaks[i-1] < c ≤ breaks[i]; counts are
 * whole numbers): ≤ 1, 2–4, 5, — for a class no count falls in, ≥ 9.
 */
export function classLabels(breaks: number[], classes: number): string[] {
  return Array.from({ length: classes }, (_, i) => {
    if (i === 0) return `≤ ${breaks[0]}`;
    const lo = Math.floor(breaks[i - 1]!) + 1;
    if (i === classes - 1) return `≥ ${lo}`;
    const hi = breaks[i]!;
    if (lo > hi) return '—';
    return lo === hi ? `${lo}` : `${lo}–${hi}`;
  });
}
