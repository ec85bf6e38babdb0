import { search, type Attachment, type Seed } from '../../geo/routing/dijkstra';
import { RoadGraph, type EdgeInput } from '../../geo/routing/graph';
import { Router } from '../../geo/routing/router';
import { ACCESS_KMH } from '../../geo/routing/speeds';

/*
 * A hand-made graph. Every edge is tagged 36 km/h = 10 m/s, so an edge's time in seconds is its length / 10.
 *
 *   n4 ──g4 (100 m, two-way)── n3
 *   │                        ╱ │
 *   g5 (50 m, one-way n4→n1)  g3 (500 m, two-way n1–n3)   g2 (200 m, one-way n2→n3)
 *   │  ╱                       │
 *   n1 ──g1 (100 m, two-way)── n2        n5 ──g6 (10 m, one-way n5→n1): nothing reaches n5
 *
 * Positions (lon, lat): n1 (126.600, 45.750), n2 (126.602, 45.750), n3 (126.602, 45.752), n4 (126.600, 45.752),
 * n5 (126.598, 45.750). Lengths are given, not measured, so costs are exact round numbers.
 */
const P: Record<number, [number, number]> = {
  1: [126.6, 45.75],
  2: [126.602, 45.75],
  3: [126.602, 45.752],
  4: [126.6, 45.752],
  5: [126.598, 45.75],
};
const edge = (gid: number, source: number, target: number, lengthM: number, twoWay: boolean): EdgeInput => ({
  gid,
  classId: 112,
  source,
  target,
  lengthM,
  twoWay,
  speedFwd: 36,
  speedBwd: 36,
  coords: [P[source]!, P[target]!],
});
const EDGES = [
  edge(1, 1, 2, 100, true),
  edge(2, 2, 3, 200, false),
  edge(3, 1, 3, 500, true),
  edge(4, 3, 4, 100, true),
  edge(5, 4, 1, 50, false),
  edge(6, 5, 1, 10, false),
];

/** Dense node numbers follow first appearance: n1 → 0, n2 → 1, n3 → 2, n4 → 3, n5 → 4. */
const N = { 1: 0, 2: 1, 3: 2, 4: 3, 5: 4 } as const;
const ALL_NODES = [1, 2, 3, 4, 5] as const;

function fromNode(g: RoadGraph, start: keyof typeof N, k = 5) {
  const seeds: Seed[] = [{ node: N[start], costS: 0, distM: 0 }];
  const targets: Attachment[] = ALL_NODES.map((id, i) => ({ node: N[id], target: i, costS: 0, distM: 0 }));
  const out = search(g, g.forward, seeds, targets, [], targets.length, k);
  const byNode = new Map(out.settled.map((s) => [ALL_NODES[s.target]!, s]));
  return { out, cost: (id: number) => byNode.get(id as 1)?.costS, dist: (id: number) => byNode.get(id as 1)?.distM };
}

describe('Dijkstra on a hand-made graph', () => {
  let g: RoadGraph;
  beforeEach(() => {
    g = new RoadGraph(EDGES);
  });

  it('uses one-way edges only in their direction and two-way edges both ways', () => {
    const r = fromNode(g, 1);
    expect(r.cost(1)).toBe(0);
    expect(r.cost(2)).toBeCloseTo(10, 9);
    expect(r.cost(3)).toBeCloseTo(30, 9); // n1→n2→n3 (10 + 20) beats g3 (50)
    expect(r.cost(4)).toBeCloseTo(40, 9); // n3→n4 on the two-way g4
    expect(r.dist(4)).toBeCloseTo(400, 9);
    // From n3 to n2: g2 is one-way n2→n3, so the way is n3→n4→n1→n2 = 10 + 5 + 10.
    expect(fromNode(g, 3).cost(2)).toBeCloseTo(25, 9);
  });

  it('never reaches a node that has no incoming arc', () => {
    const r = fromNode(g, 1);
    expect(r.cost(5)).toBeUndefined();
    expect(r.out.settled).toHaveLength(4);
  });

  it('stops as soon as k targets are settled', () => {
    const r = fromNode(g, 1, 2);
    expect(r.out.settled.map((s) => ALL_NODES[s.target])).toEqual([1, 2]);
    // n1 and n2 were expanded; n3 (cost 30) and n4 (40) were not.
    expect(r.out.settledNodes).toBe(2);
    expect(fromNode(g, 1, 3).out.settledNodes).toBe(3);
  });

  it('drives around a closed edge', () => {
    g.setFactor(g.edgeOfGid(5)!, Infinity);
    // n3→n2 without g5: back along g3 to n1 (50), then g1 (10).
    expect(fromNode(g, 3).cost(2)).toBeCloseTo(60, 9);
  });

  it('slows an edge by its factor', () => {
    g.setFactor(g.edgeOfGid(4)!, 3);
    // n3→n4 now takes 30 s: n3→n4→n1→n2 = 30 + 5 + 10 = 45, still better than 60 via g3.
    expect(fromNode(g, 3).cost(2)).toBeCloseTo(45, 9);
  });

  it('falls back to the class speed when a tagged maxspeed is implausible', () => {
    const g2 = new RoadGraph([{ ...edge(1, 1, 2, 100, false), speedFwd: 300 }]);
    expect(g2.timeFwd[0]).toBeCloseTo(100 / (20 / 3.6), 9); // residential default 20 km/h
    expect(g2.timeBwd[0]).toBe(Infinity);
  });
});

