import type { IncidentCategory, NormalisedReport, RoadConditionInput, RoadEffectOutcome } from '../../contracts';
import { FEED_SOURCE_LABELS } from '../../contracts/incidents';
import type { Logger } from 'pino';
import type { Queryable } from '../../geo/db/types';
import type { GeoServices } from '../geo/services';

/**
 * Reports that change how roads can be driven (DOMAIN.md §2: closures, waterlogging, collapse, snow and ice slow or
 * block the affected roads): the road at the reported point gets a road condition, so the very next recommendation
 * and route avoid or slow down on it. Only reports with their own coordinates count; an address is too coarse to
 * pick the road. The condition names its record and is lifted when the record's incident ends.
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

/**
 * Places the road condition of a newly stored record, after its commit. The record stays stored whatever happens
 * here: a point off the road network only means no road is affected, which the sender and the log are told.
 */
export async function applyRoadEffect(
  state: { geo: Pick<GeoServices, 'routing'>; command: { log: Logger } },
  report: NormalisedReport,
  recordId: number,
): Promise<RoadEffectOutcome | null> {
  const effect = roadEffectOf(report);
  if (!effect) return null;
  try {
    const condition = await state.geo.routing.addCondition(effect, { feedRecordId: recordId });
    return { applied: true, conditionId: condition.id, gid: condition.gid };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    state.command.log.warn(
      { err, sourceId: report.sourceId, recordId },
      'the report affects roads, but no road condition could be placed',
    );
    return { applied: false, reason };
  }
}

/**
 * Lifts (marks cleared, with the reason) the active road conditions placed from the records of an incident that has
 * ended, in the caller's transaction; returns them so the caller restores the road graph after commit.
 */
export async function liftRoadEffects(tx: Queryable, incidentId: number, reason: string): Promise<{ id: number; gid: number }[]> {
  const rows = await tx.query<{ id: string; gid: number }>(
    `UPDATE road_condition c SET cleared_at = now(), cleared_reason = $2
       FROM feed_record r
      WHERE c.feed_record_id = r.id AND r.incident_id = $1 AND c.cleared_at IS NULL
      RETURNING c.id, c.gid`,
    [incidentId, reason],
  );
  return rows.map((r) => ({ id: Number(r.id), gid: r.gid }));
}

/** The step note of an ending that lifted road conditions: the operator's note, then what was lifted. */
export function noteWithLifted(note: string | null, lifted: readonly { id: number }[]): string | null {
  if (!lifted.length) return note;
  const what = `解除由本警情设置的道路状况 ${lifted.length} 处（${lifted.map((l) => `#${l.id}`).join('、')}）`;
  return note ? `${note}；${what}` : what;
}
