import type { Layer, PickingInfo } from '@deck.gl/core';
import { IconLayer } from '@deck.gl/layers';
import { SHELTER_KIND_LABELS, SHELTER_OPENING_LABELS, type Shelter } from '../../../contracts/shelters';
import { LABEL_FONT } from '../map/fonts';
import {
  GROUP_UNTIL_ZOOM,
  groupShelters,
  loadPercent,
  SHELTER_LOAD_COLORS,
  SHELTER_LOAD_LABELS,
  SHELTER_LOADS,
  type ShelterGroup,
  type ShelterLoad,
} from './load';

/**
 * The wall's shelters layer: each shelter a marker coloured by its load (load.ts), a square for underground works
 * (人防工程, metro, underground car parks) and a disc for open space; below street zoom, shelters close to each other
 * on the screen are one numbered ring whose slices count its shelters by load, ringed red when one of them is full.
 * A click on a group zooms in on it; a click on a shelter selects it.
 */

const SHELTER_LAYER_ID = 'wall-shelters';
const GROUP_LAYER_ID = 'wall-shelter-groups';
const SHAPES = ['square', 'disc'] as const;
type Shape = (typeof SHAPES)[number];
const ICON_PX = 64;
/** Screen pixels (before scaling) of the grid that groups shelters. */
const GROUP_CELL_PX = 56;
const ON_TOP = { depthCompare: 'always', depthWriteEnabled: false } as const;

const shapeOf = (s: Shelter): Shape => (s.category === 'underground' ? 'square' : 'disc');
const iconKey = (shape: Shape, load: ShelterLoad) => `${shape}-${load}`;

let atlas: { url: string; mapping: Record<string, { x: number; y: number; width: number; height: number }> } | null = null;

/** One canvas with a white-edged square and disc per load colour; closed ones struck through. */
function iconAtlas() {
  if (atlas) return atlas;
  const canvas = document.createElement('canvas');
  canvas.width = ICON_PX * SHELTER_LOADS.length;
  canvas.height = ICON_PX * SHAPES.length;
  const ctx = canvas.getContext('2d')!;
  const mapping: Record<string, { x: number; y: number; width: number; height: number }> = {};
  SHAPES.forEach((shape, row) => {
    SHELTER_LOADS.forEach((load, col) => {
      const x = col * ICON_PX;
      const y = row * ICON_PX;
      ctx.save();
      ctx.translate(x, y);
      ctx.beginPath();
      if (shape === 'square') ctx.roundRect(8, 8, 48, 48, 7);
      else ctx.arc(32, 32, 25, 0, Math.PI * 2);
      ctx.fillStyle = `rgb(${SHELTER_LOAD_COLORS[load].join(',')})`;
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = 6;
      ctx.fill();
      ctx.stroke();
      if (load === 'closed') {
        ctx.beginPath();
        ctx.moveTo(18, 46);
        ctx.lineTo(46, 18);
        ctx.lineWidth = 6;
        ctx.stroke();
      }
      ctx.restore();
      mapping[iconKey(shape, load)] = { x, y, width: ICON_PX, height: ICON_PX };
    });
  });
  atlas = { url: canvas.toDataURL('image/png'), mapping };
  return atlas;
}

/** Slices of a group's ring, fullest first from twelve o'clock. */
const SLICE_ORDER: readonly ShelterLoad[] = ['full', 'tight', 'room', 'standby', 'closed'];
const GROUP_ICON_PX = 96;
const groupIcons = new Map<string, string>();

/**
 * A group's marker: a ring cut into slices by how many of its shelters are in each load class, ringed red when one
 * is full, with the number of shelters in the middle. Drawn once per composition.
 */
