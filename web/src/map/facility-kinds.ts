import { FACILITY_KINDS, type FacilityKind } from '../../../contracts';

/** The facility kinds the command map shows, in legend order. */
export const EMERGENCY_KINDS = ['hospital', 'fire_station', 'police', 'shelter'] as const satisfies readonly FacilityKind[];
export type EmergencyKind = (typeof EMERGENCY_KINDS)[number];

export interface FacilityLook {
  label: string;
  /** One character drawn on the marker, readable from across a command room. */
  glyph: string;
  color: string;
}

export const FACILITY_LOOK: Record<EmergencyKind, FacilityLook> = {
  hospital: { label: '医院', glyph: '医', color: '#d63a3a' },
  fire_station: { label: '消防站', glyph: '消', color: '#ee6c1b' },
  police: { label: '公安', glyph: '警', color: '#2f6fd0' },
  shelter: { label: '避难场所', glyph: '避', color: '#2a9a4b' },
};

export function isEmergencyKind(kind: FacilityKind): kind is EmergencyKind {
  return (EMERGENCY_KINDS as readonly FacilityKind[]).includes(kind);
}

/** POI categories of the emergency kinds, for filtering the facility names in the vector tiles. */
export const EMERGENCY_CATEGORIES: readonly string[] = EMERGENCY_KINDS.flatMap((k) => FACILITY_KINDS[k]);
