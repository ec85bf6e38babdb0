import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ChangeLayer, Incident, ModeProfile, ModeState, Unit } from '../../../contracts/incidents';
import { STALE_AFTER_MS } from '../../../contracts/realtime';
import type { RealtimeSocket } from '../api/socket';
import { useChangeFeed, type ChangeSource } from '../changes/useChangeFeed';
import { airdefenseApi } from '../airdefense/api';
import { sirenSnapshot } from '../airdefense/feed-rules';
import { responsesApi } from '../responses/api';
import { responseSnapshot } from '../responses/feed-rules';
import { fetchShelters } from '../shelters/api';
import { shelterSnapshot } from '../shelters/feed-rules';
import { warningsApi } from '../warnings/api';
import { warningSnapshot } from '../warnings/feed-rules';
import { wallApi } from './api';
import { applyChanges, applyMode, applySnapshot, emptyFeed, rankIncidents, type FeedState } from './feed-state';

export type ConnectionState = 'connected' | 'stale';

export interface CommandFeed {
  feed: FeedState;
  /** Mode profiles served with the mode (empty until loaded). */
  profiles: ModeProfile[];
  /** `connected` while heartbeats or changes arrive; `stale` when the gateway has been silent for `STALE_AFTER_MS`. */
  connection: ConnectionState;
  /** When the gateway was last heard from (heartbeat, change, acknowledgement), epoch ms. */
  lastHeardAt: number | null;
  socketConnected: boolean;
  /** Incidents that appeared live (not in the first snapshot), with the time they appeared. */
  arrivals: ReadonlyMap<number, number>;
  error: string | null;
  /** Applies a mode state learnt otherwise (the answer to a mode change). */
  applyModeState(state: ModeState): void;
}

declare global {
  interface Window {
    /** The wall's live data, for browser tests. */
    __harbinWall?: { incidents: () => Incident[]; units: () => Unit[]; lastSeq: () => number };
  }
}

/** Which of the optional layers the role may read (`unit.read`, `gauge.read`): the others are not asked for. */
export interface FeedAccess {
  units: boolean;
  gauges: boolean;
  /** `response.read`: emergency responses, suggestions and their tasks. */
  responses?: boolean;
  /** `airdefense.siren.read`: sirens and siren commands. */
  sirens?: boolean;
  /** `shelter.read`: shelters with their opening state and occupancy. */
  shelters?: boolean;
}
const ARRIVAL_TTL_MS = 10 * 60_000;
const STATUS_TICK_MS = 250;
/** Silence after which the connection shows stale: checked every tick, so this flips by `STALE_AFTER_MS` at the latest. */
const STALE_AT_MS = STALE_AFTER_MS - STATUS_TICK_MS;

/**
 * The wall's live data: the change feed (changes/useChangeFeed.ts) of incidents and the units and gauges the role
 * may read, over a snapshot of open and resolved incidents, units, gauges and the mode; mode changes pushed on
 * their own; the connection state from what the gateway last said; incidents that appeared live.
 */
export function useCommandFeed(socket: RealtimeSocket | null, access: FeedAccess): CommandFeed {
  const [profiles, setProfiles] = useState<ModeProfile[]>([]);
  const profilesRef = useRef<ModeProfile[]>([]);
  const { units: readUnits, gauges: readGauges, responses: readResponses = false, sirens: readSirens = false } = access;
  const readShelters = access.shelters ?? false;
  const source = useMemo(
    () =>
      wallSource(
        { units: readUnits, gauges: readGauges, responses: readResponses, sirens: readSirens, shelters: readShelters },
        (p) => {
          profilesRef.current = p;
          setProfiles(p);
        },
      ),
    [readUnits, readGauges, readResponses, readSirens, readShelters],
  );
  const live = useChangeFeed(socket, source);
  const { state: feed, heardAt, heard, update, socketConnected } = live;
  const feedRef = useRef(feed);
  feedRef.current = feed;
  const arrivals = useArrivals(feed);

  const [lastHeardAt, setLastHeardAt] = useState<number | null>(null);
  const [connection, setConnection] = useState<ConnectionState>('stale');
  useEffect(() => {
    const updateStatus = () => {
      const at = heardAt();
      // A closed socket is stale at once (the gateway went away); an open one after a silence.
      const alive = !!socket?.connected && at !== null && Date.now() - at < STALE_AT_MS;
      setConnection(alive ? 'connected' : 'stale');
      setLastHeardAt(at);
    };
    const timer = window.setInterval(updateStatus, STATUS_TICK_MS);
    return () => window.clearInterval(timer);
  }, [socket, heardAt]);

  useEffect(() => {
    if (!socket) return;
    const onMode = (state: ModeState) => {
      heard();
      update((f) => applyMode(f, state));
    };
    socket.on('mode:changed', onMode);
    return () => {
      socket.off('mode:changed', onMode);
    };
  }, [socket, heard, update]);

  useEffect(() => {
    window.__harbinWall = {
      incidents: () => {
        const f = feedRef.current;
        const profile = profilesRef.current.find((p) => p.id === f.mode?.mode) ?? null;
        return rankIncidents(f.incidents.values(), profile);
      },
      units: () => [...feedRef.current.units.values()],
      lastSeq: () => feedRef.current.lastSeq,
    };
    return () => {
      delete window.__harbinWall;
    };
  }, []);

  const applyModeState = useCallback((state: ModeState) => update((f) => applyMode(f, state)), [update]);

  return { feed, profiles, connection, lastHeardAt, socketConnected, arrivals, error: live.error, applyModeState };
}

