import type { Shelter } from '../../contracts/shelters';
import { SHELTER_LAYER_RULES, shelterSnapshot } from '../../web/src/shelters/feed-rules';
import {
  GROUP_UNTIL_ZOOM,
  groupLoad,
  groupShelters,
  loadHex,
  loadPercent,
  shelterLoad,
  shelterTotals,
} from '../../web/src/shelters/load';
import { applyChanges, applySnapshot, emptyFeed } from '../../web/src/wall/feed-state';
import type { Change } from '../../contracts/incidents';

/** The wall's shelter load: classes by opening state and share, totals, grouping by zoom, live changes. */

const shelter = (over: Partial<Shelter> & Pick<Shelter, 'id'>): Shelter => ({
  name: `场所 ${over.id}`,
  kind: 'park',
  category: 'open_space',
  origin: 'derived',
  capacity: 1000,
  capacityRule: '面积 × 0.5 ÷ 2.0 m²/人',
  areaM2: 4000,
  opening: 'open',
  occupancy: 0,
  occupancyAt: null,
  occupancySource: null,
  district: '230102',
  street: null,
  lon: 126.62,
  lat: 45.76,
  seq: 0,
  ...over,
});

describe('shelterLoad', () => {
  it('classes an open shelter by its share: < 70 % room, 70–95 % tight, ≥ 95 % full', () => {
    const at = (occupancy: number) => shelterLoad({ opening: 'open', capacity: 1000, occupancy });
    expect([0, 699, 700, 949, 950, 1000, 1200].map(at)).toEqual(['room', 'room', 'tight', 'tight', 'full', 'full', 'full']);
  });

  it('takes closed and reported-full states as they are, whatever the count', () => {
    expect(shelterLoad({ opening: 'closed', capacity: 1000, occupancy: 990 })).toBe('closed');
    expect(shelterLoad({ opening: 'full', capacity: 1000, occupancy: 10 })).toBe('full');
  });

  it('leaves an empty standby shelter grey, but counts one that reports people by its share', () => {
    expect(shelterLoad({ opening: 'standby', capacity: 1000, occupancy: 0 })).toBe('standby');
    expect(shelterLoad({ opening: 'standby', capacity: 1000, occupancy: 800 })).toBe('tight');
  });

  it('counts a shelter without capacity full as soon as anyone is in it', () => {
    expect(shelterLoad({ opening: 'open', capacity: 0, occupancy: 0 })).toBe('room');
    expect(shelterLoad({ opening: 'open', capacity: 0, occupancy: 1 })).toBe('full');
  });

  it('gives each class its colour and a percentage when there is a capacity', () => {
    expect(loadHex('room')).toBe('#4caf50');
    expect(loadHex('tight')).toBe('#efa000');
    expect(loadHex('full')).toBe('#d32f2f');
    expect(loadHex('closed')).toBe('#616161');
    expect(loadPercent(333, 1000)).toBe(33);
    expect(loadPercent(5, 0)).toBeNull();
  });
});

describe('shelterTotals and groupLoad', () => {
  const list = [
    shelter({ id: 'a', occupancy: 980 }),
    shelter({ id: 'b', occupancy: 100, kind: 'civil_defence', category: 'underground', capacity: 300 }),
    shelter({ id: 'c', opening: 'standby', capacity: 5000 }),
    shelter({ id: 'd', opening: 'closed', capacity: 2000, occupancy: 0 }),
  ];

  it('sums capacity of shelters not closed, occupancy, and those in use', () => {
    expect(shelterTotals(list)).toEqual({
      count: 4,
      underground: 1,
      openSpace: 3,
      capacity: 6300,
      occupancy: 1080,
      inUse: 2,
      inUseCapacity: 1300,
      inUseOccupancy: 1080,
      byLoad: { closed: 1, standby: 1, room: 1, tight: 0, full: 1 },
    });
  });

  it('colours a group by the share taken of the places in use, not by its fullest member', () => {
    // 1,080 of 1,300 places in use: 83 % → tight, although one member is full.
    expect(groupLoad(shelterTotals(list))).toBe('tight');
    expect(groupLoad(shelterTotals([list[2]!, list[3]!]))).toBe('standby');
    expect(groupLoad(shelterTotals([list[3]!]))).toBe('closed');
  });
});

