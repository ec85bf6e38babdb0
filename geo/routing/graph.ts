import { edgeSpeedKmh, kmhToMs } from './speeds';

/** One row of `road_edge` as the graph needs it; node ids are OSM node ids. */
export interface EdgeInput {
  gid: number;
  classId: number;
  source: number;
  target: number;
  lengthM: number;
  twoWay: boolean;
  speedFwd: number | null;
  speedBwd: number | null;
  /** [lon, lat] pairs from source to target. */
  coords: readonly (readonly [number, number])[];
}

/**
 * Compressed sparse row adjacency: the arcs leaving node n are `offsets[n] .. offsets[n + 1]`. Each arc
 * names the node it leads to, the edge it runs along and whether it runs against the edge's digitised
 * direction (then its time is the edge's backward time).
 */
export interface Csr {
  offsets: Int32Array;
  head: Int32Array;
  edge: Int32Array;
  against: Uint8Array;
  /** Seconds to drive the arc under normal conditions (multiplied by the edge's factor when searching). */
  time: Float64Array;
}

/**
 * The directed road graph in compact typed arrays, indexed by dense edge and node numbers. Travel times are
 * fixed at load; live road conditions change only `factor` (1 = normal, > 1 = slower, Infinity = closed), so
 * a condition takes effect on the next query without rebuilding anything.
 */
export class RoadGraph {
  readonly nodeCount: number;
  readonly edgeCount: number;
  readonly gid: Int32Array;
  readonly classId: Int32Array;
  readonly source: Int32Array;
  readonly target: Int32Array;
  readonly lengthM: Float64Array;
  readonly twoWay: Uint8Array;
  /** Seconds to drive the whole edge from source to target / target to source (Infinity if one-way). */
  readonly timeFwd: Float64Array;
  readonly timeBwd: Float64Array;
  /** Read freely; write only through `setFactor`. */
  readonly factor: Float64Array;
  /** Edge e's vertices are `coords[2 * coordStart[e]] ..` up to `coordStart[e + 1]`, as lon, lat pairs. */
  readonly coordStart: Int32Array;
  readonly coords: Float64Array;
  /** Arcs in driving direction, and the same arcs stored at their head node (for searches towards a point). */
  readonly forward: Csr;
  readonly reverse: Csr;
  readonly maxSpeedMs: number;
  private readonly edgeByGid: Map<number, number>;
  private factorVersion = 0;

  constructor(edges: readonly EdgeInput[]) {
    const m = edges.length;
    const nodeIndex = new Map<number, number>();
    const node = (osmId: number) => {
      let i = nodeIndex.get(osmId);
      if (i === undefined) nodeIndex.set(osmId, (i = nodeIndex.size));
      return i;
    };
    this.edgeCount = m;
    this.gid = new Int32Array(m);
    this.classId = new Int32Array(m);
    this.source = new Int32Array(m);
    this.target = new Int32Array(m);
    this.lengthM = new Float64Array(m);
    this.twoWay = new Uint8Array(m);
    this.timeFwd = new Float64Array(m);
    this.timeBwd = new Float64Array(m);
    this.factor = new Float64Array(m).fill(1);
    this.coordStart = new Int32Array(m + 1);
    this.edgeByGid = new Map();
    let vertexCount = 0;
    let maxSpeedMs = 0;
    edges.forEach((e, i) => {
      if (!(e.lengthM >= 0) || e.coords.length < 2) throw new Error(`road edge ${e.gid} has no usable length or geometry`);
      this.gid[i] = e.gid;
      this.classId[i] = e.classId;
      this.source[i] = node(e.source);
      this.target[i] = node(e.target);
      this.lengthM[i] = e.lengthM;
      this.twoWay[i] = e.twoWay ? 1 : 0;
      const fwd = kmhToMs(edgeSpeedKmh(e.classId, e.speedFwd));
      const bwd = kmhToMs(edgeSpeedKmh(e.classId, e.speedBwd));
      this.timeFwd[i] = e.lengthM / fwd;
      this.timeBwd[i] = e.twoWay ? e.lengthM / bwd : Infinity;
      maxSpeedMs = Math.max(maxSpeedMs, fwd, e.twoWay ? bwd : 0);
      this.edgeByGid.set(e.gid, i);
      this.coordStart[i] = vertexCount;
      vertexCount += e.coords.length;
    });
    this.coordStart[m] = vertexCount;
    this.coords = new Float64Array(vertexCount * 2);
    edges.forEach((e, i) => {
      let k = this.coordStart[i]! * 2;
      for (const [lon, lat] of e.coords) {
        this.coords[k++] = lon;
        this.coords[k++] = lat;
      }
    });
    this.nodeCount = nodeIndex.size;
    this.maxSpeedMs = maxSpeedMs;
    this.forward = this.buildCsr(false);
    this.reverse = this.buildCsr(true);
  }

  /** Sets edge e's condition factor (1 normal, > 1 slower, Infinity closed). */
  setFactor(e: number, factor: number): void {
    if (this.factor[e] === factor) return;
    this.factor[e] = factor;
    this.factorVersion++;
  }

  /** Changes whenever a factor changes, so results that depend on closures (snaps) know when to refresh. */
  get version(): number {
    return this.factorVersion;
  }

  /** Dense index of the edge with this gid, or undefined. */
  edgeOfGid(gid: number): number | undefined {
    return this.edgeByGid.get(gid);
  }

  /** Current seconds to drive edge e in one direction, conditions included (Infinity: closed or one-way). */
  edgeTime(e: number, against: boolean): number {
    return (against ? this.timeBwd[e]! : this.timeFwd[e]!) * this.factor[e]!;
  }

  /** Vertices of edge e as [lon, lat] pairs in digitised order. */
  edgeCoords(e: number): [number, number][] {
    const out: [number, number][] = [];
    for (let k = this.coordStart[e]!; k < this.coordStart[e + 1]!; k++) out.push([this.coords[2 * k]!, this.coords[2 * k + 1]!]);
    return out;
  }

  private buildCsr(reversed: boolean): Csr {
    const n = this.nodeCount;
    const offsets = new Int32Array(n + 1);
    // Each arc: (from, to, edge, against). Forward arcs leave `from`; reversed CSR stores them at `to`.
    const arcs: [number, number, number, number][] = [];
    for (let e = 0; e < this.edgeCount; e++) {
      arcs.push([this.source[e]!, this.target[e]!, e, 0]);
      if (this.twoWay[e]) arcs.push([this.target[e]!, this.source[e]!, e, 1]);
    }
    const at = (a: [number, number, number, number]) => (reversed ? a[1] : a[0]);
    for (const a of arcs) offsets[at(a) + 1]!++;
    for (let i = 0; i < n; i++) offsets[i + 1]! += offsets[i]!;
    const fill = offsets.slice(0, n);
    const head = new Int32Array(arcs.length);
    const edge = new Int32Array(arcs.length);
    const against = new Uint8Array(arcs.length);
    const time = new Float64Array(arcs.length);
    for (const a of arcs) {
      const slot = fill[at(a)]!++;
      head[slot] = reversed ? a[0] : a[1];
      edge[slot] = a[2];
      against[slot] = a[3];
      time[slot] = a[3] ? this.timeBwd[a[2]]! : this.timeFwd[a[2]]!;
    }
    return { offsets, head, edge, against, time };
  }
}
