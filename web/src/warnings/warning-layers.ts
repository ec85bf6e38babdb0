import type { Color, Layer, PickingInfo } from '@deck.gl/core';
import { PolygonLayer } from '@deck.gl/layers';
import { WARNING_LEVEL_COLORS, warningName, type PublicWarning, type WarningLevel } from '../../../contracts/warnings';

/**
 * The warnings layer of the maps: each warning's area filled in its colour (红/橙/黄/蓝), outlined in the same
 * colour, the most severe drawn on top; a hover names it.
 */

const WARNING_LAYER_ID = 'warnings';

const SEVERITY: readonly WarningLevel[] = ['blue', 'yellow', 'orange', 'red'];

interface WarningPart {
  warning: PublicWarning;
  rings: number[][][];
}

/** One polygon per part of each warning's area, least severe first so that the most severe is drawn last. */
function warningParts(warnings: readonly PublicWarning[]): WarningPart[] {
  return [...warnings]
    .sort((a, b) => SEVERITY.indexOf(a.level) - SEVERITY.indexOf(b.level) || a.sentAt.localeCompare(b.sentAt))
    .flatMap((warning) => warning.geometry.coordinates.map((rings) => ({ warning, rings })));
}

const fill = (level: WarningLevel, alpha: number): Color => [...WARNING_LEVEL_COLORS[level], alpha];

/** deck.gl layers for the warnings in force (an empty list draws nothing). */
export function warningLayers(warnings: readonly PublicWarning[], opts: { scale: number }): Layer[] {
  if (!warnings.length) return [];
  return [
    new PolygonLayer<WarningPart>({
      id: WARNING_LAYER_ID,
      data: warningParts(warnings),
      getPolygon: (p) => p.rings,
      getFillColor: (p) => fill(p.warning.level, 80),
      getLineColor: (p) => fill(p.warning.level, 235),
      getLineWidth: 2.5 * opts.scale,
      lineWidthUnits: 'pixels',
      stroked: true,
      filled: true,
      pickable: true,
      parameters: { depthCompare: 'always', depthWriteEnabled: false },
    }),
  ];
}

/** The hover text of a warning area, or null when the pick is not one. */
export function warningTooltip(info: PickingInfo): string | null {
  if (info.layer?.id !== WARNING_LAYER_ID || !info.object) return null;
  const w = (info.object as WarningPart).warning;
  return `${w.drill ? '【演练】' : ''}${warningName(w)}\n${w.areaDesc}\n解除：${new Date(w.expiresAt).toLocaleString('zh-CN', { hour12: false })}`;
}
