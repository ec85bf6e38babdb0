import type { FeedSource, UnitType } from '../../../contracts/incidents';

/** How each agency, unit type and priority looks on the wall: colours and one-character glyphs. */

export interface AgencyLook {
  color: string;
  /** Drawn on incident markers. */
  glyph: string;
  short: string;
}

export const AGENCY_LOOK: Record<FeedSource, AgencyLook> = {
  '110': { color: '#1f5fbf', glyph: '警', short: '110' },
  '119': { color: '#e0461b', glyph: '消', short: '119' },
  '120': { color: '#d81b60', glyph: '急', short: '120' },
  flood: { color: '#0593b5', glyph: '汛', short: '防汛' },
  airdefense: { color: '#7b1fa2', glyph: '防', short: '人防' },
  traffic: { color: '#d98c00', glyph: '交', short: '交警' },
};

export interface UnitLook {
  color: string;
  glyph: string;
}

export const UNIT_LOOK: Record<UnitType, UnitLook> = {
  police_car: { color: '#1f5fbf', glyph: '警' },
  fire_engine: { color: '#e0461b', glyph: '消' },
  ambulance: { color: '#d81b60', glyph: '救' },
  traffic_police: { color: '#d98c00', glyph: '交' },
  rescue: { color: '#8d5524', glyph: '抢' },
  inspector: { color: '#2e7d32', glyph: '巡' },
};

/** Badge colour of a 0–10 priority: grey-blue for low, amber, orange, red for the top. */
export function priorityColor(priority: number): string {
  if (priority >= 9) return '#c62828';
  if (priority >= 7) return '#e65100';
  if (priority >= 5) return '#f9a825';
  if (priority >= 3) return '#5c7fa3';
  return '#78909c';
}

export const STALE_UNIT_COLOR = '#9e9e9e';
export const ASSIGNED_RING_COLOR = '#ffd600';
export const SELECTED_RING_COLOR = '#00e5ff';
export const DEFAULT_ACCENT = '#37474f';

/** Every glyph drawn by deck.gl, for its font atlas. */
export const MAP_GLYPHS: string[] = [
  ...new Set([...Object.values(AGENCY_LOOK).map((l) => l.glyph), ...Object.values(UNIT_LOOK).map((l) => l.glyph)]),
  ...'0123456789+×'.split(''),
];
