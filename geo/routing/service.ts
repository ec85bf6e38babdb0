import {
  HARBIN_BOUNDS,
  type FacilityKind,
  type NearestFacility,
  type NearestResponse,
  type RoadCondition,
  type RoadConditionInput,
  type RouteResponse,
  type SnapInfo,
} from '../../contracts';
import type { Queryable } from '../db/types';
import { RoadConditions } from './conditions';
import { RoutingError } from './errors';
import { facilityCandidates, nearestStraight, type FacilityRow } from './facilities';
import type { RoadGraph } from './graph';
import { loadRoadGraph } from './load';
import { Router, type Place } from './router';
import { MAX_SNAP_M } from './speeds';

export interface RoutingSummary {
  nodes: number;
  edges: number;
  /** Edges in the largest strongly connected component, the only ones points are snapped to. */
  routableEdges: number;
  activeConditions: number;
  /** gids of active conditions whose edge is not in the current graph (kept, but without effect). */
  conditionsOnUnknownEdges: number[];
}

/** A road condition given by a point must lie this close to a road edge. */
export const CONDITION_SNAP_M = 100;

const round1 = (v: number) => Math.round(v * 10) / 10;

/**
 * Drive times, routes, nearest facilities and road conditions over the in-memory road graph. The same
 * service runs on both database backends: pgRouting is not needed, the database only stores the graph,
 * the facilities and the conditions.
 */
export class RoutingService {
  private constructor(
    private readonly db: Queryable,
    readonly graph: RoadGraph,
    readonly router: Router,
    readonly conditions: RoadConditions,
    /** What start-up found, for health reports and logs. */
    readonly summary: RoutingSummary,
  ) {}

  static async load(db: Queryable): Promise<RoutingService> {
    const graph = await loadRoadGraph(db);
    const router = new Router(graph);
    const conditions = new RoadConditions(db, graph);
    const loaded = await conditions.load();
    const summary: RoutingSummary = {
      nodes: graph.nodeCount,
      edges: graph.edgeCount,
      routableEdges: router.routable.reduce((n, r) => n + r, 0),
      activeConditions: loaded.applied,
      conditionsOnUnknownEdges: loaded.unknownGids,
    };
    return new RoutingService(db, graph, router, conditions, summary);
  }

  /** The k facilities of a kind that reach (lon, lat) soonest by road, fastest first. */
  async nearestByDrive(lon: number, lat: number, kind: FacilityKind, k: number): Promise<NearestResponse> {
    const origin = this.placeOrFail(lon, lat, '位置');
    const rows = await facilityCandidates(this.db, lon, lat, kind);
    const placed = rows.flatMap((row) => {
      const place = this.router.placeCached(row.lon, row.lat);
      return place ? [{ row, place }] : [];
    });
    const hits = this.router.nearest(
      origin,
      placed.map((p) => p.place),
      k,
    );
    return {
      origin: { lon, lat, snap: this.snapInfo(origin) },
      kind,
      by: 'drive',
      results: hits.map((h) => facility(placed[h.index]!.row, kind, h)),
    };
  }

  /**
   * The k facilities nearest in a straight line (PostGIS KNN), each with its drive time when the road
   * network connects them, so a dispatcher sees when the nearest by distance is not the nearest by road.
   */
  async nearestStraight(lon: number, lat: number, kind: FacilityKind, k: number): Promise<NearestResponse> {
    this.assertInHarbin(lon, lat);
    const rows = await nearestStraight(this.db, lon, lat, kind, k);
    const origin = this.router.place(lon, lat);
    const places = rows.map((r) => (origin ? this.router.placeCached(r.lon, r.lat) : null));
    const usable = places.flatMap((p, i) => (p ? [{ p, i }] : []));
    const drive = new Map<number, { costS: number; distM: number }>();
    if (origin) {
      const hits = this.router.nearest(
        origin,
        usable.map((u) => u.p),
        usable.length,
      );
      for (const h of hits) drive.set(usable[h.index]!.i, h);
    }
    return {
      origin: { lon, lat, snap: origin ? this.snapInfo(origin) : null },
      kind,
      by: 'straight',
      results: rows.map((r, i) => facility(r, kind, drive.get(i) ?? null)),
    };
  }

