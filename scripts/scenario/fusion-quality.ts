import type { FeedSource } from '../../contracts/incidents';
import { fuse, type FusionCandidate, type FusionRules } from '../../gateway/incidents/fusion';
import type { TruthReport } from './truth';

/**
 * How well fusion groups agency records into incidents, against ground truth: pairwise precision and recall.
 * A pair of records is "same event" in the truth and "same incident" in a result; precision is the share of
 * same-incident pairs that are truly one event, recall the share of same-event pairs that ended in one incident.
 */

/** Ground truth: one real event and the records about it. */
export interface FusionTruthEvent {
  id: string;
  reports: readonly TruthReport[];
}

export interface FusionQuality {
  events: number;
  records: number;
  incidents: number;
  /** Pairs of records that belong to one event. */
  truthPairs: number;
  /** Pairs of records put into one incident. */
  predictedPairs: number;
  /** Pairs that are both. */
  truePairs: number;
  /** truePairs / predictedPairs (1 when nothing was merged). */
  precision: number;
  /** truePairs / truthPairs (1 when no event had two records). */
  recall: number;
  f1: number;
  /** Events whose records ended in more than one incident. */
  eventsSplit: number;
  /** Events that share an incident with a record of another event. */
  eventsMergedWrongly: number;
  /** Incidents holding records of more than one event. */
  mixedIncidents: number;
}

export const recordKey = (r: Pick<TruthReport, 'source' | 'sourceId'>) => `${r.source}\u0000${r.sourceId}`;

const pairs = (n: number) => (n * (n - 1)) / 2;

/**
 * Scores an assignment of records to incidents. Records `incidentOf` returns null for (not delivered, say) are
 * left out of every count.
 */
export function scoreAssignment(
  events: readonly FusionTruthEvent[],
  incidentOf: (report: TruthReport) => string | number | null,
): FusionQuality {
  const byEvent = new Map<string, Map<string, number>>();
  const byIncident = new Map<string, Map<string, number>>();
  let records = 0;
  for (const event of events) {
    for (const report of event.reports) {
      const found = incidentOf(report);
      if (found === null) continue;
      const incident = String(found);
      records++;
      const e = byEvent.get(event.id) ?? new Map<string, number>();
      e.set(incident, (e.get(incident) ?? 0) + 1);
      byEvent.set(event.id, e);
      const i = byIncident.get(incident) ?? new Map<string, number>();
      i.set(event.id, (i.get(event.id) ?? 0) + 1);
      byIncident.set(incident, i);
    }
  }
  let truthPairs = 0;
  let truePairs = 0;
  let eventsSplit = 0;
  const merged = new Set<string>();
  for (const incidents of byEvent.values()) {
    let size = 0;
    for (const n of incidents.values()) {
      size += n;
      truePairs += pairs(n);
    }
    truthPairs += pairs(size);
    if (incidents.size > 1) eventsSplit++;
  }
  let predictedPairs = 0;
  let mixedIncidents = 0;
  for (const members of byIncident.values()) {
    let size = 0;
    for (const n of members.values()) size += n;
    predictedPairs += pairs(size);
    if (members.size > 1) {
      mixedIncidents++;
      for (const id of members.keys()) merged.add(id);
    }
  }
  const precision = predictedPairs === 0 ? 1 : truePairs / predictedPairs;
  const recall = truthPairs === 0 ? 1 : truePairs / truthPairs;
  return {
    events: byEvent.size,
    records,
    incidents: byIncident.size,
    truthPairs,
    predictedPairs,
    truePairs,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    eventsSplit,
    eventsMergedWrongly: merged.size,
    mixedIncidents,
  };
}

/**
 * Replays ground truth through the gateway's own fusion function (`fuse`, gateway/incidents/fusion.ts) in memory:
 * records in arrival order (report time, then the order given — what the simulator sends), each compared with the
 * earlier records within the rules' time window, every incident still open (nobody closes one during a replay).
 * Returns the incident number of each record by `recordKey`.
 *
 * The gateway fuses on the located point: GCJ-02 converted back to WGS-84 (exact to millimetres) or, for an
 * address-only record, the geocoded address. This replay uses each report's truth point instead, which in the
 * `load` scenario already carries the agency's position jitter (10–150 m from the event) — address-only records
 * included, as if the geocoder had put them within the same jitter (the scenario only sends an address alone when
 * the event is within 150 m of the named landmark). So the replay measures the fusion rules, not the geocoder.
 */
export function replayFusion(events: readonly FusionTruthEvent[], rules: FusionRules): Map<string, number> {
  const all = events.flatMap((e) => e.reports).map((report, order) => ({ report, order }));
  all.sort((a, b) => a.report.at.getTime() - b.report.at.getTime() || a.order - b.order);
  const incidentOf = new Map<string, number>();
  const sources = new Map<number, Set<FeedSource>>();
  // Earlier records, oldest first; those older than the window can no longer match and are dropped from the front.
  const open: FusionCandidate[] = [];
  let head = 0;
  let nextId = 1;
  for (const { report } of all) {
    const probe = { source: report.source, category: report.category, lon: report.lon, lat: report.lat, reportedAt: report.at };
    const t = report.at.getTime();
    while (head < open.length && t - open[head]!.reportedAt.getTime() > rules.windowMs) head++;
    const match = fuse(rules, probe, open.slice(head), (id) => sources.get(id) ?? new Set());
    const incidentId = match ? match.incidentId : nextId++;
    incidentOf.set(recordKey(report), incidentId);
    const set = sources.get(incidentId) ?? new Set<FeedSource>();
    set.add(report.source);
    sources.set(incidentId, set);
    open.push({ ...probe, incidentId });
  }
  return incidentOf;
}

/** Pairwise precision, recall and F1 of the gateway's fusion on ground truth, replayed in memory (see `replayFusion`). */
export function measureFusionQuality(events: readonly FusionTruthEvent[], rules: FusionRules): FusionQuality {
  const assignment = replayFusion(events, rules);
  return scoreAssignment(events, (r) => assignment.get(recordKey(r)) ?? null);
}

/** One line for a summary. */
export function formatQuality(q: FusionQuality): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return (
    `precision ${pct(q.precision)}, recall ${pct(q.recall)}, F1 ${pct(q.f1)} — ${q.records} records of ${q.events} events ` +
    `in ${q.incidents} incidents; ${q.eventsSplit} events split, ${q.eventsMergedWrongly} events merged wrongly ` +
    `(${q.mixedIncidents} mixed incidents); pairs: ${q.truePairs} correct of ${q.predictedPairs} merged, ${q.truthPairs} true`
  );
}
