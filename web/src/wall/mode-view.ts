import type { ModeProfile } from '../../../contracts/incidents';

/**
 * What the wall shows in a system mode: the map layers and panels its profile (data/modes.json) lists, among those
 * the wall has data for, with the operator's own layer switches on top. Pure, so that it can be tested without a
 * browser; a mode change starts again from the new profile's defaults (the page drops the switches).
 *
 * Profile ids the wall does not know are left out rather than drawn as empty placeholders, and reported when the
 * wall starts (`unknownIds`): each capability that adds a layer or panel adds its id here and its component beside it.
 *
 * `detail` is not a standing panel: the incident detail opens when an operator selects an incident, in every mode.
 * Daily mode lists only `queue`, but 110/119/120 incidents still arrive then and are handled through the detail.
 */

/** Layers the wall can draw, in drawing-list order (also the order of `data-layers` and of the layer switch). */
export const WALL_LAYERS = [
  'warnings',
  'sirens',
  'shelters',
  'grid',
  'incidents',
  'units',
  'gauges',
  'hospital',
  'fire_station',
] as const;
export type WallLayerId = (typeof WALL_LAYERS)[number];

export const WALL_LAYER_LABELS: Record<WallLayerId, string> = {
  warnings: '预警',
  sirens: '防空警报器',
  shelters: '避难场所',
  grid: '单元网格',
  incidents: '警情',
  units: '处置力量',
  gauges: '水位站',
  hospital: '医院',
  fire_station: '消防站',
};

/** Standing panels the wall has data for, in page order. */
export const WALL_PANELS = ['kpis', 'queue', 'gauges', 'receipts', 'responses', 'duty', 'sirens'] as const;
export type WallPanelId = (typeof WALL_PANELS)[number];

/** Layers switched on (true) or off (false) by hand, differing from the mode's defaults. */
export type LayerOverrides = Partial<Record<WallLayerId, boolean>>;

/** What the signed-in role may read (`unit.read`, `gauge.read`): layers and panels it may not are never shown. */
export interface WallAccess {
  units: boolean;
  gauges: boolean;
  /** `mode.receipts`: the receipt clocks of orders (命令与回执计时). */
  receipts?: boolean;
  /** `response.read`: emergency responses and suggestions (web/src/responses/). */
  responses?: boolean;
  /** `duty.read`: who is on duty now (web/src/duty/). */
  duty?: boolean;
  /** `airdefense.siren.read`: sirens, their coverage and siren commands (web/src/airdefense/). */
  sirens?: boolean;
  /** `shelter.read`: 人防工程 and 应急避难场所 with their opening state and occupancy (web/src/shelters/). */
  shelters?: boolean;
}

export const FULL_ACCESS: WallAccess = {
  units: true,
  gauges: true,
  receipts: true,
  responses: true,
  duty: true,
  sirens: true,
  shelters: true,
};

export type ModeLayout = Pick<ModeProfile, 'defaultLayers' | 'panels'>;

/** Until the mode profiles are loaded: the incident picture every mode shares. */
export const FALLBACK_LAYOUT: ModeLayout = { defaultLayers: ['incidents', 'units'], panels: ['queue', 'kpis'] };

export interface WallView {
  /** Layers drawn, in `WALL_LAYERS` order. */
  layers: WallLayerId[];
  /** The mode's default layers (what a reset returns to), in `WALL_LAYERS` order. */
  defaults: WallLayerId[];
  /** Layers the operator may switch by hand (those the role may read). */
  switchable: WallLayerId[];
  /** Standing panels shown, in `WALL_PANELS` order. */
  panels: WallPanelId[];
  /** True when the operator's switches differ from the defaults. */
  adjusted: boolean;
}

const LAYER_NEEDS: Partial<Record<WallLayerId, keyof WallAccess>> = {
  units: 'units',
  gauges: 'gauges',
  sirens: 'sirens',
  shelters: 'shelters',
};
const PANEL_NEEDS: Partial<Record<WallPanelId, keyof WallAccess>> = {
  gauges: 'gauges',
  receipts: 'receipts',
  responses: 'responses',
  duty: 'duty',
  sirens: 'sirens',
};

const readable = (need: keyof WallAccess | undefined, access: WallAccess) => need === undefined || access[need] === true;

/** Panel ids a profile may name that are not standing panels (the incident detail opens on selection). */
const OPEN_ON_DEMAND = ['detail'];

/**
 * The ids a mode profile names that the wall does not know (a typo in data/modes.json, or a layer or panel whose
 * component is not built yet): reported when the wall starts, instead of silently showing less.
 */
export function unknownIds(
  profiles: readonly (ModeLayout & { id: string })[],
): { mode: string; kind: '图层' | '面板'; id: string }[] {
  return profiles.flatMap((p) => [
    ...p.defaultLayers
      .filter((id) => !(WALL_LAYERS as readonly string[]).includes(id))
      .map((id) => ({ mode: p.id, kind: '图层' as const, id })),
    ...p.panels
      .filter((id) => !(WALL_PANELS as readonly string[]).includes(id) && !OPEN_ON_DEMAND.includes(id))
      .map((id) => ({ mode: p.id, kind: '面板' as const, id })),
  ]);
}

/** The layers and panels to show for a mode profile (null: not loaded yet), the operator's switches and the role. */
export function viewForMode(
  profile: ModeLayout | null,
  overrides: LayerOverrides = {},
  access: WallAccess = FULL_ACCESS,
): WallView {
  const layout = profile ?? FALLBACK_LAYOUT;
  const switchable = WALL_LAYERS.filter((id) => readable(LAYER_NEEDS[id], access));
  const defaults = switchable.filter((id) => layout.defaultLayers.includes(id));
  const layers = switchable.filter((id) => overrides[id] ?? defaults.includes(id));
  const panels = WALL_PANELS.filter((id) => layout.panels.includes(id) && readable(PANEL_NEEDS[id], access));
  const adjusted = layers.length !== defaults.length || layers.some((id) => !defaults.includes(id));
  return { layers, defaults, switchable, panels, adjusted };
}

/**
 * The switches after the operator flips one layer: an override is kept only while it differs from the default, so
 * that switching a layer back leaves no trace.
 */
export function toggleLayer(overrides: LayerOverrides, defaults: readonly WallLayerId[], id: WallLayerId): LayerOverrides {
  const byDefault = defaults.includes(id);
  const shown = overrides[id] ?? byDefault;
  const next = { ...overrides };
  if (!shown === byDefault) delete next[id];
  else next[id] = !shown;
  return next;
}
