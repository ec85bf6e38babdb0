import { useEffect, useMemo, useState } from 'react';
import type { CaseSummary } from '../../../contracts/cases';
import { useChangeFeed, type ChangeSource } from '../changes/useChangeFeed';
import { useRealtime } from '../shell/realtime';
import { casesApi, type CaseListFilter } from './api';
import { applyCaseChanges, applyCaseList, caseList, emptyCases, type CaseFeedState } from './case-feed';

export interface CaseFeed {
  cases: CaseSummary[];
  loaded: boolean;
  error: string | null;
  /** Sequence of the last change applied (bumps open details so they re-read too). */
  version: number;
  /** Reads the list again (after the user's own action; live changes need no reload). */
  reload: () => void;
}

/**
 * The case list the signed-in user may see, kept live: read once, then each case change the session's socket
 * delivers on the `cases` layer applied in place (changes/useChangeFeed.ts: deduplicated by sequence, replayed
 * after a reconnect, the list read again only when the server cannot replay the gap).
 */
export function useCases(filter: CaseListFilter): CaseFeed {
  const { socket } = useRealtime();
  const key = JSON.stringify(filter);
  const source = useMemo((): ChangeSource<CaseFeedState> => {
    const f = JSON.parse(key) as CaseListFilter;
    return {
      key,
      layers: ['cases'],
      required: ['cases'],
      empty: () => emptyCases(f),
      apply: (state, changes) => applyCaseChanges(f, state, changes),
      loadError: '案件加载失败',
      load: async () => {
        const list = await casesApi.list(f);
        return (state) => applyCaseList(f, state, list);
      },
    };
  }, [key]);
  const { state, error, reload } = useChangeFeed(socket, source);
  const held = state.cases;
  const cases = useMemo(() => caseList(held.values()), [held]);
  return { cases, loaded: state.loaded, error, version: state.lastSeq, reload };
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
