import { useEffect, useState } from 'react';
import { hashOf, pageOfHash, type PageId } from './routes';

/** Opens a page: sets its hash (the map: drops the hash), so Back returns to the page before. */
export function goTo(page: PageId): void {
  const hash = hashOf(page);
  if (hash) window.location.hash = hash;
  else {
    window.history.pushState(null, '', window.location.pathname + window.location.search);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  }
}

/** The page the address names, following hash changes. */
export function useCurrentPage(): PageId {
  const [page, setPage] = useState(() => pageOfHash(window.location.hash));
  useEffect(() => {
    const sync = () => setPage(pageOfHash(window.location.hash));
    window.addEventListener('hashchange', sync);
    return () => window.removeEventListener('hashchange', sync);
  }, []);
  return page;
}
