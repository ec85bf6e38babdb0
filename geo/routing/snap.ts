import Flatbush from 'flatbush';
import type { EdgeShapes } from './shapes';

/** A point attached to the road graph: the edge, the fraction along it, and how far away the point was. */
export interface Snap {
  edge: number;
  /** Fraction of the edge's length from its source node (0) to its target node (1). */
  t: number;
  distM: number;
  lon: number;
  lat: number;
}

/**
 * Nearest-edge lookup: a Flatbush index over the bounding boxes of every edge segment (in local metres),
 * followed by exact point-to-segment distances. The box nearest by box distance gives an upper bound d on
 * the true distance; every segment that could be nearer has its box inside the square of half-side d around
 * the point, so checking exactly those segments finds the true nearest one.
 */
export class SnapIndex {
  private readonly index: Flatbush | null;
  /** Segment i runs from vertex `segStart[i]` to the next vertex and belongs to edge `segEdge[i]`. */
  private readonly segStart: Int32Array;
  private readonly segEdge: Int32Array;

  constructor(private readonly shapes: EdgeShapes) {
    const g = shapes.graph;
    const segments = g.coords.length / 2 - g.edgeCount;
    this.segStart = new Int32Array(segments);
    this.segEdge = new Int32Array(segments);
    this.index = segments > 0 ? new Flatbush(segments) : null;
    const { proj } = shapes;
    let i = 0;
    for (let e = 0; e < g.edgeCount; e++) {
      for (let k = g.coordStart[e]!; k < g.coordStart[e + 1]! - 1; k++) {
        const x0 = proj.x(g.coords[2 * k]!);
        const y0 = proj.y(g.coords[2 * k + 1]!);
        const x1 = proj.x(g.coords[2 * k + 2]!);
        const y1 = proj.y(g.coords[2 * k + 3]!);
        this.index!.add(Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1));
        this.segStart[i] = k;
        this.segEdge[i] = e;
        i++;
      }
    }
    this.index?.finish();
  }

  /** The nearest point on an edge accepted by `usable`, if one lies within `maxM` metres. */
  nearest(lon: number, lat: number, maxM: number, usable: (edge: number) => boolean): Snap | null {
    if (!this.index) return null;
    const { proj } = this.shapes;
    const px = proj.x(lon);
    const py = proj.y(lat);
    const ok = (i: number) => usable(this.segEdge[i]!);
    const [first] = this.index.neighbors(px, py, 1, maxM, ok);
    if (first === undefined) return null;
    let best = this.project(first, px, py);
    const r = best.d;
    for (const i of this.index.search(px - r, py - r, px + r, py + r, ok)) {
      const cand = this.project(i, px, py);
      if (cand.d < best.d || (cand.d === best.d && i < best.i)) best = cand;
    }
    if (best.d > maxM) return null;
    const e = this.segEdge[best.i]!;
    const k = this.segStart[best.i]!;
    const total = this.shapes.planarLength(e);
    const along = this.shapes.along[k]! + best.f * this.shapes.segmentLength(k);
    return {
      edge: e,
      t: total > 0 ? Math.min(1, along / total) : 0,
      distM: best.d,
      lon: proj.lon(best.x),
      lat: proj.lat(best.y),
    };
  }

  /** Exact distance from (px, py) to segment i, with the closest point and its fraction along the segment. */
  private project(i: number, px: number, py: number): { i: number; d: number; f: number; x: number; y: number } {
    const { proj } = this.shapes;
    const c = this.shapes.graph.coords;
    const k = this.segStart[i]!;
    const x0 = proj.x(c[2 * k]!);
    const y0 = proj.y(c[2 * k + 1]!);
    const dx = proj.x(c[2 * k + 2]!) - x0;
    const dy = proj.y(c[2 * k + 3]!) - y0;
    const len2 = dx * dx + dy * dy;
    const f = len2 > 0 ? Math.min(1, Math.max(0, ((px - x0) * dx + (py - y0) * dy) / len2)) : 0;
    const x = x0 + f * dx;
    const y = y0 + f * dy;
    return { i, d: Math.hypot(px - x, py - y), f, x, y };
  }
}
