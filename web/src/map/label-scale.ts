import type { Map as MapLibreMap } from 'maplibre-gl';
import type { LayerSpec } from './style-types';

/**
 * Map labels sized for the screen they are read on: every symbol layer's text size, halo, padding and spacing
 * multiplied by one factor (2.5 on the 4K wall, read from across the room; 1 on a desk). Zoom curves keep their
 * shape: the outputs of `interpolate`, `step`, `match` and `case` are scaled, not the expression around them
 * (MapLibre allows `["zoom"]` only as the input of a top-level curve).
 */

const LAYOUT_PROPS = ['text-size', 'text-padding', 'symbol-spacing'] as const;
const PAINT_PROPS = ['text-halo-width'] as const;

const usesZoom = (v: unknown): boolean => Array.isArray(v) && ((v.length === 1 && v[0] === 'zoom') || v.some((x) => usesZoom(x)));

/** A numeric style value (a number or an expression yielding one) multiplied by `factor`. */
export function scaledValue(value: unknown, factor: number): unknown {
  if (typeof value === 'number') return value * factor;
  if (!Array.isArray(value)) return value;
  const v: unknown[] = value;
  const op = v[0];
  const scaleAt = (keep: (i: number) => boolean) => v.map((x, i) => (keep(i) ? x : scaledValue(x, factor)));
  switch (op) {
    // [op, interpolation, input, in0, out0, in1, out1, …]
    case 'interpolate':
    case 'interpolate-hcl':
    case 'interpolate-lab':
      return scaleAt((i) => i < 4 || i % 2 === 1);
    // ["step", input, out0, in1, out1, …]
    case 'step':
      return scaleAt((i) => i < 2 || i % 2 === 1);
    // ["match", input, label0, out0, label1, out1, …, fallback]
    case 'match':
      return scaleAt((i) => i < 3 || (i % 2 === 0 && i !== v.length - 1));
    // ["case", cond0, out0, cond1, out1, …, fallback]
    case 'case':
      return scaleAt((i) => i === 0 || (i % 2 === 1 && i !== v.length - 1));
    default:
      // An expression of feature data alone can be multiplied; one of the zoom would be refused by MapLibre.
      return usesZoom(v) ? v : ['*', v, factor];
  }
}

function scaledProps<T extends object>(props: T, names: readonly string[], factor: number): T {
  const out = { ...props } as Record<string, unknown>;
  for (const name of names) if (name in out) out[name] = scaledValue(out[name], factor);
  return out as T;
}

/** The style's layers with every label scaled by `factor` (the same array when the factor is 1). */
export function scaleLabels(layers: LayerSpec[], factor: number): LayerSpec[] {
  if (factor === 1) return layers;
  return layers.map((layer) =>
    layer.type === 'symbol'
      ? {
          ...layer,
          ...(layer.layout && { layout: scaledProps(layer.layout, LAYOUT_PROPS, factor) }),
          ...(layer.paint && { paint: scaledProps(layer.paint, PAINT_PROPS, factor) }),
        }
      : layer,
  );
}

/** Re-sizes the labels of a live map whose style was built from `base`, to `factor` times their base size. */
export function applyLabelScale(map: MapLibreMap, base: LayerSpec[], factor: number): void {
  for (const layer of scaleLabels(base, factor)) {
    if (layer.type !== 'symbol' || !map.getLayer(layer.id)) continue;
    for (const name of LAYOUT_PROPS) {
      const value = layer.layout?.[name];
      if (value !== undefined) map.setLayoutProperty(layer.id, name, value);
    }
    for (const name of PAINT_PROPS) {
      const value = layer.paint?.[name];
      if (value !== undefined) map.setPaintProperty(layer.id, name, value);
    }
  }
}
