import { useCallback, useEffect, useRef, useState } from 'react';
import type { Change, ChangeLayer, Incident, ModeProfile, ModeState, Unit } from '../../../contracts/incidents';
import { STALE_AFTER_MS } from '../../../contracts/realtime';
import { messageOf } from '../identity/client';
import type { RealtimeSocket } from '../identity/session';
import { wallApi } from './api';
import { applyChanges, applyMode, applySnapshot, emptyFeed, rankIncidents, resumeSeq, type FeedState } from './feed-state';

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
}
/** Changes are applied in batches, at most this often, so that a burst re-renders once. */
const FLUSH_MS = 80;
const SNAPSHOT_RETRY_MS = 3000;
const ACK_TIMEOUT_MS = 8000;
const SUBSCRIBE_RETRY_MS = 2000;
const MAX_RESETS = 3;
const ARRIVAL_TTL_MS = 10 * 60_000;
const STATUS_TICK_MS = 250;
/** Silence after which the connection shows stale: checked every tick, so this flips by `STALE_AFTER_MS` at the latest. */
const STALE_AT_MS = STALE_AFTER_MS - STATUS_TICK_MS;

/**
 * The wall's live data: loads the snapshot (open and resolved incidents, units, gauges, mode), subscribes to the
 * change log from the snapshot's sequence on the session's socket, applies the catch-up and every `change` after
 * it (deduplicated by the pure reducer in feed-state.ts), subscribes again from the last applied sequence after
 * every reconnect, and reloads the snapshot when the server says the gap cannot be replayed.
 */
