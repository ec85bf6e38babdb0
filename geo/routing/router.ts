import { largestComponent } from './components';
import { arcsTo, search, type Attachment, type Direct, type Seed } from './dijkstra';
import type { RoadGraph } from './graph';
import { EdgeShapes } from './shapes';
import { SnapIndex, type Snap } from './snap';
import { ACCESS_KMH, kmhToMs, MAX_SNAP_M } from './speeds';

/** A point attached to the graph, with the slow access leg between the point and the road. */
export interface Place {
  lon: number;
  lat: number;
  snap: Snap;
  accessS: number;
}

export interface Leg {
  costS: number;
  distM: number;
}

export interface RouteLeg extends Leg {
  coordinates: [number, number][];
  /** gids of the edges driven along, in order. */
  gids: number[];
}

export interface NearestHit extends Leg {
  /** Index into the candidates given to `nearest`. */
  index: number;
}

/** Snaps remembered by `placeCached` before the cache is simply emptied. */
const PLACE_CACHE_MAX = 20_000;

/** `end` says at which end of the place's edge (fraction 0 or 1) the graph is entered or left. */
type Departure = Seed & { end: 0 | 1 };
type Arrival = Attachment & { end: 0 | 1 };

/** Time to cover fraction `frac` of an edge taking `time` seconds whole; standing on the node costs nothing. */
const part = (frac: number, time: number) => (frac <= 0 ? 0 : frac * time);

/**
 * Drive-time queries between points: snapping, the partial edges at both ends, the access legs, and the
 * Dijkstra search in between. Every cost reads the graph's current condition factors, so a closure or
 * slowdown applies to the very next query.
 */
export class Router {
  readonly shapes: EdgeShapes;
  readonly snaps: SnapIndex;
  /** 1 for edges inside the largest strongly connected component: the only edges points are snapped to. */
  readonly routable: Uint8Array;
  private readonly placeCache = new Map<string, Place | null>();
  private placeCacheVersion = -1;

  constructor(readonly graph: RoadGraph) {
    this.shapes = new EdgeShapes(graph);
    this.snaps = new SnapIndex(this.shapes);
    const inLargest = largestComponent(graph.nodeCount, graph.forward);
    this.routable = new Uint8Array(graph.edgeCount);
    for (let e = 0; e < graph.edgeCount; e++) {
      this.routable[e] = inLargest[graph.source[e]!] && inLargest[graph.target[e]!] ? 1 : 0;
    }
  }

  /** Attaches a point to the nearest open, routable edge within `maxM`, or null if there is none. */
  place(lon: number, lat: number, maxM = MAX_SNAP_M): Place | null {
    const snap = this.snaps.nearest(lon, lat, maxM, (e) => this.routable[e] === 1 && this.graph.factor[e] !== Infinity);
    return snap ? { lon, lat, snap, accessS: snap.distM / kmhToMs(ACCESS_KMH) } : null;
  }

  /**
   * `place` for points that recur on every query (facilities), remembered until a road condition changes,
   * since a closure can move a snap to another edge.
   */
  placeCached(lon: number, lat: number): Place | null {
    if (this.placeCacheVersion !== this.graph.version || this.placeCache.size >= PLACE_CACHE_MAX) {
      this.placeCache.clear();
      this.placeCacheVersion = this.graph.version;
    }
    const key = `${lon},${lat}`;
    let p = this.placeCache.get(key);
    if (p === undefined) {
      p = this.place(lon, lat);
      this.placeCache.set(key, p);
    }
    return p;
  }

