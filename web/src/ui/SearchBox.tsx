import { useEffect, useState, type KeyboardEvent } from 'react';
import type { GeocodeKind } from '../../../contracts/geocode';
import { geocode, type GeocodeHit } from '../api/endpoints';
import { isAbort } from '../api/http';

const KIND_LABEL: Record<GeocodeKind, string> = {
  poi: '设施',
  road: '道路',
  street: '街道',
  district: '区县',
  place: '地名',
};

const DEBOUNCE_MS = 250;

type Results =
  { status: 'idle' } | { status: 'loading' } | { status: 'done'; hits: GeocodeHit[] } | { status: 'failed'; message: string };

/** Place search (`/api/geo/geocode`): type a name, pick a candidate, the map flies there. */
export function SearchBox({ onPick }: { onPick: (hit: GeocodeHit) => void }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Results>({ status: 'idle' });
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setResults({ status: 'idle' });
      return;
    }
    const ac = new AbortController();
    const timer = window.setTimeout(() => {
      setResults({ status: 'loading' });
      geocode(q, ac.signal).then(
        (hits) => {
          setResults({ status: 'done', hits });
          setActive(0);
        },
        (err: unknown) => {
          if (!isAbort(err)) setResults({ status: 'failed', message: `查询失败：${String(err)}` });
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      ac.abort();
    };
  }, [query]);

  const hits = results.status === 'done' ? results.hits : [];
  const choose = (hit: GeocodeHit | undefined) => {
    if (!hit) return;
    setQuery(hit.name);
    setOpen(false);
    onPick(hit);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown') setActive((i) => Math.min(i + 1, hits.length - 1));
    else if (e.key === 'ArrowUp') setActive((i) => Math.max(i - 1, 0));
    else if (e.key === 'Enter') choose(hits[active]);
    else if (e.key === 'Escape') setOpen(false);
    else return;
    e.preventDefault();
  };

  return (
    <div className="search" role="search">
      <input
        type="search"
        placeholder="搜索地名、道路、街道、设施…"
        aria-label="地名搜索"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={onKeyDown}
      />
      {open && results.status !== 'idle' && (
        <ul className="search-results" role="listbox">
          {results.status === 'loading' && <li className="muted">正在查询…</li>}
          {results.status === 'failed' && <li className="warning">{results.message}</li>}
          {results.status === 'done' && hits.length === 0 && <li className="muted">未找到匹配的地点</li>}
          {hits.map((hit, i) => (
            <li key={`${hit.kind}-${hit.name}-${hit.lon}-${hit.lat}`} role="option" aria-selected={i === active}>
              <button type="button" onMouseDown={(e) => e.preventDefault()} onClick={() => choose(hit)}>
                <span className="search-kind">{KIND_LABEL[hit.kind]}</span>
                <span className="search-name">{hit.name}</span>
                {hit.district && <span className="muted">{hit.district.name}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
