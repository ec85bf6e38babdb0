import { EMERGENCY_KINDS, FACILITY_LOOK, type EmergencyKind } from './facility-kinds';
import { OPERATIONAL } from './palette';

export type Swatch = { shape: 'line'; color: string; dashed?: boolean } | { shape: 'marker'; color: string; glyph: string };

/** A row of the layer panel: MapLibre layers switched together, or one kind of facility drawn by deck.gl. */
export type TileGroupId = 'district' | 'street' | 'grid';
export type LayerGroupId = TileGroupId | EmergencyKind;

export type LayerGroup =
  | { id: TileGroupId; title: string; swatch: Swatch; target: 'tiles'; layerIds: readonly string[] }
  | { id: EmergencyKind; title: string; swatch: Swatch; target: 'facility' };

const TILE_GROUPS: readonly LayerGroup[] = [
  {
    id: 'district',
    title: '区县界',
    swatch: { shape: 'line', color: OPERATIONAL.district },
    target: 'tiles',
    layerIds: ['district-casing', 'district-line', 'district-label-area', 'district-label'],
  },
  {
    id: 'street',
    title: '街道界',
    swatch: { shape: 'line', color: OPERATIONAL.street, dashed: true },
    target: 'tiles',
    layerIds: ['street-line', 'street-label'],
  },
  {
    id: 'grid',
    title: '单元网格',
    swatch: { shape: 'line', color: OPERATIONAL.grid },
    target: 'tiles',
    layerIds: ['grid-line', 'grid-label'],
  },
];

const FACILITY_GROUPS: readonly LayerGroup[] = EMERGENCY_KINDS.map((kind) => ({
  id: kind,
  title: FACILITY_LOOK[kind].label,
  swatch: { shape: 'marker', color: FACILITY_LOOK[kind].color, glyph: FACILITY_LOOK[kind].glyph },
  target: 'facility',
}));

export const LAYER_GROUPS: readonly LayerGroup[] = [...TILE_GROUPS, ...FACILITY_GROUPS];

export type LayerVisibility = Record<LayerGroupId, boolean>;

export const INITIAL_VISIBILITY: LayerVisibility = {
  district: true,
  street: true,
  grid: true,
  hospital: true,
  fire_station: true,
  police: true,
  shelter: true,
};