/** The wall's change source: the layers the role may read, and the snapshot with the mode and its profiles. */
function wallSource(access: FeedAccess, onProfiles: (profiles: ModeProfile[]) => void): ChangeSource<FeedState> {
  const layers: ChangeLayer[] = [
    'incidents',
    ...(access.units ? ['units' as const] : []),
    ...(access.gauges ? ['gauges' as const] : []),
    ...(access.responses ? (['responses', 'response_tasks'] as const) : []),
    // Public warnings are readable by every role.
    'warnings',
    ...(access.sirens ? ['sirens' as const] : []),
    ...(access.shelters ? ['shelters' as const] : []),
  ];
  return {
    key: layers.join(','),
    layers,
    required: ['incidents'],
    empty: emptyFeed,
    apply: applyChanges,
    loadError: '警情数据加载失败',
    async load() {
      const [open, resolved, units, gauges, mode, responses, warnings, sirens, shelters] = await Promise.all([
        wallApi.incidents('open'),
        // Resolved incidents wait on the wall for 结束; a server without that filter just leaves them out.
        wallApi.incidents('resolved').catch(() => null),
        access.units ? wallApi.units() : null,
        access.gauges ? wallApi.gauges().catch(() => null) : null,
        wallApi.mode().catch(() => null),
        access.responses ? Promise.all([responsesApi.active(), responsesApi.suggestions()]).catch(() => null) : null,
        warningsApi.active().catch(() => null),
        access.sirens ? Promise.all([airdefenseApi.sirens(), airdefenseApi.commands()]).catch(() => null) : null,
        access.shelters ? fetchShelters().catch(() => null) : null,
      ]);
      // An incident in both lists moved between the reads: the later read wins.
      const reads = resolved ? [open, resolved].sort((a, b) => a.seq - b.seq) : [open];
      const byId = new Map<number, Incident>();
      for (const read of reads) for (const inc of read.incidents) byId.set(inc.id, inc);
      if (mode) onProfiles(mode.profiles);
      return (state) => {
        const next = applySnapshot(state, {
          incidents: [...byId.values()],
          incidentsSeq: Math.min(...reads.map((r) => r.seq)),
          units: units?.units ?? [],
          unitsSeq: units?.seq ?? open.seq,
          ...(gauges ? { gauges } : {}),
          ...(responses ? { responses: responseSnapshot(...responses) } : {}),
          ...(warnings ? { warnings: warningSnapshot(warnings) } : {}),
          ...(sirens ? { sirens: sirenSnapshot(...sirens) } : {}),
          ...(shelters ? { shelters: shelterSnapshot(shelters) } : {}),
        });
        return mode ? applyMode(next, mode.state) : next;
      };
    },
  };
}

/** Incidents that appeared live (not in the first snapshot; after a reset reload too), with when they appeared. */
function useArrivals(feed: FeedState): ReadonlyMap<number, number> {
  const [arrivals, setArrivals] = useState<ReadonlyMap<number, number>>(() => new Map());
  const before = useRef(feed);
  useEffect(() => {
    const prev = before.current;
    before.current = feed;
    if (!prev.loaded || prev.incidents === feed.incidents) return;
    const ids: number[] = [];
    for (const id of feed.incidents.keys()) if (!prev.incidents.has(id)) ids.push(id);
    if (ids.length === 0) return;
    const now = Date.now();
    setArrivals((old) => {
      const next = new Map<number, number>();
      for (const [id, at] of old) if (now - at < ARRIVAL_TTL_MS) next.set(id, at);
      for (const id of ids) if (!next.has(id)) next.set(id, now);
      return next;
    });
  }, [feed]);
  return arrivals;
}