  /** Fastest drive between two points. */
  route(from: { lon: number; lat: number }, to: { lon: number; lat: number }): RouteResponse {
    const a = this.placeOrFail(from.lon, from.lat, '起点 from');
    const b = this.placeOrFail(to.lon, to.lat, '终点 to');
    const leg = this.router.route(a, b);
    if (!leg) {
      throw new RoutingError(
        'unreachable',
        `从 (${from.lon}, ${from.lat}) 到 (${to.lon}, ${to.lat}) 没有可行驶的路线：道路封闭或单行道把两处隔开了；请检查路况封闭，或换一个起点或终点`,
      );
    }
    return {
      driveTimeS: round1(leg.costS),
      distanceM: round1(leg.distM),
      geometry: { type: 'LineString', coordinates: leg.coordinates },
      edges: leg.gids,
      from: this.snapInfo(a),
      to: this.snapInfo(b),
    };
  }

  /**
   * Stores a road condition on an edge given by gid or by a point on it, and applies it at once. Every refusal (no
   * edge near the point, outside Harbin) is a rejected promise, never a synchronous throw, so callers that only
   * await it see every outcome. `origin` names the agency record the condition comes from, or the department that
   * set it by hand.
   */
  async addCondition(
    input: RoadConditionInput,
    origin: { feedRecordId?: number; ownerDepartment?: string | null } = {},
  ): Promise<RoadCondition> {
    const { lon, lat } = input;
    const gid = input.gid ?? (lon !== undefined && lat !== undefined ? this.gidNear(lon, lat) : undefined);
    if (gid === undefined) throw new RoutingError('unknown_edge', '道路状况需要给出 gid，或同时给出 lon 和 lat');
    const factor = input.closed ? null : (input.factor ?? 1);
    return this.conditions.add(gid, factor, input.reason, origin.feedRecordId ?? null, origin.ownerDepartment ?? null);
  }

  /** The edge nearest to a point, closed or not, in or out of the routable component: the one the point is on. */
  private gidNear(lon: number, lat: number): number {
    this.assertInHarbin(lon, lat);
    const snap = this.router.snaps.nearest(lon, lat, CONDITION_SNAP_M, () => true);
    if (!snap)
      throw new RoutingError('far_from_road', `(${lon}, ${lat}) 周围 ${CONDITION_SNAP_M} 米内没有道路路段；请把位置放在道路上`);
    return this.graph.gid[snap.edge]!;
  }

  clearCondition(id: number, mayLift?: (ownerDepartment: string | null) => void): Promise<RoadCondition> {
    return this.conditions.clear(id, mayLift);
  }

  listConditions(): Promise<RoadCondition[]> {
    return this.conditions.list();
  }

  private assertInHarbin(lon: number, lat: number): void {
    const b = HARBIN_BOUNDS;
    if (lon < b.west || lon > b.east || lat < b.south || lat > b.north) {
      throw new RoutingError(
        'outside_area',
        `(${lon}, ${lat}) 在哈尔滨范围之外（东经 ${b.west}–${b.east}，北纬 ${b.south}–${b.north}）`,
      );
    }
  }

  private placeOrFail(lon: number, lat: number, what: string): Place {
    this.assertInHarbin(lon, lat);
    const place = this.router.place(lon, lat);
    if (!place) {
      throw new RoutingError(
        'far_from_road',
        `${what} (${lon}, ${lat}) 距离最近的可通行道路超过 ${MAX_SNAP_M} 米（可通行路网覆盖哈尔滨中心城区）；请在道路附近另选位置`,
      );
    }
    return place;
  }

  private snapInfo(p: Place): SnapInfo {
    return { lon: p.snap.lon, lat: p.snap.lat, distanceM: round1(p.snap.distM), gid: this.graph.gid[p.snap.edge]! };
  }
}

function facility(row: FacilityRow, kind: FacilityKind, drive: { costS: number; distM: number } | null): NearestFacility {
  return {
    id: row.id,
    name: row.name,
    kind,
    category: row.category,
    lon: row.lon,
    lat: row.lat,
    driveTimeS: drive ? round1(drive.costS) : null,
    distanceM: drive ? round1(drive.distM) : null,
    straightLineM: round1(row.straight_m),
  };
}
