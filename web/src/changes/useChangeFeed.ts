import { useCallback, useEffect, useRef, useState } from 'react';
import type { Change, ChangeLayer } from '../../../contracts/incidents';
import { messageOf } from '../api/http';
import type { RealtimeSocket } from '../api/socket';
import { applyCatchUp, resumeSeq } from './feed';

/** What a page follows on the change log, and how its picture is read and kept. */
export interface ChangeSource<S extends { loaded: boolean; lastSeq: number }> {
  /** Names the picture (its layers, its filter): a new key starts again from an empty state. */
  key: string;
  /** The layers to subscribe to; when the policy refuses one of them, only `required` are kept. */
  layers: readonly ChangeLayer[];
  required: readonly ChangeLayer[];
  empty(): S;
  /** Reads the snapshot over HTTP; resolves with how to lay it over the state held. */
  load(): Promise<(state: S) => S>;
  /** Applies changes (any order, duplicates allowed): the pure reducer. */
  apply(state: S, changes: readonly Change[]): S;
  /** Start of the message shown when the snapshot cannot be read, e.g. `警情数据加载失败`. */
  loadError: string;
}

export interface ChangeFeed<S> {
  state: S;
  error: string | null;
  socketConnected: boolean;
  /** When the gateway was last heard from on this feed (change, heartbeat, acknowledgement), epoch ms. */
  heardAt(): number | null;
  /** Notes that the gateway was heard from otherwise (another live event of the page). */
  heard(): void;
  /** Applies a change of the picture learnt otherwise (e.g. the answer to a command). */
  update(fn: (state: S) => S): void;
  /** Reads the snapshot again, keeping the subscription (newer versions held still win). */
  reload(): void;
}

/** Changes are applied in batches, at most this often, so that a burst re-renders once. */
const FLUSH_MS = 80;
const SNAPSHOT_RETRY_MS = 3000;
const ACK_TIMEOUT_MS = 8000;
const SUBSCRIBE_RETRY_MS = 2000;
const MAX_RESETS = 3;

/**
 * A page's live picture from the change log: loads the snapshot, subscribes on the session's socket from the
 * snapshot's sequence, applies the catch-up and every `changes` batch after it (deduplicated by the source's pure
 * reducer), subscribes again from the last applied sequence after every reconnect, and reloads the snapshot only
 * when the server says the gap cannot be replayed. The server keeps one change subscription per socket: one feed
 * per page.
 */
export function useChangeFeed<S extends { loaded: boolean; lastSeq: number }>(
  socket: RealtimeSocket | null,
  source: ChangeSource<S>,
): ChangeFeed<S> {
  const sourceRef = useRef(source);
  sourceRef.current = source;
  const stateRef = useRef<S | null>(null);
  stateRef.current ??= source.empty();
  const [state, setState] = useState<S>(stateRef.current);
  const [error, setError] = useState<string | null>(null);
  const [socketConnected, setSocketConnected] = useState(false);
  const heardRef = useRef<number | null>(null);
  const reloadRef = useRef<() => void>(() => undefined);
  const keyRef = useRef(source.key);

  const commit = useCallback((next: S) => {
    if (next === stateRef.current) return;
    stateRef.current = next;
    setState(next);
  }, []);

  const { key } = source;
  useEffect(() => {
    const src = sourceRef.current;
    const current = () => stateRef.current ?? src.empty();
    // Another picture starts empty; a new socket (a reconnected session) resumes the one held.
    if (keyRef.current !== key) {
      keyRef.current = key;
      commit(src.empty());
    }
    let disposed = false;
    let pending: Change[] = [];
    let layers = [...src.layers];
    let loading = false;
    let subscription = 0;
    let flushTimer: number | null = null;
    let retryTimer: number | null = null;

    const heard = () => {
      heardRef.current = Date.now();
    };

    const flush = () => {
      flushTimer = null;
      if (disposed || loading || !current().loaded || pending.length === 0) return;
      const batch = pending;
      pending = [];
      commit(src.apply(current(), batch));
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
        const lay = await src.load();
        if (disposed) return false;
        commit(lay(current()));
        setError(null);
        return true;
      } catch (err) {
        if (!disposed) setError(`${src.loadError}：${messageOf(err)}`);
        return false;
      } finally {
        loading = false;
      }
    };

    const subscribe = (resets = 0) => {
      if (disposed || !socket?.connected || loading || !current().loaded) return;
      const mine = ++subscription;
      const request = { layers, areas: [], since: resumeSeq(current()) };
      socket.timeout(ACK_TIMEOUT_MS).emit('changes:subscribe', request, (err, ack) => {
        if (disposed || mine !== subscription) return;
        if (err) {
          later(() => subscribe(resets), SUBSCRIBE_RETRY_MS);
          return;
        }
        heard();
        if (!ack.ok) {
          // A layer the policy refuses this role: keep the required ones live at least.
          if (ack.error.code === 'forbidden' && layers.length > src.required.length) {
            layers = [...src.required];
            subscribe(resets);
            return;
          }
          setError(`实时订阅被拒绝：${ack.error.message}`);
          return;
        }
        const caught = applyCatchUp(src.apply, current(), ack.data);
        if (!caught.reset) {
          commit(caught.state);
          flush();
          return;
        }
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
    reloadRef.current = () => {
      if (loading) return;
      void loadSnapshot().then(() => !disposed && scheduleFlush());
    };

    const onChanges = (batch: Change[]) => {
      heard();
      pending.push(...batch);
      scheduleFlush();
    };
    const onConnect = () => {
      setSocketConnected(true);
      // Resume from the last applied sequence (the snapshot's, before any change).
      if (current().loaded && !loading) subscribe();
    };
    const onDisconnect = () => {
      setSocketConnected(false);
      subscription++;
    };

    if (socket) {
      socket.on('changes', onChanges);
      socket.on('changes:head', heard);
      socket.on('connect', onConnect);
      socket.on('disconnect', onDisconnect);
      setSocketConnected(socket.connected);
    }
    void start();

    return () => {
      disposed = true;
      reloadRef.current = () => undefined;
      if (flushTimer !== null) window.clearTimeout(flushTimer);
      if (retryTimer !== null) window.clearTimeout(retryTimer);
      if (socket) {
        socket.off('changes', onChanges);
        socket.off('changes:head', heard);
        socket.off('connect', onConnect);
        socket.off('disconnect', onDisconnect);
      }
    };
  }, [socket, key, commit]);

  const heardAt = useCallback(() => heardRef.current, []);
  const heard = useCallback(() => {
    heardRef.current = Date.now();
  }, []);
  const update = useCallback((fn: (s: S) => S) => stateRef.current && commit(fn(stateRef.current)), [commit]);
  const reload = useCallback(() => reloadRef.current(), []);

  return { state, error, socketConnected, heardAt, heard, update, reload };
}
