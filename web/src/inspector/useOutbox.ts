import { useCallback, useEffect, useState } from 'react';
import { ApiError, isNetworkError } from '../api/http';
import { casesApi, uploadPhoto } from '../cases/api';
import { Outbox, type OutboxItem, type SendOutcome } from './outbox';
import { browserOutboxStore } from './outbox-idb';

/** Answers that mean "try again later": no connection, gateway away or starting, session to be renewed. */
export function retryLater(err: unknown): boolean {
  if (isNetworkError(err)) return true;
  return err instanceof ApiError && [0, 401, 408, 429, 502, 503, 504].includes(err.status);
}

let shared: Outbox | null = null;

/** The phone's one outbox (one per page load, so two flushes never overlap). */
export function inspectorOutbox(): Outbox {
  shared ??= new Outbox(
    browserOutboxStore(),
    {
      uploadPhoto: async (blob) => (await uploadPhoto(blob, 'report')).id,
      report: async (input) => {
        const r = await casesApi.report(input);
        return { id: r.case.id, code: r.case.code, created: r.created };
      },
    },
    retryLater,
  );
  return shared;
}

const RETRY_MS = 30_000;

/** The outbox's items, kept current, and sending whenever the connection comes back. */
export function useOutbox(): { items: OutboxItem[]; online: boolean; flush: () => Promise<SendOutcome[]>; outbox: Outbox } {
  const outbox = inspectorOutbox();
  const [items, setItems] = useState<OutboxItem[]>([]);
  const [online, setOnline] = useState(() => navigator.onLine);

  const refresh = useCallback(() => {
    void outbox.items().then(setItems);
  }, [outbox]);
  const flush = useCallback(() => outbox.flush(), [outbox]);

  useEffect(() => {
    refresh();
    const off = outbox.subscribe(refresh);
    const up = () => {
      setOnline(true);
      void outbox.flush();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    if (navigator.onLine) void outbox.flush();
    const timer = window.setInterval(() => {
      if (navigator.onLine) void outbox.flush();
    }, RETRY_MS);
    return () => {
      off();
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
      window.clearInterval(timer);
    };
  }, [outbox, refresh]);

  return { items, online, flush, outbox };
}