  /** Fastest drive from one place to another, or null when closures or one-way streets leave no way. */
  route(from: Place, to: Place): RouteLeg | null {
    const seeds = this.departures(from);
    const attachments = this.arrivals(to, 0);
    const direct = this.direct(from, to, 0);
    const outcome = search(this.graph, this.graph.forward, seeds, attachments, direct, 1, 1);
    const hit = outcome.settled[0];
    if (!hit) return null;
    const g = this.graph;
    const coords: [number, number][] = [];
    const gids: number[] = [];
    const add = (e: number, pts: [number, number][]) => {
      for (const p of pts) {
        const last = coords[coords.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) coords.push(p);
      }
      if (gids[gids.length - 1] !== g.gid[e]) gids.push(g.gid[e]!);
    };
    if (from.snap.distM > 0) coords.push([from.lon, from.lat]);
    if (hit.via === -1) {
      add(from.snap.edge, this.shapes.slice(from.snap.edge, from.snap.t, to.snap.t));
    } else {
      const end = attachments[hit.via]!;
      const { seedNode, arcs } = arcsTo(g.forward, outcome, end.node);
      const seed = seeds[outcome.seedOf.get(seedNode)!]!;
      add(from.snap.edge, this.shapes.slice(from.snap.edge, from.snap.t, seed.end));
      for (const arc of arcs) {
        const e = g.forward.edge[arc]!;
        add(e, g.forward.against[arc] ? this.shapes.slice(e, 1, 0) : this.shapes.slice(e, 0, 1));
      }
      add(to.snap.edge, this.shapes.slice(to.snap.edge, end.end, to.snap.t));
    }
    if (to.snap.distM > 0) coords.push([to.lon, to.lat]);
    // From a point to itself: a LineString still needs two positions.
    if (coords.length === 1) coords.push(coords[0]!);
    return { costS: hit.costS, distM: hit.distM, coordinates: coords, gids };
  }

  /**
   * The k candidates that can reach `origin` soonest. Vehicles drive to the origin, so the search runs
   * from the origin over the reversed arcs and each candidate joins where its own drive would start.
   */
  nearest(origin: Place, candidates: readonly Place[], k: number): NearestHit[] {
    const seeds = this.arrivals(origin, -1).map((a) => ({ node: a.node, costS: a.costS, distM: a.distM }));
    const attachments: Attachment[] = [];
    const directs: Direct[] = [];
    candidates.forEach((c, i) => {
      for (const s of this.departures(c)) attachments.push({ node: s.node, target: i, costS: s.costS, distM: s.distM });
      directs.push(...this.direct(c, origin, i));
    });
    const outcome = search(this.graph, this.graph.reverse, seeds, attachments, directs, candidates.length, k);
    return outcome.settled.map((s) => ({ index: s.target, costS: s.costS, distM: s.distM }));
  }

  /** Nodes reachable from a place without passing another node, with the access leg included. */
  private departures(p: Place): Departure[] {
    const { edge: e, t, distM } = p.snap;
    const g = this.graph;
    const len = g.lengthM[e]!;
    const out: Departure[] = [
      { node: g.target[e]!, end: 1, costS: part(1 - t, g.edgeTime(e, false)), distM: (1 - t) * len },
      { node: g.source[e]!, end: 0, costS: part(t, g.edgeTime(e, true)), distM: t * len },
    ];
    return out.filter((s) => Number.isFinite(s.costS)).map((s) => ({ ...s, costS: s.costS + p.accessS, distM: s.distM + distM }));
  }

  /** Nodes from which a place is reached without passing another node, with the access leg included. */
  private arrivals(p: Place, target: number): Arrival[] {
    const { edge: e, t, distM } = p.snap;
    const g = this.graph;
    const len = g.lengthM[e]!;
    const out: Arrival[] = [
      { node: g.source[e]!, end: 0, target, costS: part(t, g.edgeTime(e, false)), distM: t * len },
      { node: g.target[e]!, end: 1, target, costS: part(1 - t, g.edgeTime(e, true)), distM: (1 - t) * len },
    ];
    return out.filter((a) => Number.isFinite(a.costS)).map((a) => ({ ...a, costS: a.costS + p.accessS, distM: a.distM + distM }));
  }

  /** The drive between two places on the same edge that stays on that edge, if the edge allows it. */
  private direct(from: Place, to: Place, target: number): Direct[] {
    const e = from.snap.edge;
    if (e !== to.snap.edge) return [];
    const dt = to.snap.t - from.snap.t;
    const time = part(Math.abs(dt), this.graph.edgeTime(e, dt < 0));
    if (!Number.isFinite(time)) return [];
    const distM = Math.abs(dt) * this.graph.lengthM[e]! + from.snap.distM + to.snap.distM;
    return [{ target, costS: time + from.accessS + to.accessS, distM }];
  }
}
