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

/**
 * The command wall's picture of the world, kept by a pure reducer so that it can be tested without a browser:
 * a snapshot read over HTTP, then the change log applied on top of it, each change at most once.
 *
 * Changes are deduplicated twice: by `seq` against a window of recently applied sequences (a change can be
 * delivered twice when two gateway processes relay it, or replayed by a catch-up overlap), and per entity against
 * the sequence of the version already held, so that a late, older change never overwrites a newer version.
 */

/** How many applied sequences are remembered for deduplication. */
export const SEQ_WINDOW = 20_000;

/** States in which an incident has left the wall's list. */
export const FINISHED_STATES: readonly IncidentState[] = ['closed', 'cancelled'];

export const isFinished = (status: IncidentState): boolean => FINISHED_STATES.includes(status);

export type EntityTopic = 'incident' | 'unit' | 'gauge';

export interface FeedState {
  /** True once a snapshot has been applied. */
  loaded: boolean;
  /** Incidents still on the wall (every state but closed and cancelled), by id. */
  incidents: ReadonlyMap<number, Incident>;
  units: ReadonlyMap<string, Unit>;
  gauges: ReadonlyMap<string, GaugeReading>;
  mode: ModeState | null;
  /**
   * Sequence of the version held of each entity changed after the snapshot, keyed `incident:12`, `unit:abc`,
   * `gauge:xyz`; entries stay for incidents that left the list, so that a late older change cannot bring them back.
   */
  versions: ReadonlyMap<string, number>;
  /** Sequences of the snapshot's reads: a change at or below them is already in it. */
  baseline: Readonly<Record<EntityTopic, number>>;
  /** Recently applied sequences (at most `SEQ_WINDOW`). */
  seen: ReadonlySet<number>;
  /** Where to resume the change log: the snapshot's sequence, then the highest sequence applied since. */
  lastSeq: number;
}

export interface FeedSnapshot {
  incidents: readonly Incident[];
  /** The change-log head when the incidents were read. */
  incidentsSeq: number;
  units: readonly Unit[];
  unitsSeq: number;
  /** Gauge readings carry no sequence: every later change replaces them. */
  gauges?: readonly GaugeReading[];
}

export function emptyFeed(): FeedState {
  return {
    loaded: false,
    incidents: new Map(),
    units: new Map(),
    gauges: new Map(),
    mode: null,
    versions: new Map(),
    baseline: { incident: 0, unit: 0, gauge: 0 },
    seen: new Set(),
    lastSeq: 0,
  };
}

export const entityKey = (topic: EntityTopic, id: string | number): string => `${topic}:${id}`;

const topicOfKey = (key: string): EntityTopic => key.slice(0, key.indexOf(':')) as EntityTopic;

/**
 * Replaces the picture with a snapshot. Whatever the state already holds in a version newer than the snapshot's
 * read (changes applied after it, e.g. while a reset reload was under way) is kept: newer always wins.
 */
export function applySnapshot(state: FeedState, snap: FeedSnapshot): FeedState {
  const baseline: Record<EntityTopic, number> = { incident: snap.incidentsSeq, unit: snap.unitsSeq, gauge: 0 };
  // Versions at or below the new baseline are implied by it; only newer ones still mean something.
  const versions = new Map<string, number>();
  for (const [key, seq] of state.versions) if (seq > baseline[topicOfKey(key)]) versions.set(key, seq);
  const newer = (topic: EntityTopic, id: string | number) => versions.has(entityKey(topic, id));

  const incidents = new Map<number, Incident>();
  for (const inc of snap.incidents) if (!newer('incident', inc.id) && !isFinished(inc.status)) incidents.set(inc.id, inc);
  for (const [id, inc] of state.incidents) if (newer('incident', id)) incidents.set(id, inc);

  const units = new Map<string, Unit>();
  for (const unit of snap.units) if (!newer('unit', unit.id)) units.set(unit.id, unit);
  for (const [id, unit] of state.units) if (newer('unit', id)) units.set(id, unit);

  const gauges = new Map<string, GaugeReading>();
  if (snap.gauges) {
    for (const g of snap.gauges) if (!newer('gauge', g.stationId)) gauges.set(g.stationId, g);
    for (const [id, g] of state.gauges) if (newer('gauge', id)) gauges.set(id, g);
  } else {
    for (const [id, g] of state.gauges) gauges.set(id, g);
  }

  return {
    ...state,
    loaded: true,
    incidents,
    units,
    gauges,
    versions,
    baseline,
    lastSeq: Math.min(snap.incidentsSeq, snap.unitsSeq),
  };
}

