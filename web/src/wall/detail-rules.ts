import type { Incident, IncidentStep, RecommendationResponse, UnitType } from '../../../contracts/incidents';
import { minSec } from './format';

/** Pure rules of the incident detail: which steps show, and what the map routes for the recommended units. */

/** Steps shown before 显示全部: the latest ones, so that the current state is always in view. */
export const RECENT_STEPS = 5;

/** The steps to show: all of them, or the latest `RECENT_STEPS` with the number left out before them. */
export function recentSteps(steps: readonly IncidentStep[], all: boolean): { shown: IncidentStep[]; earlier: number } {
  if (all || steps.length <= RECENT_STEPS) return { shown: [...steps], earlier: 0 };
  return { shown: steps.slice(-RECENT_STEPS), earlier: steps.length - RECENT_STEPS };
}

export interface RouteRequest {
  unitId: string;
  callsign: string;
  type: UnitType;
  /** The recommendation's ETA (seconds). */
  etaS: number;
  from: [number, number];
  to: [number, number];
}

/** What to route: each recommended unit with a position, from the unit to the incident, in the list's order. */
export function routeRequests(incident: Pick<Incident, 'place'>, recs: RecommendationResponse): RouteRequest[] {
  return recs.byType.flatMap((group) =>
    group.units.flatMap((r) =>
      r.unit.lon === null || r.unit.lat === null
        ? []
        : [
            {
              unitId: r.unit.id,
              callsign: r.unit.callsign,
              type: r.unit.type,
              etaS: r.etaS,
              from: [r.unit.lon, r.unit.lat] as [number, number],
              to: [incident.place.lon, incident.place.lat] as [number, number],
            },
          ],
    ),
  );
}

/** The ETA label at a route's unit end: 约 m:ss. */
export const etaLabel = (etaS: number) => `约 ${minSec(etaS)}`;