describe('Router: snapping, partial edges and access legs', () => {
  let g: RoadGraph;
  let router: Router;
  const accessMs = ACCESS_KMH / 3.6;
  beforeEach(() => {
    g = new RoadGraph(EDGES);
    router = new Router(g);
  });

  it('keeps only the strongly connected part routable', () => {
    expect([...router.routable]).toEqual([1, 1, 1, 1, 1, 0]);
  });

  it('snaps a point beside the middle of an edge onto that edge at fraction 0.5', () => {
    // 0.0001° of latitude south of g1's midpoint is about 11.1 m at 45.75° N.
    const p = router.place(126.601, 45.7499)!;
    expect(g.gid[p.snap.edge]).toBe(1);
    expect(p.snap.t).toBeCloseTo(0.5, 6);
    expect(p.snap.distM).toBeGreaterThan(11.0);
    expect(p.snap.distM).toBeLessThan(11.2);
    expect(p.snap.lon).toBeCloseTo(126.601, 9);
    expect(p.snap.lat).toBeCloseTo(45.75, 9);
    expect(p.accessS).toBeCloseTo(p.snap.distM / accessMs, 9);
  });

  it('refuses a point farther than the snapping limit', () => {
    expect(router.place(126.7, 45.75)).toBeNull();
  });

  it('counts half an edge from a point in its middle, plus the access leg', () => {
    const from = router.place(126.601, 45.7499)!;
    const to = router.place(...P[3]!)!;
    const leg = router.route(from, to)!;
    // Half of g1 to n2 (5 s) then g2 (20 s); backwards via n1 and g3 would be 5 + 50.
    expect(leg.costS).toBeCloseTo(25 + from.snap.distM / accessMs, 6);
    expect(leg.distM).toBeCloseTo(50 + 200 + from.snap.distM, 6);
    expect(leg.gids).toEqual([1, 2]);
    expect(leg.coordinates[0]).toEqual([126.601, 45.7499]);
    expect(leg.coordinates).toContainEqual(P[2]);
    expect(leg.coordinates[leg.coordinates.length - 1]).toEqual(P[3]);
  });

  it('answers a route from a point to itself with zero time and a two-position line', () => {
    const p = router.place(...P[2]!)!;
    const leg = router.route(p, p)!;
    expect(leg.costS).toBe(0);
    expect(leg.distM).toBe(0);
    expect(leg.coordinates).toEqual([P[2], P[2]]);
  });

  it('drives along a two-way edge in either direction between two points on it', () => {
    const a = router.place(126.6005, 45.75)!; // g1 at 0.25
    const b = router.place(126.6015, 45.75)!; // g1 at 0.75
    expect(router.route(a, b)!.costS).toBeCloseTo(5, 6);
    expect(router.route(b, a)!.costS).toBeCloseTo(5, 6);
  });

  it('goes round the block rather than backwards along a one-way edge', () => {
    const early = router.place(126.602, 45.7505)!; // g2 at 0.25
    const late = router.place(126.602, 45.7515)!; // g2 at 0.75
    expect(router.route(early, late)!.costS).toBeCloseTo(10, 6);
    // late → n3 (5) → n4 (10) → n1 (5) → n2 (10) → a quarter of g2 (5)
    expect(router.route(late, early)!.costS).toBeCloseTo(35, 6);
  });

  it('finds the k places that reach a point soonest, searching backwards from it', () => {
    const origin = router.place(...P[3]!)!;
    const a = router.place(126.601, 45.75)!; // middle of g1: 5 + 20 = 25 s to n3
    const b = router.place(...P[4]!)!; // n4: g4 against its direction, 10 s
    const hits = router.nearest(origin, [a, b], 2);
    expect(hits.map((h) => h.index)).toEqual([1, 0]);
    expect(hits[0]!.costS).toBeCloseTo(10, 6);
    expect(hits[1]!.costS).toBeCloseTo(25, 6);
    expect(router.nearest(origin, [a, b], 1).map((h) => h.index)).toEqual([1]);
  });

  it('reflects a closure and a factor in the very next query', () => {
    const origin = router.place(...P[3]!)!;
    const a = router.place(126.601, 45.75)!;
    g.setFactor(g.edgeOfGid(2)!, Infinity);
    // g2 closed: back to n1 (5) then g3 (50).
    expect(router.nearest(origin, [a], 1)[0]!.costS).toBeCloseTo(55, 6);
    g.setFactor(g.edgeOfGid(3)!, 2);
    expect(router.nearest(origin, [a], 1)[0]!.costS).toBeCloseTo(105, 6);
    g.setFactor(g.edgeOfGid(3)!, Infinity);
    expect(router.nearest(origin, [a], 1)).toEqual([]);
    expect(router.route(a, origin)).toBeNull();
  });

  it('remembers facility snaps until a road condition changes', () => {
    const a = router.placeCached(126.601, 45.7499)!;
    expect(g.gid[a.snap.edge]).toBe(1);
    expect(router.placeCached(126.601, 45.7499)).toBe(a);
    g.setFactor(g.edgeOfGid(1)!, Infinity);
    const b = router.placeCached(126.601, 45.7499)!;
    expect(g.gid[b.snap.edge]).not.toBe(1);
  });

  it('does not snap onto a closed edge', () => {
    g.setFactor(g.edgeOfGid(1)!, Infinity);
    const p = router.place(126.601, 45.7499);
    expect(p === null || g.gid[p.snap.edge] !== 1).toBe(true);
  });
});