export function useCommandFeed(socket: RealtimeSocket | null, access: FeedAccess): CommandFeed {
  const feedRef = useRef<FeedState>(emptyFeed());
  const [feed, setFeed] = useState<FeedState>(feedRef.current);
  const [profiles, setProfiles] = useState<ModeProfile[]>([]);
  const profilesRef = useRef<ModeProfile[]>([]);
  const heardRef = useRef<number | null>(null);
  const [lastHeardAt, setLastHeardAt] = useState<number | null>(null);
  const [connection, setConnection] = useState<ConnectionState>('stale');
  const [socketConnected, setSocketConnected] = useState(false);
  const [arrivals, setArrivals] = useState<ReadonlyMap<number, number>>(() => new Map());
  const [error, setError] = useState<string | null>(null);

  const commit = useCallback((next: FeedState) => {
    if (next === feedRef.current) return;
    feedRef.current = next;
    setFeed(next);
  }, []);

  const noteArrivals = useCallback((ids: number[]) => {
    if (ids.length === 0) return;
    const now = Date.now();
    setArrivals((prev) => {
      const next = new Map<number, number>();
      for (const [id, at] of prev) if (now - at < ARRIVAL_TTL_MS) next.set(id, at);
      for (const id of ids) if (!next.has(id)) next.set(id, now);
      return next;
    });
  }, []);

  const { units: readUnits, gauges: readGauges } = access;
  useEffect(() => {
    let disposed = false;
    let pending: Change[] = [];
    let layers: ChangeLayer[] = [
      'incidents',
      ...(readUnits ? ['units' as const] : []),
      ...(readGauges ? ['gauges' as const] : []),
    ];
    let loading = false;
    let firstSnapshot = true;
    let subscription = 0;
    let flushTimer: number | null = null;
    let retryTimer: number | null = null;

    const heard = () => {
      heardRef.current = Date.now();
    };

    const updateStatus = () => {
      const at = heardRef.current;
      // A closed socket is stale at once (the gateway went away); an open one after a silence.
      const live = !!socket?.connected && at !== null && Date.now() - at < STALE_AT_MS;
      setConnection(live ? 'connected' : 'stale');
      setLastHeardAt(at);
    };

    const newIncidentIds = (before: FeedState, after: FeedState): number[] => {
      if (after.incidents === before.incidents) return [];
      const ids: number[] = [];
      for (const id of after.incidents.keys()) if (!before.incidents.has(id)) ids.push(id);
      return ids;
    };

    const flush = () => {
      flushTimer = null;
      if (disposed || loading || !feedRef.current.loaded || pending.length === 0) return;
      const batch = pending;
      pending = [];
      const before = feedRef.current;
      const after = applyChanges(before, batch);
      noteArrivals(newIncidentIds(before, after));
      commit(after);
    };

    const scheduleFlush = () => {
      if (flushTimer === null) flushTimer = window.setTimeout(flush, FLUSH_MS);
    };

    const later = (fn: () => void, ms: number) => {
      if (retryTimer !== null) window.clearTimeout(retryTimer);
      retryTimer = window.setTimeout(() => {
        retryTimer = null;
        if (!disposed) fn();
      }, ms);
    };

    const loadSnapshot = async (): Promise<boolean> => {
      loading = true;
      try {
        const [open, resolved, units, gauges, mode] = await Promise.all([
          wallApi.incidents('open'),
          // Resolved incidents wait on the wall for 结束; a server without that filter just leaves them out.
          wallApi.incidents('resolved').catch(() => null),
          readUnits ? wallApi.units() : null,
          readGauges ? wallApi.gauges().catch(() => null) : null,
          wallApi.mode().catch(() => null),
        ]);
        if (disposed) return false;
        // An incident in both lists moved between the reads: the later read wins.
        const reads = resolved ? [open, resolved].sort((a, b) => a.seq - b.seq) : [open];
        const byId = new Map<number, Incident>();
        for (const read of reads) for (const inc of read.incidents) byId.set(inc.id, inc);
        const before = feedRef.current;
        let next = applySnapshot(before, {
          incidents: [...byId.values()],
          incidentsSeq: Math.min(...reads.map((r) => r.seq)),
          units: units?.units ?? [],
          unitsSeq: units?.seq ?? open.seq,
          ...(gauges ? { gauges } : {}),
        });
        if (mode) {
          profilesRef.current = mode.profiles;
          setProfiles(mode.profiles);
          next = applyMode(next, mode.state);
        }
        // Incidents that opened during a gap long enough to need a reload are news too.
        if (!firstSnapshot) noteArrivals(newIncidentIds(before, next));
        firstSnapshot = false;
        commit(next);
        setError(null);
        return true;
      } catch (err) {
        if (!disposed) setError(`警情数据加载失败：${messageOf(err)}`);
        return false;
      } finally {
        loading = false;
      }
    };

    const subscribe = (resets = 0) => {
      if (disposed || !socket?.connected || loading || !feedRef.current.loaded) return;
      const mine = ++subscription;
      const request = { layers, areas: [], since: resumeSeq(feedRef.current) };
      socket.timeout(ACK_TIMEOUT_MS).emit('changes:subscribe', request, (err, ack) => {
        if (disposed || mine !== subscription) return;
        if (err) {
          later(() => subscribe(resets), SUBSCRIBE_RETRY_MS);
          return;
        }
        heard();
        updateStatus();
        if (!ack.ok) {
          // A layer the policy refuses this role: keep the incidents live at least.
          if (ack.error.code === 'forbidden' && layers.length > 1) {
            layers = ['incidents'];
            subscribe(resets);
            return;
          }
          setError(`实时订阅被拒绝：${ack.error.message}`);
          return;
        }
        if (ack.data.reset) {
          if (resets >= MAX_RESETS) {
            setError('实时数据无法追平，请刷新页面');
            return;
          }
          void loadSnapshot().then((ok) => {
            if (disposed) return;
            scheduleFlush();
            if (ok) subscribe(resets + 1);
            else later(() => subscribe(resets + 1), SNAPSHOT_RETRY_MS);
          });
          return;
        }
        pending.push(...ack.data.changes);
        flush();
      });
    };

    const start = async () => {
      const ok = await loadSnapshot();
      if (disposed) return;
      if (!ok) {
        later(() => void start(), SNAPSHOT_RETRY_MS);
        return;
      }
      scheduleFlush();
      subscribe();
    };

    const onChanges = (batch: Change[]) => {
      heard();
      pending.push(...batch);
      scheduleFlush();
    };
    const onHead = () => heard();
    const onMode = (state: ModeState) => {
      heard();
      commit(applyMode(feedRef.current, state));
    };
    const onConnect = () => {
      setSocketConnected(true);
      // Resume from the last applied sequence (the snapshot's, before any change).
      if (feedRef.current.loaded && !loading) subscribe();
    };
    const onDisconnect = () => {
      setSocketConnected(false);
      subscription++;
      updateStatus();
    };

    if (socket) {
      socket.on('changes', onChanges);
      socket.on('changes:head', onHead);
      socket.on('mode:changed', onMode);
      socket.on('connect', onConnect);
      socket.on('disconnect', onDisconnect);
      setSocketConnected(socket.connected);
    }
    const statusTimer = window.setInterval(updateStatus, STATUS_TICK_MS);
    void start();

    return () => {
      disposed = true;
      window.clearInterval(statusTimer);
      if (flushTimer !== null) window.clearTimeout(flushTimer);
      if (retryTimer !== null) window.clearTimeout(retryTimer);
      if (socket) {
        socket.off('changes', onChanges);
        socket.off('changes:head', onHead);
        socket.off('mode:changed', onMode);
        socket.off('connect', onConnect);
        socket.off('disconnect', onDisconnect);
      }
    };
  }, [socket, readUnits, readGauges, commit, noteArrivals]);

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

  const applyModeState = useCallback((state: ModeState) => commit(applyMode(feedRef.current, state)), [commit]);

  return { feed, profiles, connection, lastHeardAt, socketConnected, arrivals, error, applyModeState };
}
