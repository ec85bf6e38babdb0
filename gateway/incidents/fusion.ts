import { readFileSync } from 'node:fs';
import path from 'node:path';
import { distance } from '@turf/turf';
import { z } from 'zod';
import {
  FEED_SOURCE_LABELS,
  INCIDENT_CATEGORIES,
  INCIDENT_CATEGORY_LABELS,
  UNIT_TYPES,
  type FeedSource,
  type IncidentCategory,
  type UnitType,
} from '../../contracts/incidents';

const category = z.enum(INCIDENT_CATEGORIES);
const rulesSchema = z.object({
  version: z.number().int(),
  maxDistanceM: z.number().positive(),
  windowMinutes: z.number().positive(),
  threshold: z.number().min(0).max(1),
  weights: z.object({ distance: z.number().min(0), time: z.number().min(0), category: z.number().min(0) }),
  sameCategory: z.number().min(0).max(1),
  compatible: z.array(z.tuple([category, category, z.number().gt(0).max(1)])),
  neededUnits: z.record(category, z.array(z.enum(UNIT_TYPES)).min(1)),
});

/** The fusion rules of data/fusion-rules.json, with the compatibility table as a lookup. */
export interface FusionRules {
  maxDistanceM: number;
  windowMs: number;
  threshold: number;
  weights: { distance: number; time: number; category: number };
  compatibility(a: IncidentCategory, b: IncidentCategory): number;
  neededUnits(c: IncidentCategory): UnitType[];
}

export function loadFusionRules(file = path.resolve(__dirname, '../../data/fusion-rules.json')): FusionRules {
  const raw = rulesSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const sum = raw.weights.distance + raw.weights.time + raw.weights.category;
  if (Math.abs(sum - 1) > 1e-9) throw new Error(`${file}: the weights must add up to 1 (they add up to ${sum})`);
  const pairs = new Map<string, number>();
  for (const [a, b, v] of raw.compatible) {
    pairs.set(`${a}|${b}`, v);
    pairs.set(`${b}|${a}`, v);
  }
  return {
    maxDistanceM: raw.maxDistanceM,
    windowMs: raw.windowMinutes * 60_000,
    threshold: raw.threshold,
    weights: raw.weights,
    compatibility: (a, b) => (a === b ? raw.sameCategory : (pairs.get(`${a}|${b}`) ?? 0)),
    neededUnits: (c) => raw.neededUnits[c] ?? ['police_car'],
  };
}

/** A report about to be fused. */
export interface FusionProbe {
  source: FeedSource;
  category: IncidentCategory;
  lon: number;
  lat: number;
  reportedAt: Date;
}

/** A record already linked to an open incident, near the probe in space and time. */
export interface FusionCandidate extends FusionProbe {
  incidentId: number;
}

export interface FusionMatch {
  incidentId: number;
  score: number;
  reason: string;
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** The score of a probe against one record, or null when they cannot be one event. */
export function pairScore(
  rules: FusionRules,
  probe: FusionProbe,
  other: FusionProbe,
): { score: number; distanceM: number; minutes: number; compat: number } | null {
  const compat = rules.compatibility(probe.category, other.category);
  if (compat <= 0) return null;
  const distanceM = distance([probe.lon, probe.lat], [other.lon, other.lat], { units: 'meters' });
  if (distanceM > rules.maxDistanceM) return null;
  const dt = Math.abs(probe.reportedAt.getTime() - other.reportedAt.getTime());
  if (dt > rules.windowMs) return null;
  const w = rules.weights;
  const score = w.distance * (1 - distanceM / rules.maxDistanceM) + w.time * (1 - dt / rules.windowMs) + w.category * compat;
  return { score, distanceM, minutes: dt / 60_000, compat };
}

/**
 * The open incident a report belongs to, or null for a new incident: the best score over every candidate
 * record, among incidents that have no record from the probe's own agency, at or above the threshold.
 * `sourcesOf` lists the agencies already in each incident.
 */
export function fuse(
  rules: FusionRules,
  probe: FusionProbe,
  candidates: readonly FusionCandidate[],
  sourcesOf: (incidentId: number) => ReadonlySet<FeedSource>,
): FusionMatch | null {
  let best: (FusionMatch & { raw: number }) | null = null;
  for (const c of candidates) {
    if (sourcesOf(c.incidentId).has(probe.source)) continue;
    const s = pairScore(rules, probe, c);
    if (!s || s.score < rules.threshold) continue;
    if (best && (s.score < best.raw || (s.score === best.raw && c.incidentId > best.incidentId))) continue;
    best = {
      incidentId: c.incidentId,
      raw: s.score,
      score: round2(s.score),
      reason:
        `与${FEED_SOURCE_LABELS[c.source]}报告相距 ${Math.round(s.distanceM)} 米、相隔 ${s.minutes.toFixed(1)} 分钟，` +
        `类别${INCIDENT_CATEGORY_LABELS[probe.category]}/${INCIDENT_CATEGORY_LABELS[c.category]}相容度 ${round2(s.compat)}，` +
        `综合得分 ${round2(s.score)}（阈值 ${rules.threshold}）`,
    };
  }
  return best ? { incidentId: best.incidentId, score: best.score, reason: best.reason } : null;
}

export const OPENING_REASON = '首报：附近无可合并的警情，新建警情';

/** An open incident of the same category nearby that fusion passed over because the probe's agency already reported it. */
export interface Lookalike {
  incidentId: number;
  source: FeedSource;
  distanceM: number;
  minutes: number;
}

/**
 * The incident a new report most looks like among those fusion skipped for holding a record from the same agency:
 * same category, within the distance and time window, scoring at or above the threshold. Such a report may be a
 * second event or the agency's own duplicate; an operator decides (疑似重复), fusion does not.
 */
export function lookalike(
  rules: FusionRules,
  probe: FusionProbe,
  candidates: readonly FusionCandidate[],
  sourcesOf: (incidentId: number) => ReadonlySet<FeedSource>,
): Lookalike | null {
  let best: (Lookalike & { score: number }) | null = null;
  for (const c of candidates) {
    if (c.category !== probe.category || !sourcesOf(c.incidentId).has(probe.source)) continue;
    const s = pairScore(rules, probe, c);
    if (!s || s.score < rules.threshold) continue;
    if (best && (s.score < best.score || (s.score === best.score && c.incidentId > best.incidentId))) continue;
    best = { incidentId: c.incidentId, source: probe.source, distanceM: s.distanceM, minutes: s.minutes, score: s.score };
  }
  return best && { incidentId: best.incidentId, source: best.source, distanceM: best.distanceM, minutes: best.minutes };
}

/** The opening reason of a report that looks like incident `incidentId` (its final id) of its own agency. */
export function lookalikeReason(l: Lookalike, incidentId: number): string {
  return (
    `首报：与${FEED_SOURCE_LABELS[l.source]}已报的同类警情 #${incidentId} 相距 ${Math.round(l.distanceM)} 米、` +
    `相隔 ${l.minutes.toFixed(1)} 分钟，同一机构的报告不自动合并，新建警情并标为疑似重复`
  );
}
