import Supercluster from 'supercluster';
import type { GaugeReading, Incident } from '../../../contracts/incidents';

/**
 * Where the wall draws its incidents so that none hides another (pure, no map needed). Up to street zoom the incidents
 * that would touch on screen are one cluster with their count (supercluster); from street zoom every incident has
 * its own marker, and markers still stacked on one spot (the same crossing reported twice, a gauge and its alarm) are
 * spread on a small circle round the spot, each with a leader line to where it really is. A gauge's water-level label
 * moves below a marker drawn over the gauge. The selected incident and the alerting ones are never put in a cluster.
 */

/** Clusters are formed up to this zoom; from the next one every incident has its own marker. */
export const CLUSTER_MAX_ZOOM = 14;
/** Incidents closer than this on screen (unscaled pixels) are one cluster: a fused incident's ring is 58 px wide. */
export const CLUSTER_RADIUS_PX = 56;
/** Markers whose centres are closer than this (unscaled pixels) from street zoom on are spread apart. */
export const SPREAD_MIN_PX = 64;
/** A gauge's level label sits this far below its disc when nothing is drawn over the gauge. */
export const GAUGE_LABEL_PX = 18;
/** MapLibre's tiles are 512 pixels wide: the world is 512 · 2^zoom pixels. */
const WORLD_PX = 512;

/** Radius of an incident disc in (unscaled) pixels: 8 for priority 0 up to 20 for priority 10. */
export const incidentRadius = (inc: Incident) => 8 + Math.min(Math.max(inc.priority, 0), 10) * 1.2;
export const isFused = (inc: Incident) => inc.records.length > 1 || inc.sources.length > 1;
/** How far an incident's marker reaches from its centre: the disc, or the ring and satellite dots of a fused one. */
export const markRadius = (inc: Incident) => incidentRadius(inc) + (isFused(inc) ? 14 : 0);
/** Radius of a cluster disc (unscaled pixels), growing slowly with its count. */
export const clusterRadius = (count: number) => 14 + Math.min(4 * Math.log2(Math.max(count, 1)), 16);

/** The count shown in a cluster: up to 999, then 999+. */
export const clusterLabel = (count: number) => (count > 999 ? '999+' : String(count));

export interface ClusterMark {
  kind: 'cluster';
  clusterId: number;
  lon: number;
  lat: number;
  /** The incidents in it, ids ascending. */
  ids: number[];
  /** Highest common priority among them (the cluster's colour). */
  topPriority: number;
  /** Zoom at which the cluster falls apart (a click zooms there). */
  expansionZoom: number;
}

export interface SingleMark {
  kind: 'incident';
  incident: Incident;
  /** Where the marker is drawn. */
  lon: number;
  lat: number;
  /** True when the marker was moved off its incident's place (a leader line joins them). */
  spread: boolean;
}

export interface Decluttered {
  clusters: ClusterMark[];
  singles: SingleMark[];
}

interface LeafProps {
  id: number;
  priority: number;
}
interface ClusterProps {
  ids: number[];
  top: number;
}
type Index = Supercluster<LeafProps, ClusterProps>;

/** The cluster index of some incidents for a wall scale (1 desktop, 2 on the 4K wall): build once per incident set. */
export function clusterIndex(incidents: readonly Incident[], scale: number): Index {
  const index: Index = new Supercluster<LeafProps, ClusterProps>({
    radius: CLUSTER_RADIUS_PX * scale,
    extent: WORLD_PX,
    maxZoom: CLUSTER_MAX_ZOOM,
    map: (p) => ({ ids: [p.id], top: p.priority }),
    reduce: (acc, p) => {
      acc.ids = acc.ids.concat(p.ids);
      acc.top = Math.max(acc.top, p.top);
    },
  });
  index.load(
    incidents.map((inc) => ({
      type: 'Feature' as const,
      geometry: { type: 'Point' as const, coordinates: [inc.place.lon, inc.place.lat] },
      properties: { id: inc.id, priority: inc.priority },
    })),
  );
  return index;
}

/**
 * The markers at a zoom: clusters of the indexed incidents up to `CLUSTER_MAX_ZOOM` (their leaves drawn singly from
 * there), `apart` (selected, alerting) always single, and single markers closer than `SPREAD_MIN_PX · scale` spread.
 */
export function declutter(
  incidents: readonly Incident[],
  index: Index,
  zoom: number,
  scale: number,
  apart: ReadonlySet<number> = new Set(),
): Decluttered {
  const byId = new Map(incidents.map((i) => [i.id, i]));
  const clusters: ClusterMark[] = [];
  const singles: Incident[] = incidents.filter((i) => apart.has(i.id));
  const z = Math.max(0, Math.floor(zoom));
  for (const f of index.getClusters([-180, -85, 180, 85], z)) {
    const [lon, lat] = f.geometry.coordinates as [number, number];
    const p = f.properties;
    if ('cluster' in p && p.cluster) {
      const ids = [...p.ids].filter((id) => byId.has(id) && !apart.has(id)).sort((a, b) => a - b);
      const clusterId = p.cluster_id;
      clusters.push({
        kind: 'cluster',
        clusterId,
        lon,
        lat,
        ids,
        topPriority: p.top,
        expansionZoom: index.getClusterExpansionZoom(clusterId),
      });
    } else {
      const inc = byId.get((p as LeafProps).id);
      if (inc && !apart.has(inc.id)) singles.push(inc);
    }
  }
  // A selected or alerting incident on a cluster's spot goes beside the cluster rather than over its count.
  return { clusters, singles: spread(singles, zoom, scale, clusters) };
}