describe('groupShelters', () => {
  // Two shelters 50 m apart in 南岗, one 6 km away in 道里.
  const near1 = shelter({ id: 'n1', lon: 126.65, lat: 45.75, occupancy: 990 });
  const near2 = shelter({ id: 'n2', lon: 126.6506, lat: 45.7502 });
  const far = shelter({ id: 'f', lon: 126.57, lat: 45.77, opening: 'closed' });

  it('draws every shelter on its own from street zoom on', () => {
    const groups = groupShelters([near1, near2, far], GROUP_UNTIL_ZOOM, 112);
    expect(groups.map((g) => [g.id, g.members.length, g.load])).toEqual([
      ['f', 1, 'closed'],
      ['n2', 1, 'room'],
      ['n1', 1, 'full'],
    ]);
  });

  it('puts shelters close on the screen into one group at city zoom, at their mean position', () => {
    const groups = groupShelters([near1, near2, far], 11.8, 112);
    expect(groups).toHaveLength(2);
    const [single, group] = groups;
    expect(single!.id).toBe('f');
    expect(group!.members.map((s) => s.id)).toEqual(['n1', 'n2']);
    expect(group!.lon).toBeCloseTo(126.6503, 6);
    expect(group!.lat).toBeCloseTo(45.7501, 6);
    // 990 of 2,000 places: room, with one member full (drawn as the group's red ring).
    expect(group!.load).toBe('room');
    expect(group!.totals.byLoad.full).toBe(1);
    expect(group!.id).toMatch(/^g:11\.5:/);
  });

  it('keeps every shelter in exactly one marker at any zoom', () => {
    const many = Array.from({ length: 300 }, (_, i) =>
      shelter({ id: `s${i}`, lon: 126.5 + (i % 20) * 0.013, lat: 45.7 + Math.floor(i / 20) * 0.009 }),
    );
    for (const zoom of [9, 10.3, 11.8, 13, 15]) {
      const ids = groupShelters(many, zoom, 112).flatMap((g) => g.members.map((s) => s.id));
      expect(ids.sort()).toEqual(many.map((s) => s.id).sort());
    }
    expect(groupShelters(many, 9, 112).length).toBeLessThan(groupShelters(many, 13, 112).length);
  });
});

describe('the shelters layer of the wall feed', () => {
  const change = (seq: number, s: Shelter): Change => ({
    seq,
    topic: 'shelter',
    at: '2026-12-07T16:00:00Z',
    district: null,
    shelter: s,
  });

  it('takes the snapshot, then an occupancy change recolours the shelter; an older change does not undo it', () => {
    const base = shelter({ id: 'x', occupancy: 10 });
    let state = applySnapshot(emptyFeed(), {
      incidents: [],
      incidentsSeq: 100,
      units: [],
      unitsSeq: 100,
      shelters: shelterSnapshot([base]),
    });
    expect(shelterLoad(state.shelters.get('x')!)).toBe('room');
    state = applyChanges(state, [change(102, { ...base, occupancy: 960, seq: 102 })]);
    expect(shelterLoad(state.shelters.get('x')!)).toBe('full');
    state = applyChanges(state, [change(101, { ...base, occupancy: 500, seq: 101 })]);
    expect(state.shelters.get('x')!.occupancy).toBe(960);
  });

  it('reads the shelter a change carries', () => {
    const s = shelter({ id: 'y' });
    expect(SHELTER_LAYER_RULES.shelters.of(change(1, s))).toBe(s);
    expect(SHELTER_LAYER_RULES.shelters.id(s)).toBe('y');
  });
});
