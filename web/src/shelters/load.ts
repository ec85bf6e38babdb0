import type { Shelter } from '../../../contracts/shelters';

/**
 * The load of shelters as the wall shows it (pure, tested in test/unit/shelter-load.test.ts): each shelter's load
 * class from its opening state and occupancy / capacity, groups of nearby shelters by zoom (so that the city view
 * is not a heap of markers), and the totals for the summary.
 */

/**
 * 停用 (closed), 待启用 (standby, nobody in yet), 有余量 (< 70 %), 紧张 (70–95 %), 已满 (≥ 95 % or reported full).
 * A standby shelter that reports people in it is counted by its load: people are there whatever the switch says.
 */
export const SHELTER_LOADS = ['closed', 'standby', 'room', 'tight', 'full'] as const;
export type ShelterLoad = (typeof SHELTER_LOADS)[number];

export const SHELTER_LOAD_LABELS: Record<ShelterLoad, string> = {
  closed: '停用',
  standby: '待启用',
  room: '有余量',
  tight: '紧张',
  full: '已满',
};

/** Load shares at which a shelter turns 紧张 and 已满. */
export const TIGHT_AT = 0.7;
export const FULL_AT = 0.95;

type Rgb = [number, number, number];
export const SHELTER_LOAD_COLORS: Record<ShelterLoad, Rgb> = {
  closed: [97, 97, 97],
  standby: [144, 164, 174],
  room: [76, 175, 80],
  tight: [239, 160, 0],
  full: [211, 47, 47],
};

export const loadHex = (load: ShelterLoad): string =>
  `#${SHELTER_LOAD_COLORS[load].map((c) => c.toString(16).padStart(2, '0')).join('')}`;

type LoadFacts = Pick<Shelter, 'opening' | 'occupancy' | 'capacity'>;

/** The class of an occupancy against a capacity (no capacity: full as soon as anyone is in). */
function byShare(occupancy: number, capacity: number): ShelterLoad {
  if (capacity <= 0) return occupancy > 0 ? 'full' : 'room';
  const share = occupancy / capacity;
  return share >= FULL_AT ? 'full' : share >= TIGHT_AT ? 'tight' : 'room';
}

export function shelterLoad(s: LoadFacts): ShelterLoad {
  switch (s.opening) {
    case 'closed':
      return 'closed';
    case 'full':
      return 'full';
    case 'standby':
      return s.occupancy > 0 ? byShare(s.occupancy, s.capacity) : 'standby';
    case 'open':
      return byShare(s.occupancy, s.capacity);
  }
}

/** Occupancy as a whole percentage of capacity (null without a capacity). */
export const loadPercent = (occupancy: number, capacity: number): number | null =>
  capacity > 0 ? Math.round((occupancy / capacity) * 100) : null;

const inUse = (load: ShelterLoad) => load === 'room' || load === 'tight' || load === 'full';

export interface ShelterTotals {
  count: number;
  underground: number;
  openSpace: number;
  /** Capacity of every shelter not closed. */
  capacity: number;
  occupancy: number;
  /** Shelters taking people in (open, or reporting people) and their capacity. */
  inUse: number;
  inUseCapacity: number;
  inUseOccupancy: number;
  byLoad: Record<ShelterLoad, number>;
}

export function shelterTotals(shelters: Iterable<Shelter>): ShelterTotals {
  const byLoad: Record<ShelterLoad, number> = { closed: 0, standby: 0, room: 0, tight: 0, full: 0 };
  const t = { count: 0, underground: 0, openSpace: 0, capacity: 0, occupancy: 0, inUse: 0, inUseCapacity: 0, inUseOccupancy: 0 };
  for (const s of shelters) {
    const load = shelterLoad(s);
    byLoad[load] += 1;
    t.count += 1;
    if (s.category === 'underground') t.underground += 1;
    else t.openSpace += 1;
    t.occupancy += s.occupancy;
    if (load !== 'closed') t.capacity += s.capacity;
    if (inUse(load)) {
      t.inUse += 1;
      t.inUseCapacity += s.capacity;
      t.inUseOccupancy += s.occupancy;
    }
  }
  return { ...t, byLoad };
}

/**
 * The load of a group of shelters: the share of the places in use that is taken (closed ones left out, standby ones
 * counted only when none is in use), so that one full shelter among empty ones does not paint the whole group red —
 * `full` in the group's totals says that one is.
 */
export function groupLoad(totals: ShelterTotals): ShelterLoad {
  if (totals.inUse === 0) return totals.byLoad.standby > 0 ? 'standby' : 'closed';
  return byShare(totals.inUseOccupancy, totals.inUseCapacity);
}

/** A marker on the map: one shelter, or several near each other at this zoom. */
export interface ShelterGroup {
  /** The shelter's id, or `g:<zoom>:<cell>` for a group. */
  id: string;
  lon: number;
  lat: number;
  members: Shelter[];
  load: ShelterLoad;
  totals: ShelterTotals;
}

/** From this zoom on (streets), every shelter is drawn on its own. */
export const GROUP_UNTIL_ZOOM = 14;

/** Web-Mercator world pixels at a zoom (MapLibre's 512-pixel tiles). */
function worldPixel(lon: number, lat: number, zoom: number): [number, number] {
  const size = 512 * 2 ** zoom;
  const sin = Math.sin((Math.max(-85, Math.min(85, lat)) * Math.PI) / 180);
  return [((lon + 180) / 360) * size, (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size];
}

/**
 * Shelters grouped on a square grid of `cellPx` screen pixels at `zoom` (below `GROUP_UNTIL_ZOOM`; at and above it
 * each on its own). A group sits at its members' mean position; a cell with one shelter is that shelter. Groups come
 * in a stable order (fuller ones last, so that they are drawn on top).
 */
export function groupShelters(shelters: readonly Shelter[], zoom: number, cellPx: number): ShelterGroup[] {
  const single = (s: Shelter): ShelterGroup => {
    const totals = shelterTotals([s]);
    return { id: s.id, lon: s.lon, lat: s.lat, members: [s], load: shelterLoad(s), totals };
  };
  let groups: ShelterGroup[];
  if (zoom >= GROUP_UNTIL_ZOOM || cellPx <= 0) {
    groups = shelters.map(single);
  } else {
    const z = Math.floor(zoom * 2) / 2;
    const cells = new Map<string, Shelter[]>();
    for (const s of shelters) {
      const [x, y] = worldPixel(s.lon, s.lat, z);
      const key = `${Math.floor(x / cellPx)}:${Math.floor(y / cellPx)}`;
      const cell = cells.get(key);
      if (cell) cell.push(s);
      else cells.set(key, [s]);
    }
    groups = [...cells].map(([key, members]) => {
      if (members.length === 1) return single(members[0]!);
      const totals = shelterTotals(members);
      const lon = members.reduce((a, s) => a + s.lon, 0) / members.length;
      const lat = members.reduce((a, s) => a + s.lat, 0) / members.length;
      return { id: `g:${z}:${key}`, lon, lat, members, load: groupLoad(totals), totals };
    });
  }
  const rank = (g: ShelterGroup) => SHELTER_LOADS.indexOf(g.load) * 2 + (g.totals.byLoad.full > 0 ? 1 : 0);
  return groups.sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
}