/** World pixel position of a point at a zoom (web mercator, 512-pixel tiles). */
export function toPixel(lon: number, lat: number, zoom: number): [number, number] {
  const size = WORLD_PX * 2 ** zoom;
  const s = Math.sin((Math.max(Math.min(lat, 85.0511), -85.0511) * Math.PI) / 180);
  return [((lon + 180) / 360) * size, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * size];
}

export function fromPixel(x: number, y: number, zoom: number): [number, number] {
  const size = WORLD_PX * 2 ** zoom;
  const lon = (x / size) * 360 - 180;
  const n = Math.PI - (2 * Math.PI * y) / size;
  return [lon, (180 / Math.PI) * Math.atan(Math.sinh(n))];
}

/**
 * Spreads markers closer than the minimum distance: each group of markers that touch (directly or through each
 * other) is laid on a circle round the group's centre, wide enough that neighbours on it keep the distance, in the
 * order of their ids starting at the top. Lone markers stay where their incident is. `fixed` markers (clusters) do
 * not move: markers touching one are laid round it, at least the minimum distance from its centre.
 */
export function spread(
  incidents: readonly Incident[],
  zoom: number,
  scale: number,
  fixed: readonly { lon: number; lat: number }[] = [],
): SingleMark[] {
  const min = SPREAD_MIN_PX * scale;
  const n0 = incidents.length;
  const px = [...incidents.map((i) => toPixel(i.place.lon, i.place.lat, zoom)), ...fixed.map((f) => toPixel(f.lon, f.lat, zoom))];
  const parent = px.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (let a = 0; a < px.length; a++) {
    for (let b = a + 1; b < px.length; b++) {
      if (a >= n0 && b >= n0) continue;
      if (Math.hypot(px[a]![0] - px[b]![0], px[a]![1] - px[b]![1]) < min) parent[root(a)] = root(b);
    }
  }
  const groups = new Map<number, number[]>();
  px.forEach((_, i) => groups.set(root(i), [...(groups.get(root(i)) ?? []), i]));
  const out: SingleMark[] = [];
  for (const group of groups.values()) {
    const members = group.filter((i) => i < n0);
    const anchor = group.find((i) => i >= n0);
    if (members.length === 0) continue;
    if (members.length === 1 && anchor === undefined) {
      const inc = incidents[members[0]!]!;
      out.push({ kind: 'incident', incident: inc, lon: inc.place.lon, lat: inc.place.lat, spread: false });
      continue;
    }
    members.sort((a, b) => incidents[a]!.id - incidents[b]!.id);
    const n = members.length;
    const [cx, cy] =
      anchor === undefined
        ? [members.reduce((s, i) => s + px[i]![0], 0) / n, members.reduce((s, i) => s + px[i]![1], 0) / n]
        : px[anchor]!;
    // Chord between neighbours on the circle = min: r = min / (2 sin(π/n)); two markers sit min apart; round a
    // cluster, at least min from its centre.
    const chord = n === 1 ? 0 : n === 2 ? min / 2 : min / (2 * Math.sin(Math.PI / n));
    const r = anchor === undefined ? chord : Math.max(min, chord);
    members.forEach((m, k) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * k) / n;
      const [lon, lat] = fromPixel(cx + Math.cos(angle) * r, cy + Math.sin(angle) * r, zoom);
      out.push({ kind: 'incident', incident: incidents[m]!, lon, lat, spread: true });
    });
  }
  return out;
}

/**
 * How far below each gauge (unscaled pixels) its level label goes: `GAUGE_LABEL_PX`, or below the lowest edge of an
 * incident or cluster marker drawn over the gauge so that the label is never under a ring.
 */
export function gaugeLabelDrops(
  gauges: readonly GaugeReading[],
  marks: Decluttered,
  zoom: number,
  scale: number,
): Map<string, number> {
  const drawn = [
    ...marks.singles.map((m) => ({ lon: m.lon, lat: m.lat, r: markRadius(m.incident) })),
    ...marks.clusters.map((c) => ({ lon: c.lon, lat: c.lat, r: clusterRadius(c.ids.length) })),
  ].map((d) => ({ p: toPixel(d.lon, d.lat, zoom), r: d.r }));
  const drops = new Map<string, number>();
  for (const g of gauges) {
    const [gx, gy] = toPixel(g.lon, g.lat, zoom);
    let drop = GAUGE_LABEL_PX;
    for (const d of drawn) {
      const dx = Math.abs(d.p[0] - gx) / scale;
      const dy = (d.p[1] - gy) / scale;
      // A marker covering the label's column: the label starts below the marker's lowest point.
      if (dx < d.r + 20 && dy > -d.r - GAUGE_LABEL_PX && dy < d.r + GAUGE_LABEL_PX * 2) drop = Math.max(drop, dy + d.r + 4);
    }
    drops.set(g.stationId, Math.round(drop));
  }
  return drops;
}
