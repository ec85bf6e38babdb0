/**
 * Colours of the command-wall map: a quiet, light basemap so that operational layers (boundaries,
 * grid, facilities) stand out. Label inks are the only dark colours (luminance below
 * `LABEL_INK_MAX_LUMINANCE`); every line, fill and marker is lighter, so labels stay legible over
 * them. Tests read these colours to check that the map really drew.
 */
export const LABEL_INK_MAX_LUMINANCE = 90;

export const BASEMAP = {
  land: '#f2efe9',
  residential: '#ece7df',
  commercial: '#f1e4dc',
  industrial: '#e6e1ea',
  institutional: '#efe6d3',
  green: '#cfe5c0',
  farmland: '#e9eed8',
  water: '#9ecae9',
  waterLine: '#86b9e0',
  wetland: '#c5e0de',
  building: '#ddd6cb',
  buildingOutline: '#cbc2b4',
  roadCasing: '#c9c1b3',
  road: '#ffffff',
  arterial: '#fde3a7',
  arterialCasing: '#e0b768',
  expressway: '#f7b968',
  expresswayCasing: '#c98a3b',
  railway: '#9b9b9b',
  label: '#1f2937',
  labelHalo: '#ffffff',
  waterLabel: '#2f6e9e',
} as const;

export const OPERATIONAL = {
  district: '#8e50c0',
  districtLabel: '#4b1d70',
  street: '#1d8a87',
  streetLabel: '#0d5856',
  grid: '#e07b39',
  gridLabel: '#9a4a14',
} as const;

/** RGB triple of a `#rrggbb` colour. */
export function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