/** Applies changes (in any order, duplicates allowed). Maps that no change touched keep their identity. */
export function applyChanges(state: FeedState, changes: readonly Change[]): FeedState {
  if (changes.length === 0) return state;
  const sorted = [...changes].sort((a, b) => a.seq - b.seq);
  let seen: Set<number> | null = null;
  let versions: Map<string, number> | null = null;
  let incidents: Map<number, Incident> | null = null;
  let units: Map<string, Unit> | null = null;
  let gauges: Map<string, GaugeReading> | null = null;
  let mode = state.mode;
  let lastSeq = state.lastSeq;

  // Whether the change is newer than the version held of its entity; records it as held if so.
  const claim = (topic: EntityTopic, id: string | number, seq: number): boolean => {
    const key = entityKey(topic, id);
    const held = Math.max((versions ?? state.versions).get(key) ?? -1, state.baseline[topic]);
    if (seq <= held) return false;
    versions ??= new Map(state.versions);
    versions.set(key, seq);
    return true;
  };

  for (const change of sorted) {
    if (!Number.isInteger(change.seq) || (seen ?? state.seen).has(change.seq)) continue;
    seen ??= new Set(state.seen);
    seen.add(change.seq);
    lastSeq = Math.max(lastSeq, change.seq);
    if (change.incident) {
      const inc = change.incident;
      if (!claim('incident', inc.id, change.seq)) continue;
      incidents ??= new Map(state.incidents);
      if (isFinished(inc.status)) incidents.delete(inc.id);
      else incidents.set(inc.id, inc);
    } else if (change.unit) {
      const unit = change.unit;
      if (!claim('unit', unit.id, change.seq)) continue;
      units ??= new Map(state.units);
      units.set(unit.id, unit);
    } else if (change.gauge) {
      const gauge = change.gauge;
      if (!claim('gauge', gauge.stationId, change.seq)) continue;
      gauges ??= new Map(state.gauges);
      gauges.set(gauge.stationId, gauge);
    } else if (change.mode && (!mode || change.mode.seq >= mode.seq)) {
      mode = change.mode;
    }
  }

  if (!seen) return state;
  if (seen.size > SEQ_WINDOW) seen = trimSeen(seen);
  return {
    ...state,
    incidents: incidents ?? state.incidents,
    units: units ?? state.units,
    gauges: gauges ?? state.gauges,
    mode,
    versions: versions ?? state.versions,
    seen,
    lastSeq,
  };
}

/** Keeps the newest three quarters of the window, so trimming happens once every few thousand changes. */
function trimSeen(seen: Set<number>): Set<number> {
  const keep = Math.floor(SEQ_WINDOW * 0.75);
  return new Set([...seen].sort((a, b) => b - a).slice(0, keep));
}

/**
 * Applies the answer to `changes:subscribe`. When the server could not replay the gap (`reset`), nothing is
 * applied and the caller must reload the snapshot (and subscribe again from its sequence).
 */
export function applyCatchUp(state: FeedState, catchUp: ChangesCatchUp): { state: FeedState; reset: boolean } {
  if (catchUp.reset) return { state, reset: true };
  return { state: applyChanges(state, catchUp.changes), reset: false };
}

/** A new mode state replaces the held one unless it is older. */
export function applyMode(state: FeedState, mode: ModeState): FeedState {
  if (state.mode && mode.seq < state.mode.seq) return state;
  return { ...state, mode };
}

/** The sequence to subscribe from. */
export const resumeSeq = (state: FeedState): number => state.lastSeq;

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

/** Open incidents in queue order, as an array. */
export const incidentList = (state: FeedState): Incident[] => [...state.incidents.values()];
