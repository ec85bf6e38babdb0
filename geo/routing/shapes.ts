import type { RoadGraph } from './graph';

/**
 * A local equirectangular projection to metres around the graph's mean latitude. Over the 20 km extent of
 * central Harbin its scale error stays under 0.5 %, which is plenty for snapping and for splitting an edge.
 */
export class LocalProjection {
  readonly mPerDegLon: number;
  readonly mPerDegLat: number;

  constructor(
    readonly lon0: number,
    readonly lat0: number,
  ) {
    const phi = (lat0 * Math.PI) / 180;
    // Series for the length of one degree on the WGS-84 ellipsoid.
    this.mPerDegLat = 111132.954 - 559.822 * Math.cos(2 * phi) + 1.175 * Math.cos(4 * phi);
    this.mPerDegLon = 111412.84 * Math.cos(phi) - 93.5 * Math.cos(3 * phi);
  }

  x(lon: number): number {
    return (lon - this.lon0) * this.mPerDegLon;
  }
  y(lat: number): number {
    return (lat - this.lat0) * this.mPerDegLat;
  }
  lon(x: number): number {
    return this.lon0 + x / this.mPerDegLon;
  }
  lat(y: number): number {
    return this.lat0 + y / this.mPerDegLat;
  }
}

/**
 * Edge polylines measured in the local projection. A position on an edge is a fraction `t` of its planar
 * length (0 at the source node, 1 at the target node); the part of the edge's real length up to `t` is
 * `t * lengthM`.
 */
export class EdgeShapes {
  readonly proj: LocalProjection;
  /** Planar distance from the edge's first vertex to each vertex (indexed like `graph.coords` / 2). */
  readonly along: Float64Array;

  constructor(readonly graph: RoadGraph) {
    const c = graph.coords;
    const vertices = c.length / 2;
    let lonSum = 0;
    let latSum = 0;
    for (let k = 0; k < vertices; k++) {
      lonSum += c[2 * k]!;
      latSum += c[2 * k + 1]!;
    }
    this.proj = new LocalProjection(vertices ? lonSum / vertices : 0, vertices ? latSum / vertices : 0);
    this.along = new Float64Array(vertices);
    for (let e = 0; e < graph.edgeCount; e++) {
      const first = graph.coordStart[e]!;
      for (let k = first + 1; k < graph.coordStart[e + 1]!; k++) {
        this.along[k] = this.along[k - 1]! + this.segmentLength(k - 1);
      }
    }
  }

  /** Planar length of the segment from vertex k to vertex k + 1. */
  segmentLength(k: number): number {
    const c = this.graph.coords;
    const p = this.proj;
    return Math.hypot((c[2 * k + 2]! - c[2 * k]!) * p.mPerDegLon, (c[2 * k + 3]! - c[2 * k + 1]!) * p.mPerDegLat);
  }

  planarLength(e: number): number {
    return this.along[this.graph.coordStart[e + 1]! - 1]!;
  }

  /** The point at fraction t of edge e. */
  pointAt(e: number, t: number): [number, number] {
    return this.slice(e, t, t)[0]!;
  }

  /**
   * The part of edge e between fractions t0 and t1 as [lon, lat] pairs, in travel order: when t0 > t1 the
   * part is returned running against the edge's direction.
   */
  slice(e: number, t0: number, t1: number): [number, number][] {
    if (t0 > t1) return this.slice(e, t1, t0).reverse();
    const c = this.graph.coords;
    const first = this.graph.coordStart[e]!;
    const last = this.graph.coordStart[e + 1]! - 1;
    const total = this.planarLength(e);
    const interpolate = (d: number): [number, number] => {
      let k = first;
      while (k < last - 1 && this.along[k + 1]! < d) k++;
      const seg = this.along[k + 1]! - this.along[k]!;
      const f = seg > 0 ? Math.min(1, Math.max(0, (d - this.along[k]!) / seg)) : 0;
      // Ends of a segment are returned exactly, so consecutive edges join without a gap.
      if (f === 0) return [c[2 * k]!, c[2 * k + 1]!];
      if (f === 1) return [c[2 * k + 2]!, c[2 * k + 3]!];
      return [c[2 * k]! + f * (c[2 * k + 2]! - c[2 * k]!), c[2 * k + 1]! + f * (c[2 * k + 3]! - c[2 * k + 1]!)];
    };
    const d0 = t0 * total;
    const d1 = t1 * total;
    const out: [number, number][] = [interpolate(d0)];
    for (let k = first + 1; k < last; k++) {
      if (this.along[k]! > d0 && this.along[k]! < d1) out.push([c[2 * k]!, c[2 * k + 1]!]);
    }
    if (d1 > d0) out.push(interpolate(d1));
    return out;
  }
}