function groupIcon(g: ShelterGroup) {
  const counts = SLICE_ORDER.map((load) => g.totals.byLoad[load]);
  const id = `shelter-group-${counts.join('-')}`;
  let url = groupIcons.get(id);
  if (!url) {
    const c = GROUP_ICON_PX / 2;
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = GROUP_ICON_PX;
    const ctx = canvas.getContext('2d')!;
    const total = g.members.length;
    let angle = -Math.PI / 2;
    SLICE_ORDER.forEach((load, i) => {
      if (!counts[i]) return;
      const next = angle + (counts[i]! / total) * Math.PI * 2;
      ctx.beginPath();
      ctx.moveTo(c, c);
      ctx.arc(c, c, 44, angle, next);
      ctx.closePath();
      ctx.fillStyle = `rgb(${SHELTER_LOAD_COLORS[load].join(',')})`;
      ctx.fill();
      angle = next;
    });
    ctx.beginPath();
    ctx.arc(c, c, 44, 0, Math.PI * 2);
    ctx.lineWidth = g.totals.byLoad.full ? 6 : 4;
    ctx.strokeStyle = g.totals.byLoad.full ? '#d32f2f' : '#fff';
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(c, c, 29, 0, Math.PI * 2);
    ctx.fillStyle = 'rgba(16, 35, 58, 0.92)';
    ctx.fill();
    ctx.fillStyle = '#fff';
    ctx.font = `700 ${total >= 100 ? 26 : 32}px "${LABEL_FONT}", sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(String(total), c, c + 2);
    url = canvas.toDataURL('image/png');
    groupIcons.set(id, url);
  }
  return { id, url, width: GROUP_ICON_PX, height: GROUP_ICON_PX };
}

/** Marker size in (unscaled) pixels: 11 for the smallest shelters up to 22 for the largest open spaces. */
const shelterSize = (capacity: number): number => Math.min(22, Math.max(11, 11 + 2.2 * Math.log2(Math.max(capacity, 1) / 300)));
const groupRadius = (n: number): number => Math.min(24, 11 + 1.6 * Math.sqrt(n));

const stateKey = (shelters: readonly Shelter[]) => shelters.map((s) => `${s.id}:${s.opening}:${s.occupancy}`).join();

/** The layers for the map at `zoom` (shelters grouped below street zoom). */
export function shelterLayers(
  shelters: readonly Shelter[],
  opts: { scale: number; zoom: number; selectedId: string | null },
): Layer[] {
  if (!shelters.length) return [];
  const k = opts.scale;
  const groups = groupShelters(shelters, opts.zoom, GROUP_CELL_PX * k);
  const singles = groups.filter((g) => g.members.length === 1);
  const many = groups.filter((g) => g.members.length > 1);
  const trigger = `${stateKey(shelters)}|${opts.selectedId}|${k}`;
  const { url, mapping } = iconAtlas();
  return [
    new IconLayer<ShelterGroup>({
      id: GROUP_LAYER_ID,
      data: many,
      getPosition: (g) => [g.lon, g.lat],
      getIcon: groupIcon,
      getSize: (g) => groupRadius(g.members.length) * 2 * k,
      sizeUnits: 'pixels',
      pickable: true,
      parameters: ON_TOP,
      updateTriggers: { getIcon: trigger, getSize: trigger },
    }),
    new IconLayer<ShelterGroup>({
      id: SHELTER_LAYER_ID,
      data: singles,
      getPosition: (g) => [g.lon, g.lat],
      iconAtlas: url,
      iconMapping: mapping,
      getIcon: (g) => iconKey(shapeOf(g.members[0]!), g.load),
      getSize: (g) => shelterSize(g.members[0]!.capacity) * k * (g.id === opts.selectedId ? 1.5 : 1),
      sizeUnits: 'pixels',
      pickable: true,
      parameters: ON_TOP,
      updateTriggers: { getIcon: trigger, getSize: trigger },
    }),
  ];
}

/** The shelter or group under the pointer, if any. */
export function pickedShelterGroup(info: PickingInfo): ShelterGroup | null {
  const id = info.layer?.id;
  return (id === SHELTER_LAYER_ID || id === GROUP_LAYER_ID) && info.object ? (info.object as ShelterGroup) : null;
}

const people = (n: number) => `${n.toLocaleString('zh-CN')} 人`;
const share = (occupancy: number, capacity: number) => {
  const p = loadPercent(occupancy, capacity);
  return p === null ? '' : `（${p}%）`;
};

/** One shelter in words: name, kind, opening state, capacity and occupancy. */
export function shelterLines(s: Shelter, load: ShelterLoad): string[] {
  return [
    `避难场所：${s.name}`,
    `${SHELTER_KIND_LABELS[s.kind]} · ${s.category === 'underground' ? '地下（人防工程）' : '室外应急避难场所'}`,
    // The load class where it says more than the opening state (已开放 · 紧张), not 已满员 · 已满.
    s.opening === 'open' || (s.opening === 'standby' && load !== 'standby')
      ? `${SHELTER_OPENING_LABELS[s.opening]} · ${SHELTER_LOAD_LABELS[load]}`
      : SHELTER_OPENING_LABELS[s.opening],
    `容量 ${people(s.capacity)}${s.origin === 'derived' ? '（估算）' : ''}`,
    `在避 ${people(s.occupancy)}${share(s.occupancy, s.capacity)}`,
  ];
}

export function shelterTooltip(info: PickingInfo): string | null {
  const g = pickedShelterGroup(info);
  if (!g) return null;
  if (g.members.length === 1) return shelterLines(g.members[0]!, g.load).join('\n');
  const t = g.totals;
  return [
    `避难场所 ${t.count} 处（地下 ${t.underground} · 室外 ${t.openSpace}）`,
    `容量 ${people(t.capacity)} · 在避 ${people(t.occupancy)}`,
    [
      `使用中 ${t.inUse} 处${share(t.inUseOccupancy, t.inUseCapacity)}`,
      t.byLoad.full ? `已满 ${t.byLoad.full} 处` : '',
      t.byLoad.standby ? `待启用 ${t.byLoad.standby} 处` : '',
      t.byLoad.closed ? `停用 ${t.byLoad.closed} 处` : '',
    ]
      .filter(Boolean)
      .join(' · '),
    '点击放大查看',
  ].join('\n');
}

/** Where a click on a group zooms to: two levels in, at most to street zoom. */
export const zoomIntoGroup = (zoom: number): number => Math.min(GROUP_UNTIL_ZOOM, Math.floor(zoom) + 2);
