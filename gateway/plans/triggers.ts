import { INCIDENT_CATEGORY_LABELS, OPEN_STATES, type IncidentCategory, type IncidentState } from '../../contracts/incidents';
import {
  levelRank,
  RESPONSE_LEVEL_NUMERALS,
  WARNING_COLOR_LABELS,
  warningRank,
  type Plan,
  type ResponseLevel,
  type TriggerCondition,
  type WarningColor,
} from '../../contracts/plans';

/**
 * Trigger matching: which plans a fact (an incident as it now stands, a gauge reading, a public warning) calls for,
 * at which level and why. Pure: no clock, no database; the suggestion service (gateway/responses/suggestions.ts)
 * feeds it every committed incident and gauge change.
 */

export interface IncidentFact {
  kind: 'incident';
  id: number;
  status: IncidentState;
  category: IncidentCategory;
  priority: number;
  /** Agencies that reported it (after fusion). */
  agencies: number;
  /** Most people hurt or trapped any of its records reports; null when none says. */
  casualties: number | null;
  title: string;
}
export interface GaugeFact {
  kind: 'gauge';
  stationId: string;
  name: string;
  river: string;
  waterLevelM: number | null;
  rainfallMm: number | null;
  warningLevelM: number | null;
  guaranteeLevelM: number | null;
}
export interface WarningFact {
  kind: 'warning';
  id: string;
  hazard: string;
  color: WarningColor;
}
export type TriggerFact = IncidentFact | GaugeFact | WarningFact;

export interface TriggerMatch {
  planId: string;
  planVersion: number;
  level: ResponseLevel;
  /** 符合《…》Ⅲ级启动条件：… (with the facts that met it). */
  reason: string;
  basis: { kind: 'incident' | 'gauge' | 'warning'; key: string };
  incidentIds: number[];
}

/** Does one condition hold for the fact? Fields left out of the condition are not asked. */
export function conditionHolds(c: TriggerCondition, fact: TriggerFact): boolean {
  const aboutIncident =
    c.categories || c.minPriority !== undefined || c.minAgencies !== undefined || c.minCasualties !== undefined;
  if (fact.kind === 'incident') {
    if (!aboutIncident || c.gauge || c.rainfall || c.warning) return false;
    if (!OPEN_STATES.includes(fact.status)) return false;
    if (c.categories && !c.categories.includes(fact.category)) return false;
    if (c.minPriority !== undefined && fact.priority < c.minPriority) return false;
    if (c.minAgencies !== undefined && fact.agencies < c.minAgencies) return false;
    if (c.minCasualties !== undefined && (fact.casualties ?? 0) < c.minCasualties) return false;
    return true;
  }
  if (aboutIncident) return false;
  if (fact.kind === 'gauge') {
    if (c.gauge) {
      if (!c.gauge.stations.includes(fact.stationId) || fact.waterLevelM === null) return false;
      const base = c.gauge.reach === 'warning' ? fact.warningLevelM : fact.guaranteeLevelM;
      // Compared in centimetres, as gauges report: 118.1 + 1.0 must equal a reading of 119.10.
      return base !== null && Math.round(fact.waterLevelM * 100) >= Math.round((base + c.gauge.aboveM) * 100);
    }
    if (c.rainfall) {
      if (c.rainfall.stations && !c.rainfall.stations.includes(fact.stationId)) return false;
      return fact.rainfallMm !== null && fact.rainfallMm >= c.rainfall.minMm;
    }
    return false;
  }
  if (!c.warning) return false;
  return c.warning.hazards.includes(fact.hazard) && warningRank(fact.color) >= warningRank(c.warning.minColor);
}

const m = (v: number) => `${v.toFixed(2)} 米`;

/** The facts behind a match, in words, after the trigger's own text. */
function describe(fact: TriggerFact): string {
  if (fact.kind === 'incident') {
    return (
      `警情 #${fact.id}「${fact.title}」，${INCIDENT_CATEGORY_LABELS[fact.category]}，优先级 ${fact.priority}，` +
      `${fact.agencies} 个部门报警${fact.casualties ? `，伤亡/被困 ${fact.casualties} 人` : ''}`
    );
  }
  if (fact.kind === 'gauge') {
    const parts = [`${fact.name}站（${fact.river}）`];
    if (fact.waterLevelM !== null) parts.push(`水位 ${m(fact.waterLevelM)}`);
    if (fact.warningLevelM !== null) parts.push(`警戒水位 ${m(fact.warningLevelM)}`);
    if (fact.guaranteeLevelM !== null) parts.push(`保证水位 ${m(fact.guaranteeLevelM)}`);
    if (fact.rainfallMm !== null) parts.push(`时段降水量 ${fact.rainfallMm} 毫米`);
    return parts.join('，');
  }
  return `${fact.hazard}${WARNING_COLOR_LABELS[fact.color]}预警`;
}

/**
 * For each plan, the most severe level whose trigger holds (the first such trigger of the plan names the reason);
 * plans with none are left out. Ordered by level, most severe first, then by plan id.
 */
export function matchPlans(plans: readonly Plan[], fact: TriggerFact): TriggerMatch[] {
  const out: TriggerMatch[] = [];
  for (const plan of plans) {
    let best: { level: ResponseLevel; text: string } | null = null;
    for (const t of plan.triggers) {
      if (!conditionHolds(t.when, fact)) continue;
      if (!best || levelRank(t.level) > levelRank(best.level)) best = { level: t.level, text: t.text };
    }
    if (!best) continue;
    out.push({
      planId: plan.id,
      planVersion: plan.version,
      level: best.level,
      reason: `符合《${plan.title}》${RESPONSE_LEVEL_NUMERALS[best.level]}级启动条件：${best.text}（${describe(fact)}）`,
      basis: {
        kind: fact.kind,
        key: fact.kind === 'incident' ? String(fact.id) : fact.kind === 'gauge' ? fact.stationId : fact.id,
      },
      incidentIds: fact.kind === 'incident' ? [fact.id] : [],
    });
  }
  return out.sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.planId.localeCompare(b.planId));
}
