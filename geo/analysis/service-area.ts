import FlatQueue from 'flatqueue';
import type { Queryable } from '../db/types';
import type { RoadGraph } from '../routing/graph';
import type { Place } from '../routing/router';

/** What a bounded drive-time search reached. */
export interface Reach {
  /** Dense indexes of the edges that can be driven in full within the limit (each once). */
  edges: number[];
  /** Longest drive time to a reached node, in seconds (≤ the limit). */
  maxDriveS: number;
  /** Nodes settled. */
  nodes: number;
}

/**
 * Every edge drivable in full within `limitS` seconds from a place: a Dijkstra over the forward CSR that stops
 * at the limit. Arc costs are multiplied by the edges' live condition factors, so slowed roads count slower
 * and closed ones (factor Infinity) are never driven. The place enters the graph at both ends of its edge,
 * after the access leg and the part of the edge it has to drive.
 */
export function reachWithin(graph: RoadGraph, place: Place, limitS: number): Reach {
  const { edge: e0, t } = place.snap;
  const dist = new Float64Array(graph.nodeCount).fill(Infinity);
  const queue = new FlatQueue<number>();
  const seed = (node: number, cost: number) => {
    if (cost <= limitS && cost < dist[node]!) {
      dist[node] = cost;
      queue.push(node, cost);
    }
  };
  seed(graph.target[e0]!, place.accessS + (1 - t) * graph.edgeTime(e0, false));
  seed(graph.source[e0]!, place.accessS + t * graph.edgeTime(e0, true));

  const { offsets, head, edge, time } = graph.forward;
  const reached = new Uint8Array(graph.edgeCount);
  const edges: number[] = [];
  let maxDriveS = 0;
  let nodes = 0;
  while (queue.length > 0) {
    const d = queue.peekValue()!;
    const u = queue.pop()!;
    if (d > dist[u]!) continue; // a stale entry
    nodes++;
    if (d > maxDriveS) maxDriveS = d;
    for (let a = offsets[u]!; a < offsets[u + 1]!; a++) {
      const e = edge[a]!;
      const cost = d + time[a]! * graph.factor[e]!;
      if (!(cost <= limitS)) continue;
      if (!reached[e]) {
        reached[e] = 1;
        edges.push(e);
      }
      const v = head[a]!;
      if (cost < dist[v]!) {
        dist[v] = cost;
        queue.push(v, cost);
      }
    }
  }
  return { edges, maxDriveS, nodes };
}

/** The concave hull (ratio 0.3) of the given road edges, or null when it is not an area (too few points). */
export async function edgesHull(
  tx: Queryable,
  gids: readonly number[],
): Promise<{ type: 'Polygon' | 'MultiPolygon'; coordinates: unknown } | null> {
  if (gids.length === 0) return null;
  const rows = await tx.query<{ hull: { type: string; coordinates: unknown } | null }>(
    `SELECT CASE WHEN GeometryType(h) IN ('POLYGON', 'MULTIPOLYGON') THEN ST_AsGeoJSON(h, 6)::json END AS hull
       FROM (SELECT ST_ConcaveHull(ST_Collect(geom), 0.3) AS h FROM road_edge WHERE gid = ANY($1::int[])) s`,
    [gids],
  );
  const hull = rows[0]?.hull;
  return hull ? (hull as { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown }) : null;
}
