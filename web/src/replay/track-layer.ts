import type { Layer } from '@deck.gl/core';
import { PathLayer } from '@deck.gl/layers';
import type { Unit } from '../../../contracts/incidents';
import { rgb } from '../map/palette';
import { UNIT_LOOK } from '../wall/look';

interface UnitTrack {
  unitId: string;
  path: [number, number][];
}

const FALLBACK: [number, number, number] = [120, 144, 156];

/** The units' tracks up to the replay's instant, in each unit type's colour, under the wall's markers. */
export function trackLayers(tracks: readonly UnitTrack[], units: ReadonlyMap<string, Unit>, scale: number): Layer[] {
  if (!tracks.length) return [];
  return [
    new PathLayer<UnitTrack>({
      id: 'replay-unit-tracks',
      data: tracks,
      getPath: (t) => t.path,
      getColor: (t) => {
        const unit = units.get(t.unitId);
        const [r, g, b] = unit ? rgb(UNIT_LOOK[unit.type].color) : FALLBACK;
        return [r, g, b, 210];
      },
      getWidth: 4 * scale,
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
      parameters: { depthCompare: 'always', depthWriteEnabled: false },
    }),
  ];
}
