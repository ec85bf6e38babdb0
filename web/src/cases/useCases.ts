import { useCallback, useEffect, useRef, useState } from 'react';
import type { CaseSummary } from '../../../contracts/cases';
import { messageOf } from '../identity/client';
import { useSession } from '../identity/session';
import { casesApi, type CaseListFilter } from './api';

/** Re-read at least this often, in case a change was missed while the socket was away. */
const POLL_MS = 15_000;
/** Changes arriving together cost one re-read. */
const DEBOUNCE_MS = 400;

export interface CaseFeed {
  cases: CaseSummary[];
  loaded: boolean;
  error: string | null;
  /** Sequence of the last change heard for a case (bumps open details so they re-read too). */
  version: number;
  reload: () => void;
}

/**
 * The case list the signed-in user may see, kept live: re-read when the session's socket delivers a change on
 * the `cases` layer of the change log, and every few seconds as a fallback.
 */
export function useCases(filter: CaseListFilter): CaseFeed {
  const { socket } = useSession();
  const [cases, setCases] = useState<CaseSummary[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const key = JSON.stringify(filter);
  const reading = useRef(0);

  const reload = useCallback(() => {
    const mine = ++reading.current;
    casesApi
      .list(JSON.parse(key) as CaseListFilter)
      .then((r) => {
        if (mine !== reading.current) return;
        setCases(r.cases);
        setLoaded(true);
        setError(null);
      })
      .catch((err: unknown) => {
        if (mine === reading.current) setError(`案件加载失败：${messageOf(err)}`);
      });
  }, [key]);

  useEffect(() => {
    reload();
    const poll = window.setInterval(reload, POLL_MS);
    return () => window.clearInterval(poll);
  }, [reload]);

  useEffect(() => {
    if (!socket) return;
    let timer: number | null = null;
    const onChanges = (batch: { topic: string }[]) => {
      if (!batch.some((c) => c.topic === 'case')) return;
      setVersion((v) => v + 1);
      if (timer === null)
        timer = window.setTimeout(() => {
          timer = null;
          reload();
        }, DEBOUNCE_MS);
    };
    const subscribe = () => socket.emit('changes:subscribe', { layers: ['cases'], areas: [], since: null }, () => undefined);
    socket.on('changes', onChanges);
    socket.on('connect', subscribe);
    if (socket.connected) subscribe();
    return () => {
      if (timer !== null) window.clearTimeout(timer);
      socket.off('changes', onChanges);
      socket.off('connect', subscribe);
    };
  }, [socket, reload]);

  return { cases, loaded, error, version, reload };
}

/** A clock that ticks every `ms`, so SLA tones move on while a page stays open. */
export function useNow(ms = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = window.setInterval(() => setNow(new Date()), ms);
    return () => window.clearInterval(t);
  }, [ms]);
  return now;
}
