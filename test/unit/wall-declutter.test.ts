import type { GaugeReading, Incident } from '../../contracts/incidents';
import {
  CLUSTER_MAX_ZOOM,
  clusterIndex,
  clusterLabel,
  declutter,
  fromPixel,
  GAUGE_LABEL_PX,
  gaugeLabelDrops,
  markRadius,
  SPREAD_MIN_PX,
  toPixel,
} from '../../web/src/wall/declutter';

const T0 = '2026-03-01T08:00:00Z';
/** 中央大街 at 防洪纪念塔, and the airport 30 km away. */
const CENTRE = { lon: 126.6205, lat: 45.7772 };
const AIRPORT = { lon: 126.2503, lat: 45.6234 };

function incident(id: number, at: { lon: number; lat: number }, over: Partial<Incident> = {}): Incident {
  return {
    id,
    status: 'new',
    category: 'fire',
    priority: 5,
    title: `警情 ${id}`,
    place: { ...at, district: null, street: null, gridCode: null, via: 'reported' },
    sources: ['119'],
    firstReportedAt: T0,
    lastReportedAt: T0,
    createdAt: T0,
    updatedAt: T0,
    records: [],
    steps: [],
    unitIds: [],
    drill: false,
    suspectedDuplicateOf: null,
    ...over,
  };
}

/** `n` incidents on a line eastwards from a point, `stepM` metres apart (ids from `first`). */
const row = (first: number, n: number, stepM: number, from = CENTRE) =>
  Array.from({ length: n }, (_, i) =>
    incident(first + i, { lon: from.lon + (i * stepM) / (111_320 * Math.cos((from.lat * Math.PI) / 180)), lat: from.lat }),
  );

const screenDistance = (a: { lon: number; lat: number }, b: { lon: number; lat: number }, zoom: number) => {
  const [ax, ay] = toPixel(a.lon, a.lat, zoom);
  const [bx, by] = toPixel(b.lon, b.lat, zoom);
  return Math.hypot(ax - bx, ay - by);
};

