import FlatQueue from 'flatqueue';
import type { Csr, RoadGraph } from './graph';

/** Where a search enters the graph: node `node` is reached after `costS` seconds and `distM` metres. */
export interface Seed {
  node: number;
  costS: number;
  distM: number;
}

/** Target `target` is reached from graph node `node` for a further `costS` seconds and `distM` metres. */
export interface Attachment {
  node: number;
  target: number;
  costS: number;
  distM: number;
}

/** A target reached without entering the graph (it lies on the origin's own edge, further along it). */
export interface Direct {
  target: number;
  costS: number;
  distM: number;
}

export interface SettledTarget {
  target: number;
  costS: number;
  distM: number;
  /** Index of the attachment the target was reached by, or -1 when it was reached directly. */
  via: number;
}

export interface SearchOutcome {
  /** Targets in the order they were settled, which is by increasing cost. */
  settled: SettledTarget[];
  /** For each node: the arc it was reached by, -1 if it was a seed, -2 if never reached. */
  predArc: Int32Array;
  /** For each seed node: the index of the seed that gave its cost. */
  seedOf: Map<number, number>;
  /** Nodes taken off the queue, a measure of the work done. */
  settledNodes: number;
}

/**
 * One-to-many Dijkstra over the compact graph. Targets are virtual nodes numbered after the graph's nodes,
 * joined to the graph by attachments, so a target is final when it leaves the queue like any node; the
 * search stops as soon as `k` targets are final or nothing is left to explore. Arcs whose current time is
 * Infinity (closed edges, the wrong way along a one-way edge) are never taken.
 */
export function search(
  graph: RoadGraph,
  csr: Csr,
  seeds: readonly Seed[],
  attachments: readonly Attachment[],
  directs: readonly Direct[],
  targetCount: number,
  k: number,
): SearchOutcome {
  const n = graph.nodeCount;
  const cost = new Float64Array(n + targetCount).fill(Infinity);
  const dist = new Float64Array(n + targetCount);
  const predArc = new Int32Array(n).fill(-2);
  const targetVia = new Int32Array(targetCount).fill(-1);
  const done = new Uint8Array(n + targetCount);
  const seedOf = new Map<number, number>();
  // Attachments per node as linked lists in typed arrays: most settled nodes have none, and a typed-array
  // read is cheaper than a Map lookup in the inner loop.
  const firstAttachment = new Int32Array(n).fill(-1);
  const nextAttachment = new Int32Array(attachments.length);
  attachments.forEach((a, i) => {
    if (!Number.isFinite(a.costS)) return;
    nextAttachment[i] = firstAttachment[a.node]!;
    firstAttachment[a.node] = i;
  });
  const queue = new FlatQueue<number>();
  const { offsets, head, edge, time } = csr;
  const { factor, lengthM } = graph;

  seeds.forEach((s, i) => {
    if (!(s.costS < cost[s.node]!)) return;
    cost[s.node] = s.costS;
    dist[s.node] = s.distM;
    predArc[s.node] = -1;
    seedOf.set(s.node, i);
    queue.push(s.node, s.costS);
  });
  for (const d of directs) {
    const id = n + d.target;
    if (!(d.costS < cost[id]!)) continue;
    cost[id] = d.costS;
    dist[id] = d.distM;
    queue.push(id, d.costS);
  }

  const settled: SettledTarget[] = [];
  let settledNodes = 0;
  const wanted = Math.min(k, targetCount);
  while (queue.length > 0 && settled.length < wanted) {
    const u = queue.pop()!;
    if (done[u]) continue;
    done[u] = 1;
    if (u >= n) {
      const t = u - n;
      settled.push({ target: t, costS: cost[u]!, distM: dist[u]!, via: targetVia[t]! });
      continue;
    }
    settledNodes++;
    const cu = cost[u]!;
    for (let i = firstAttachment[u]!; i !== -1; i = nextAttachment[i]!) {
      const a = attachments[i]!;
      const id = n + a.target;
      const c = cu + a.costS;
      if (c < cost[id]!) {
        cost[id] = c;
        dist[id] = dist[u]! + a.distM;
        targetVia[a.target] = i;
        queue.push(id, c);
      }
    }
    for (let arc = offsets[u]!, end = offsets[u + 1]!; arc < end; arc++) {
      const e = edge[arc]!;
      const w = time[arc]! * factor[e]!;
      if (w === Infinity) continue;
      const v = head[arc]!;
      const c = cu + w;
      if (c < cost[v]!) {
        cost[v] = c;
        dist[v] = dist[u]! + lengthM[e]!;
        predArc[v] = arc;
        queue.push(v, c);
      }
    }
  }
  return { settled, predArc, seedOf, settledNodes };
}

/** The arcs from the seed node to `node`, in search order, and the seed node itself. */
export function arcsTo(csr: Csr, outcome: SearchOutcome, node: number): { seedNode: number; arcs: number[] } {
  const arcs: number[] = [];
  let v = node;
  for (;;) {
    const arc = outcome.predArc[v]!;
    if (arc < 0) break;
    arcs.push(arc);
    // In the forward CSR an arc is stored at its tail; in the reversed one at its head. Either way the
    // previous node on the search path is the one the arc is stored at, found by its offset range.
    v = tailOf(csr, arc);
  }
  return { seedNode: v, arcs: arcs.reverse() };
}

/** The node whose adjacency range contains `arc` (binary search over the offsets). */
function tailOf(csr: Csr, arc: number): number {
  let lo = 0;
  let hi = csr.offsets.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (csr.offsets[mid]! <= arc) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
