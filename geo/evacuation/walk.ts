import FlatQueue from 'flatqueue';
import type { RoadGraph } from '../routing/graph';
import type { Router } from '../routing/router';

/** Pedestrian speed on the road network and on the straight access leg to it (1.2 m/s ≈ 4.3 km/h). */
export const WALK_SPEED_MS = 1.2;
/** Longest walk a plan considers: 30 minutes (about 2.2 km on the network). */
export const MAX_WALK_S = 1800;
/** A cell or shelter farther than this from any walkable road is out of reach. */
const MAX_ACCESS_M = 800;
/** Motorways and their ramps (barefoot classes 101, 102) are not for walking. */
const NOT_WALKABLE = new Set([101, 102]);

/** Where a point joins the walking network: an edge, the fraction along it, and the straight walk to it. */
export interface Anchor {
  edge: number;
  t: number;
  accessS: number;
}

/** Walking times from one origin (a shelter) to every node within reach, with the arcs they were reached by. */
export interface WalkTree {
  cost: Float64Array;
  /** Edge each node was reached along, -1 for the seeds, -2 if not reached. */
  predEdge: Int32Array;
  /** The node at the other end of `predEdge`. */
  predNode: Int32Array;
  origin: Anchor;
}

/**
 * The road graph as pedestrians use it: every edge both ways (one-way rules are for vehicles), at walking speed,
 * without motorways; a closed road (condition factor Infinity) is closed to walkers too. Built once per graph.
 */
export class WalkNetwork {
  private readonly offsets: Int32Array;
  private readonly heads: Int32Array;
  private readonly edges: Int32Array;

  constructor(
    private readonly graph: RoadGraph,
    private readonly router: Router,
  ) {
    const n = graph.nodeCount;
    const walkable = (e: number) => !NOT_WALKABLE.has(graph.classId[e]!);
    const degree = new Int32Array(n + 1);
    for (let e = 0; e < graph.edgeCount; e++) {
      if (!walkable(e)) continue;
      degree[graph.source[e]! + 1]!++;
      degree[graph.target[e]! + 1]!++;
    }
    for (let i = 0; i < n; i++) degree[i + 1]! += degree[i]!;
    this.offsets = degree;
    const fill = degree.slice(0, n);
    this.heads = new Int32Array(degree[n]!);
    this.edges = new Int32Array(degree[n]!);
    for (let e = 0; e < graph.edgeCount; e++) {
      if (!walkable(e)) continue;
      const s = graph.source[e]!;
      const t = graph.target[e]!;
      let k = fill[s]!++;
      this.heads[k] = t;
      this.edges[k] = e;
      k = fill[t]!++;
      this.heads[k] = s;
      this.edges[k] = e;
    }
  }

  private edgeWalkS(e: number): number {
    return this.graph.factor[e] === Infinity ? Infinity : this.graph.lengthM[e]! / WALK_SPEED_MS;
  }

  /** Joins a point to the nearest walkable, open road of the main network, or null when none is near enough. */
  place(lon: number, lat: number): Anchor | null {
    const g = this.graph;
    const snap = this.router.snaps.nearest(
      lon,
      lat,
      MAX_ACCESS_M,
      (e) => this.router.routable[e] === 1 && !NOT_WALKABLE.has(g.classId[e]!) && g.factor[e] !== Infinity,
    );
    return snap ? { edge: snap.edge, t: snap.t, accessS: snap.distM / WALK_SPEED_MS } : null;
  }

  /** Dijkstra from an anchor over the walking network, no further than `maxS` seconds. */
  treeFrom(origin: Anchor, maxS: number): WalkTree {
    const g = this.graph;
    const n = g.nodeCount;
    const cost = new Float64Array(n).fill(Infinity);
    const predEdge = new Int32Array(n).fill(-2);
    const predNode = new Int32Array(n).fill(-1);
    const queue = new FlatQueue<number>();
    const whole = this.edgeWalkS(origin.edge);
    const seed = (node: number, c: number) => {
      if (c <= maxS && c < cost[node]!) {
        cost[node] = c;
        predEdge[node] = -1;
        queue.push(node, c);
      }
    };
    seed(g.source[origin.edge]!, origin.accessS + origin.t * whole);
    seed(g.target[origin.edge]!, origin.accessS + (1 - origin.t) * whole);
    const done = new Uint8Array(n);
    while (queue.length) {
      const u = queue.pop()!;
      if (done[u]) continue;
      done[u] = 1;
      const cu = cost[u]!;
      for (let k = this.offsets[u]!, end = this.offsets[u + 1]!; k < end; k++) {
        const e = this.edges[k]!;
        const c = cu + this.edgeWalkS(e);
        const v = this.heads[k]!;
        if (c <= maxS && c < cost[v]!) {
          cost[v] = c;
          predEdge[v] = e;
          predNode[v] = u;
          queue.push(v, c);
        }
      }
    }
    return { cost, predEdge, predNode, origin };
  }

  /** Seconds from the tree's origin to a point anchored at `to` (Infinity when out of reach). */
  walkS(tree: WalkTree, to: Anchor): number {
    const g = this.graph;
    const whole = this.edgeWalkS(to.edge);
    let best = Math.min(tree.cost[g.source[to.edge]!]! + to.t * whole, tree.cost[g.target[to.edge]!]! + (1 - to.t) * whole);
    // Both on the same edge: the walk along it, without passing a node.
    if (to.edge === tree.origin.edge) best = Math.min(best, tree.origin.accessS + Math.abs(to.t - tree.origin.t) * whole);
    return best + to.accessS;
  }

  /** The walk from a point anchored at `from` back to the tree's origin, as [lon, lat] positions. */
  path(tree: WalkTree, from: Anchor): [number, number][] {
    const g = this.graph;
    const { shapes } = this.router;
    const whole = this.edgeWalkS(from.edge);
    if (from.edge === tree.origin.edge) {
      const direct = tree.origin.accessS + Math.abs(from.t - tree.origin.t) * whole;
      const viaNodes = Math.min(
        tree.cost[g.source[from.edge]!]! + from.t * whole,
        tree.cost[g.target[from.edge]!]! + (1 - from.t) * whole,
      );
      if (direct <= viaNodes) return shapes.slice(from.edge, from.t, tree.origin.t);
    }
    const viaSource = tree.cost[g.source[from.edge]!]! + from.t * whole;
    const viaTarget = tree.cost[g.target[from.edge]!]! + (1 - from.t) * whole;
    let node = viaSource <= viaTarget ? g.source[from.edge]! : g.target[from.edge]!;
    const out: [number, number][] = [...shapes.slice(from.edge, from.t, viaSource <= viaTarget ? 0 : 1)];
    const push = (pts: [number, number][]) => {
      for (const p of pts) {
        const last = out[out.length - 1];
        if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
      }
    };
    while (tree.predEdge[node]! >= 0) {
      const e = tree.predEdge[node]!;
      const prev = tree.predNode[node]!;
      push(shapes.slice(e, node === g.source[e] ? 0 : 1, node === g.source[e] ? 1 : 0));
      node = prev;
    }
    const o = tree.origin;
    push(shapes.slice(o.edge, node === g.source[o.edge] ? 0 : 1, o.t));
    return out;
  }
}
