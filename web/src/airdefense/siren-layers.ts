import type { Color, Layer } from '@deck.gl/core';
import { ScatterplotLayer } from '@deck.gl/layers';
import type { Siren, SirenState } from '../../../contracts/airdefense';

/** The sirens layer: each siren a point coloured by its state, with its audible circle (radius in metres). */

export const SIREN_LAYER_ID = 'sirens';

export const SIREN_STATE_COLORS: Record<SirenState, [number, number, number]> = {
  idle: [46, 125, 50],
  sounding: [230, 81, 0],
  fault: [198, 40, 40],
  offline: [117, 117, 117],
};

const rgba = (s: SirenState, a: number): Color => [...SIREN_STATE_COLORS[s], a];

export function sirenLayers(sirens: readonly Siren[], opts: { scale: number }): Layer[] {
  if (!sirens.length) return [];
  return [
    new ScatterplotLayer<Siren>({
      id: `${SIREN_LAYER_ID}-circles`,
      data: [...sirens],
      getPosition: (s) => [s.lon, s.lat],
      getRadius: (s) => s.radiusM,
      radiusUnits: 'meters',
      getFillColor: (s) => rgba(s.state, s.state === 'idle' ? 22 : 60),
      getLineColor: (s) => rgba(s.state, 150),
      getLineWidth: 1.2 * opts.scale,
      lineWidthUnits: 'pixels',
      stroked: true,
      updateTriggers: { getFillColor: sirens.map((s) => s.state).join(), getLineColor: sirens.map((s) => s.state).join() },
    }),
    new ScatterplotLayer<Siren>({
      id: SIREN_LAYER_ID,
      data: [...sirens],
      getPosition: (s) => [s.lon, s.lat],
      getRadius: 5 * opts.scale,
      radiusUnits: 'pixels',
      getFillColor: (s) => rgba(s.state, 255),
      getLineColor: [255, 255, 255, 230],
      getLineWidth: 1.5 * opts.scale,
      lineWidthUnits: 'pixels',
      stroked: true,
      pickable: true,
      updateTriggers: { getFillColor: sirens.map((s) => s.state).join() },
    }),
  ];
}
