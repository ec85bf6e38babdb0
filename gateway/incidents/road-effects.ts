import type { IncidentCategory, NormalisedReport, RoadConditionInput } from '../../contracts';
import { FEED_SOURCE_LABELS } from '../../contracts/incidents';

/**
 * Reports that change how roads can be driven (DOMAIN.md §2: closures, waterlogging, collapse, snow and ice slow or
 * block the affected roads): the road at the reported point gets a road condition, so the very next recommendation
 * and route avoid or slow down on it. Only reports with their own coordinates count; an address is too coarse to
 * pick the road.
 */
const EFFECTS: Partial<Record<IncidentCategory, { closed: true } | { factor: number }>> = {
  road_closure: { closed: true },
  // A waterlogged street is still passable for emergency vehicles, at walking pace.
  waterlogging: { factor: 5 },
};

export function roadEffectOf(report: NormalisedReport): RoadConditionInput | null {
  const effect = EFFECTS[report.category];
  if (!effect || !report.point) return null;
  return {
    lon: report.point.lon,
    lat: report.point.lat,
    ...effect,
    reason: `${report.title}（${FEED_SOURCE_LABELS[report.source]} ${report.sourceId}）`.slice(0, 200),
  };
}