describe('clusters below street zoom', () => {
  const near = row(1, 10, 20); // ten incidents within 200 m
  const far = incident(50, AIRPORT);
  const all = [...near, far];

  it('puts incidents that would touch at city zoom into one cluster with their count, and leaves a far one alone', () => {
    near[3] = { ...near[3]!, priority: 9 };
    const d = declutter([...near, far], clusterIndex([...near, far], 1), 11, 1);
    expect(d.clusters).toHaveLength(1);
    expect(d.clusters[0]!.ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(d.clusters[0]!.topPriority).toBe(9);
    expect(d.clusters[0]!.expansionZoom).toBeGreaterThan(11);
    expect(d.singles.map((s) => s.incident.id)).toEqual([50]);
    expect(d.singles[0]).toMatchObject({ lon: AIRPORT.lon, lat: AIRPORT.lat, spread: false });
  });

  it('accounts for every incident exactly once at every zoom', () => {
    const index = clusterIndex(all, 1);
    for (let z = 8; z <= 18; z++) {
      const d = declutter(all, index, z + 0.5, 1);
      const ids = [...d.clusters.flatMap((c) => c.ids), ...d.singles.map((s) => s.incident.id)].sort((a, b) => a - b);
      expect(ids).toEqual(all.map((i) => i.id).sort((a, b) => a - b));
    }
  });

  it('keeps the selected and alerting incidents out of clusters', () => {
    const d = declutter(
      all,
      clusterIndex(
        all.filter((i) => i.id !== 4),
        1,
      ),
      11,
      1,
      new Set([4]),
    );
    expect(d.clusters[0]!.ids).not.toContain(4);
    expect(d.clusters[0]!.ids).toHaveLength(9);
    expect(d.singles.map((s) => s.incident.id).sort((a, b) => a - b)).toEqual([4, 50]);
  });

  it('leaves no two markers closer than the cluster radius at any clustering zoom', () => {
    const spreadOut = row(100, 40, 150); // 6 km of incidents every 150 m
    const index = clusterIndex(spreadOut, 1);
    for (let z = 10; z <= CLUSTER_MAX_ZOOM; z++) {
      const d = declutter(spreadOut, index, z, 1);
      const points = [...d.clusters, ...d.singles];
      for (let a = 0; a < points.length; a++)
        for (let b = a + 1; b < points.length; b++) expect(screenDistance(points[a]!, points[b]!, z)).toBeGreaterThan(30);
    }
  });
});

describe('stacked markers spread at street zoom', () => {
  it('spreads incidents on one spot to a ring at least the minimum apart, each joined to its place', () => {
    const stacked = [incident(7, CENTRE), incident(3, CENTRE), incident(5, CENTRE), incident(9, AIRPORT)];
    const zoom = CLUSTER_MAX_ZOOM + 2;
    const d = declutter(stacked, clusterIndex(stacked, 1), zoom, 1);
    expect(d.clusters).toEqual([]);
    const moved = d.singles.filter((s) => s.spread);
    expect(moved.map((s) => s.incident.id).sort()).toEqual([3, 5, 7]);
    for (let a = 0; a < moved.length; a++)
      for (let b = a + 1; b < moved.length; b++)
        expect(screenDistance(moved[a]!, moved[b]!, zoom)).toBeGreaterThanOrEqual(SPREAD_MIN_PX - 0.01);
    // Around the spot, the lowest id at the top.
    const top = moved.find((s) => s.incident.id === 3)!;
    expect(top.lat).toBeGreaterThan(CENTRE.lat);
    expect(top.lon).toBeCloseTo(CENTRE.lon, 6);
    const lone = d.singles.find((s) => s.incident.id === 9)!;
    expect(lone).toMatchObject({ lon: AIRPORT.lon, lat: AIRPORT.lat, spread: false });
  });

  it('spreads two markers exactly the minimum apart, twice as far on the 4K wall', () => {
    const pair = [incident(1, CENTRE), incident(2, { lon: CENTRE.lon + 0.00001, lat: CENTRE.lat })];
    const zoom = 16;
    for (const scale of [1, 2]) {
      const d = declutter(pair, clusterIndex(pair, scale), zoom, scale);
      expect(d.singles.every((s) => s.spread)).toBe(true);
      expect(screenDistance(d.singles[0]!, d.singles[1]!, zoom)).toBeCloseTo(SPREAD_MIN_PX * scale, 3);
    }
  });

  it('leaves markers that do not touch where they are', () => {
    const apart = row(1, 3, 400);
    const d = declutter(apart, clusterIndex(apart, 1), 16, 1);
    expect(d.singles.every((s) => !s.spread)).toBe(true);
  });
});

describe('gauge labels', () => {
  const gauge = (stationId: string, at: { lon: number; lat: number }): GaugeReading => ({
    stationId,
    name: stationId,
    river: '松花江',
    ...at,
    waterLevelM: 118.2,
    rainfallMm: null,
    warningLevelM: 118,
    at: T0,
    overWarning: true,
  });

  it('moves the level label below a marker drawn over the gauge, and leaves a free gauge alone', () => {
    const alarm = incident(1, CENTRE, { records: [{} as never, {} as never], sources: ['flood', '110'], priority: 10 });
    const d = declutter([alarm], clusterIndex([alarm], 1), 15, 1);
    const drops = gaugeLabelDrops([gauge('G1', CENTRE), gauge('G2', AIRPORT)], d, 15, 1);
    expect(drops.get('G1')).toBeGreaterThanOrEqual(markRadius(alarm) + 4);
    expect(drops.get('G2')).toBe(GAUGE_LABEL_PX);
  });

  it('measures in unscaled pixels on the 4K wall', () => {
    const alarm = incident(1, CENTRE, { priority: 10 });
    const d = declutter([alarm], clusterIndex([alarm], 2), 15, 2);
    expect(gaugeLabelDrops([gauge('G1', CENTRE)], d, 15, 2).get('G1')).toBe(Math.round(markRadius(alarm) + 4));
  });
});

it('converts between map positions and world pixels both ways', () => {
  const [x, y] = toPixel(CENTRE.lon, CENTRE.lat, 13.5);
  const [lon, lat] = fromPixel(x, y, 13.5);
  expect(lon).toBeCloseTo(CENTRE.lon, 9);
  expect(lat).toBeCloseTo(CENTRE.lat, 9);
  expect(toPixel(0, 0, 0)).toEqual([256, 256]);
});

it('labels clusters with their count, capped at 999+', () => {
  expect([clusterLabel(2), clusterLabel(999), clusterLabel(1000)]).toEqual(['2', '999', '999+']);
});

it('moves a selected incident on a cluster’s spot beside the cluster, clear of its count', () => {
  const heap = [incident(1, CENTRE), incident(2, CENTRE), incident(3, CENTRE)];
  const selected = new Set([2]);
  const zoom = 12;
  const d = declutter(
    heap,
    clusterIndex(
      heap.filter((i) => !selected.has(i.id)),
      1,
    ),
    zoom,
    1,
    selected,
  );
  expect(d.clusters.map((c) => c.ids)).toEqual([[1, 3]]);
  const [mark] = d.singles;
  expect(mark).toMatchObject({ spread: true });
  expect(mark!.incident.id).toBe(2);
  expect(screenDistance(mark!, d.clusters[0]!, zoom)).toBeCloseTo(SPREAD_MIN_PX, 3);
});
