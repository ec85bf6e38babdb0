import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EvacuationArea, EvacuationPlan } from '../../contracts/evacuation';
import type { Queryable } from '../db/types';
import { validityReason } from '../ogc/cql2/validity';
import type { RoadGraph } from '../routing/graph';
import type { Router } from '../routing/router';
import { nearestAssignment, optimalAssignment, type WalkArc } from './assign';
import { MAX_WALK_S, WALK_SPEED_MS, WalkNetwork, type Anchor } from './walk';

const sql = (name: string) => readFileSync(path.join(__dirname, name), 'utf8');
const CELLS_SQL = sql('plan-cells.sql');
const SHELTERS_SQL = sql('plan-shelters.sql');

/** Each cell is offered its nearest shelters by walking time, up to this many (the LP's columns per cell). */
const SHELTERS_PER_CELL = 8;
/** Shelters looked at lie within this straight distance of a cell (a 30-minute walk cannot go further). */
const SEARCH_RADIUS_M = Math.ceil(MAX_WALK_S * WALK_SPEED_MS);

/** An area the caller named wrongly: unknown code, invalid polygon, nothing in it. The message is for people. */
export class PlanInputError extends Error {}

export interface PlanContext {
  db: Queryable;
  graph: RoadGraph;
  router: Router;
}

export interface PlanOptions {
  variant: 'night' | 'day';
  shelters: 'all' | 'underground';
  routes: boolean;
  /** People other plans already send to a shelter (city-wide planning district by district). */
  reserved?: ReadonlyMap<string, number>;
}

const networks = new WeakMap<RoadGraph, WalkNetwork>();
const networkOf = (ctx: PlanContext) => {
  let n = networks.get(ctx.graph);
  if (!n) networks.set(ctx.graph, (n = new WalkNetwork(ctx.graph, ctx.router)));
  return n;
};

interface CellRow {
  code: string;
  street_code: string;
  night: number;
  day: number;
  lon: number;
  lat: number;
}
interface ShelterRow {
  id: string;
  name: string;
  kind: string;
  capacity: number;
  available: number;
  lon: number;
  lat: number;
}

type ResolvedArea = EvacuationPlan['area'] & { sqlKind: 'district' | 'street' | 'polygon'; sqlArg: string };

async function resolveArea(db: Queryable, area: EvacuationArea): Promise<ResolvedArea> {
  if ('district' in area) {
    const [d] = await db.query<{ name: string }>('SELECT name FROM district WHERE adcode = $1', [area.district]);
    if (!d) throw new PlanInputError(`没有区县代码为 ${area.district} 的区县`);
    return { kind: 'district', code: area.district, name: d.name, sqlKind: 'district', sqlArg: area.district };
  }
  if ('street' in area) {
    const [s] = await db.query<{ name: string; district_name: string }>(
      'SELECT name, district_name FROM street WHERE code = $1',
      [area.street],
    );
    if (!s) throw new PlanInputError(`没有街道代码为 ${area.street} 的街道`);
    return { kind: 'street', code: area.street, name: `${s.district_name}${s.name}`, sqlKind: 'street', sqlArg: area.street };
  }
  const geojson = JSON.stringify(area);
  const [check] = await db
    .query<{ reason: string }>(
      `SELECT CASE WHEN ST_IsValid(g) THEN CASE WHEN ST_Area(g::geography) < 1 THEN 'empty' ELSE 'ok' END
                 ELSE ST_IsValidReason(g) END AS reason
       FROM ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g`,
      [geojson],
    )
    .catch(() => [{ reason: 'unreadable' }]);
  if (check?.reason === 'empty') throw new PlanInputError('多边形面积为零，请画出一个有面积的范围');
  if (check?.reason !== 'ok') {
    const why = !check || check.reason === 'unreadable' ? '无法读取' : validityReason(check.reason);
    throw new PlanInputError(`多边形无效（${why}），请检查是否自相交或未闭合`);
  }
  return { kind: 'polygon', code: null, name: '自绘范围', sqlKind: 'polygon', sqlArg: geojson };
}

/**
 * The evacuation and sheltering plan of an area: every populated cell's people assigned to shelters within their
 * capacity with the least total walking on the road network (transportation LP), beside the usual practice of
 * sending everyone to the nearest shelter. Walks are searched one-to-many from each shelter, no further than
 * `MAX_WALK_S`; people beyond every shelter's reach, or for whom no room is left, are reported unassigned.
 */
