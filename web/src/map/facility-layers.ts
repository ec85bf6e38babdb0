import type { Layer, PickingInfo } from '@deck.gl/core';
import { ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Facility } from '../../../contracts';
import { EMERGENCY_KINDS, FACILITY_LOOK, isEmergencyKind, type EmergencyKind } from './facility-kinds';
import { LABEL_FONT } from './fonts';
import { rgb } from './palette';

export type EmergencyFacility = Facility & { kind: EmergencyKind };

export const FACILITY_LAYER_ID = 'facility-markers';

const GLYPHS = EMERGENCY_KINDS.map((k) => FACILITY_LOOK[k].glyph);
const WHITE: [number, number, number] = [255, 255, 255];
/**
 * Markers are flat and always on top: interleaved with MapLibre they would otherwise be depth-tested
 * against the depth MapLibre's own layers left behind, and come out partly hidden.
 */
const ON_TOP = { depthCompare: 'always', depthWriteEnabled: false } as const;

export function emergencyOnly(list: readonly Facility[]): EmergencyFacility[] {
  return list.filter((f): f is EmergencyFacility => isEmergencyKind(f.kind));
}

/** Waits for the bundled font to cover the marker glyphs, so deck.gl's font atlas is drawn with it. */
export async function loadMarkerFont(): Promise<void> {
  await document.fonts.load(`700 32px "${LABEL_FONT}"`, GLYPHS.join(''));
}

/** Facility markers: a disc in the kind's colour with its one-character glyph, e.g. 医 on red. */
export function facilityLayers(data: readonly EmergencyFacility[]): Layer[] {
  return [
    new ScatterplotLayer<EmergencyFacility>({
      id: FACILITY_LAYER_ID,
      data,
      getPosition: (f) => [f.lon, f.lat],
      getFillColor: (f) => rgb(FACILITY_LOOK[f.kind].color),
      // About 100 m: small dots over the whole city, full-size markers from street level.
      getRadius: 100,
      radiusUnits: 'meters',
      radiusMinPixels: 5,
      radiusMaxPixels: 11,
      stroked: true,
      getLineColor: WHITE,
      getLineWidth: 2,
      lineWidthUnits: 'pixels',
      pickable: true,
      autoHighlight: true,
      highlightColor: [255, 221, 0, 200],
      parameters: ON_TOP,
    }),
    new TextLayer<EmergencyFacility>({
      id: `${FACILITY_LAYER_ID}-glyph`,
      data,
      getPosition: (f) => [f.lon, f.lat],
      getText: (f) => FACILITY_LOOK[f.kind].glyph,
      getSize: 120,
      sizeUnits: 'meters',
      sizeMaxPixels: 13,
      getColor: WHITE,
      fontFamily: LABEL_FONT,
      fontWeight: 700,
      characterSet: GLYPHS,
      getTextAnchor: 'middle',
      getAlignmentBaseline: 'center',
      parameters: ON_TOP,
    }),
  ];
}

/** The facility under a picked point, if the pick hit a marker. */
export function pickedFacility(info: PickingInfo, data: readonly EmergencyFacility[]): EmergencyFacility | null {
  if (info.layer?.id !== FACILITY_LAYER_ID || info.index < 0) return null;
  return data[info.index] ?? null;
}

export function facilityTooltip(f: EmergencyFacility): string {
  const look = FACILITY_LOOK[f.kind];
  return [`${look.label}：${f.name || '（未命名）'}`, f.hotline ? `电话 ${f.hotline}` : ''].filter(Boolean).join('\n');
}
