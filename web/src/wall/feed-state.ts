import type {
  Change,
  ChangesCatchUp,
  GaugeReading,
  Incident,
  IncidentState,
  ModeProfile,
  ModeState,
  Unit,
} from '../../../contracts/incidents';
import * as feed from '../changes/feed';
import { SIREN_LAYER_RULES, type SirenLayers, type sirenSnapshot } from '../airdefense/feed-rules';
import { RESPONSE_LAYER_RULES, type ResponseLayers, type responseSnapshot } from '../responses/feed-rules';
import { SHELTER_LAYER_RULES, type ShelterLayers, type shelterSnapshot } from '../shelters/feed-rules';
import { WARNING_LAYER_RULES, type WarningLayers, type warningSnapshot } from '../warnings/feed-rules';

/**
 * The command wall's picture of the world: open and resolved incidents, units and gauges kept from the change log
 * by the shared reducer of changes/feed.ts (snapshot, then each change at most once, newer versions winning), plus
 * the system mode.
 */

export { SEQ_WINDOW, resumeSeq } from '../changes/feed';

/** States in which an incident has left the wall's list. */
const FINISHED_STATES: readonly IncidentState[] = ['closed', 'cancelled'];

const isFinished = (status: IncidentState): boolean => FINISHED_STATES.includes(status);

type WallLayers = {
  incidents: { item: Incident; key: number };
  units: { item: Unit; key: string };
  gauges: { item: GaugeReading; key: string };
} & ResponseLayers &
  WarningLayers &
  SirenLayers &
  ShelterLayers;

const RULES: feed.LayerRules<WallLayers> = {
  // Incidents still on the wall: every state but closed and cancelled.
  incidents: { of: (c) => c.incident, id: (inc) => inc.id, keeps: (inc) => !isFinished(inc.status) },
  units: { of: (c) => c.unit, id: (unit) => unit.id, keeps: () => true },
  gauges: { of: (c) => c.gauge, id: (g) => g.stationId, keeps: () => true },
  ...RESPONSE_LAYER_RULES,
  ...WARNING_LAYER_RULES,
  ...SIREN_LAYER_RULES,
  ...SHELTER_LAYER_RULES,
};

export type FeedState = feed.ChangeFeedState<WallLayers> & { readonly mode: ModeState | null };

export interface FeedSnapshot {
  incidents: readonly Incident[];
  /** The change-log head when the incidents were read. */
  incidentsSeq: number;
  units: readonly Unit[];
  unitsSeq: number;
  /** Gauge readings carry no sequence: every later change replaces them. */
  gauges?: readonly GaugeReading[];
  /** Active responses, open suggestions and their tasks (web/src/responses/feed-rules.ts), when the role reads them. */
  responses?: ReturnType<typeof responseSnapshot>;
  /** Public warnings in force (web/src/warnings/feed-rules.ts). */
  warnings?: ReturnType<typeof warningSnapshot>;
  /** Sirens and recent siren commands (web/src/airdefense/feed-rules.ts), when the role reads them. */
  sirens?: ReturnType<typeof sirenSnapshot>;
  /** Shelters with their opening state and occupancy (web/src/shelters/feed-rules.ts), when the role reads them. */
  shelters?: ReturnType<typeof shelterSnapshot>;
}

export function emptyFeed(): FeedState {
  return { ...feed.emptyFeed(RULES), mode: null };
}

/** Replaces the picture with a snapshot (newer versions held win; gauges left out keep what is held). */
export function applySnapshot(state: FeedState, snap: FeedSnapshot): FeedState {
  return feed.applySnapshot(RULES, state, {
    incidents: { items: snap.incidents, seq: snap.incidentsSeq },
    units: { items: snap.units, seq: snap.unitsSeq },
    ...(snap.gauges ? { gauges: { items: snap.gauges, seq: null } } : {}),
    ...snap.responses,
    ...snap.warnings,
    ...snap.sirens,
    ...snap.shelters,
  });
}

/** Applies changes (in any order, duplicates allowed). Maps that no change touched keep their identity. */
export function applyChanges(state: FeedState, changes: readonly Change[]): FeedState {
  const next = feed.applyChanges(RULES, state, changes);
  let mode = next.mode;
  for (const change of changes) {
    if (!change.mode || state.seen.has(change.seq) || !next.seen.has(change.seq)) continue;
    if (!mode || change.mode.seq >= mode.seq) mode = change.mode;
  }
  return mode === next.mode ? next : { ...next, mode };
}

/**
 * Applies the answer to `changes:subscribe`. When the server could not replay the gap (`reset`), nothing is
 * applied and the caller must reload the snapshot (and subscribe again from its sequence).
 */
export function applyCatchUp(state: FeedState, catchUp: ChangesCatchUp): { state: FeedState; reset: boolean } {
  return feed.applyCatchUp(applyChanges, state, catchUp);
}

/** A new mode state replaces the held one unless it is older. */
export function applyMode(state: FeedState, mode: ModeState): FeedState {
  if (state.mode && mode.seq < state.mode.seq) return state;
  return { ...state, mode };
}

/** An incident's priority for ranking in the current mode: its common priority plus the mode's category boost. */
export function rankPriority(incident: Incident, profile: ModeProfile | null | undefined): number {
  return incident.priority + (profile?.priorityBoost[incident.category] ?? 0);
}

/**
 * The queue order: incidents still being handled before resolved ones awaiting 结束, then by mode-boosted
 * priority (highest first), then by age (oldest first), then by id.
 */
export function rankIncidents(incidents: Iterable<Incident>, profile: ModeProfile | null | undefined): Incident[] {
  const list = [...incidents];
  const time = (inc: Incident) => Date.parse(inc.firstReportedAt) || 0;
  return list.sort(
    (a, b) =>
      Number(a.status === 'resolved') - Number(b.status === 'resolved') ||
      rankPriority(b, profile) - rankPriority(a, profile) ||
      time(a) - time(b) ||
      a.id - b.id,
  );
}