export async function evacuationPlan(ctx: PlanContext, areaInput: EvacuationArea, opts: PlanOptions): Promise<EvacuationPlan> {
  const t0 = Date.now();
  const area = await resolveArea(ctx.db, areaInput);
  const cells = await ctx.db.query<CellRow>(CELLS_SQL, [area.sqlKind, area.sqlArg]);
  if (!cells.length) throw new PlanInputError(`${area.name}内没有有人口的网格`);
  const population = cells.map((c) => (opts.variant === 'day' ? c.day : c.night));
  const points = JSON.stringify({ type: 'MultiPoint', coordinates: cells.map((c) => [c.lon, c.lat]) });
  const shelters = await ctx.db.query<ShelterRow>(SHELTERS_SQL, [points, SEARCH_RADIUS_M, opts.shelters === 'underground']);
  const available = shelters.map((s) => Math.max(0, s.available - (opts.reserved?.get(s.id) ?? 0)));

  const net = networkOf(ctx);
  const cellAnchors = cells.map((c) => net.place(c.lon, c.lat));
  const shelterAnchors = shelters.map((s) => net.place(s.lon, s.lat));
  const byCell: WalkArc[][] = cells.map(() => []);
  shelterAnchors.forEach((anchor, j) => {
    if (!anchor) return;
    const tree = net.treeFrom(anchor, MAX_WALK_S);
    cellAnchors.forEach((ca, i) => {
      if (!ca) return;
      const walkS = net.walkS(tree, ca);
      if (walkS <= MAX_WALK_S) byCell[i]!.push({ cell: i, shelter: j, walkS: Math.round(walkS) });
    });
  });
  const arcs = byCell.flatMap((list) =>
    list.sort((a, b) => a.walkS - b.walkS || a.shelter - b.shelter).slice(0, SHELTERS_PER_CELL),
  );

  const best = await optimalAssignment(population, available, arcs);
  const usual = nearestAssignment(population, available, arcs);

  const streetNames = new Map(
    (
      await ctx.db.query<{ code: string; name: string }>('SELECT code, name FROM street WHERE code = ANY($1::text[])', [
        [...new Set(cells.map((c) => c.street_code))],
      ])
    ).map((s) => [s.code, s.name]),
  );
  const cellOut: EvacuationPlan['cells'] = cells.map((c, i) => ({
    gridCode: c.code,
    street: c.street_code,
    lon: c.lon,
    lat: c.lat,
    population: population[i]!,
    unassigned: best.unassignedByCell[i]!,
    to: [],
  }));
  for (const f of best.flows) cellOut[f.cell]!.to.push({ shelterId: shelters[f.shelter]!.id, people: f.people, walkS: f.walkS });

  const streets = new Map<string, EvacuationPlan['streets'][number] & { by: Map<string, number> }>();
  cellOut.forEach((c) => {
    let s = streets.get(c.street);
    if (!s)
      streets.set(
        c.street,
        (s = {
          code: c.street,
          name: streetNames.get(c.street) ?? c.street,
          population: 0,
          unassigned: 0,
          to: [],
          by: new Map(),
        }),
      );
    s.population += c.population;
    s.unassigned += c.unassigned;
    for (const t of c.to) s.by.set(t.shelterId, (s.by.get(t.shelterId) ?? 0) + t.people);
  });

  const routes: EvacuationPlan['routes'] = [];
  if (opts.routes) {
    const flowsByShelter = new Map<number, typeof best.flows>();
    for (const f of best.flows) flowsByShelter.set(f.shelter, [...(flowsByShelter.get(f.shelter) ?? []), f]);
    for (const [j, flows] of flowsByShelter) {
      const tree = net.treeFrom(shelterAnchors[j]!, Math.max(...flows.map((f) => f.walkS)) + 5);
      for (const f of flows) {
        const coords = net.path(tree, cellAnchors[f.cell] as Anchor);
        const round = (p: [number, number]): [number, number] => [Math.round(p[0] * 1e5) / 1e5, Math.round(p[1] * 1e5) / 1e5];
        routes.push({
          gridCode: cells[f.cell]!.code,
          shelterId: shelters[j]!.id,
          people: f.people,
          coordinates: [
            round([cells[f.cell]!.lon, cells[f.cell]!.lat]),
            ...coords.map(round),
            round([shelters[j]!.lon, shelters[j]!.lat]),
          ],
        });
      }
    }
  }

  const used = new Set([...best.flows, ...usual.flows].map((f) => f.shelter));
  return {
    area: { kind: area.kind, code: area.code, name: area.name },
    variant: opts.variant,
    walkSpeedMs: WALK_SPEED_MS,
    maxWalkLimitS: MAX_WALK_S,
    computeMs: Date.now() - t0,
    population: best.population,
    unassigned: best.unassigned,
    totalWalkS: best.totalWalkS,
    maxWalkS: best.maxWalkS,
    shelters: shelters.flatMap((s, j) =>
      used.has(j)
        ? [
            {
              id: s.id,
              name: s.name,
              kind: s.kind,
              lon: s.lon,
              lat: s.lat,
              capacity: s.capacity,
              available: available[j]!,
              assigned: best.assignedByShelter[j]!,
              baselineAssigned: usual.assignedByShelter[j]!,
            },
          ]
        : [],
    ),
    cells: cellOut,
    streets: [...streets.values()].map(({ by, ...s }) => ({
      ...s,
      to: [...by.entries()].sort((a, b) => b[1] - a[1]).map(([shelterId, people]) => ({ shelterId, people })),
    })),
    routes,
    baseline: {
      population: usual.population,
      unassigned: usual.unassigned,
      totalWalkS: usual.totalWalkS,
      maxWalkS: usual.maxWalkS,
      overloaded: usual.overloaded,
    },
  };
}
