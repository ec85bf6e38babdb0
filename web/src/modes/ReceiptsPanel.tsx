import { memo, useEffect, useState } from 'react';
import { ORDER_KIND_LABELS, type OrderReceipt, type ReceiptsResponse } from '../../../contracts/modes';
import { modesApi } from './api';

/** How often the list is read again (the elapsed times tick locally every second in between). */
const REFRESH_MS = 5000;

/** Seconds as m:ss, or h:mm:ss from an hour on. */
export function clock(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The receipt clocks, re-read every few seconds and whenever `refreshKey` changes (a change on the wall's feed). */
function useReceipts(refreshKey: unknown): { data: ReceiptsResponse | null; readAt: number; error: string | null } {
  const [state, setState] = useState<{ data: ReceiptsResponse | null; readAt: number; error: string | null }>({
    data: null,
    readAt: Date.now(),
    error: null,
  });
  useEffect(() => {
    const abort = new AbortController();
    const read = () =>
      modesApi.receipts(abort.signal).then(
        (data) => setState({ data, readAt: Date.now(), error: null }),
        (err: unknown) => !abort.signal.aborted && setState((s) => ({ ...s, error: String(err) })),
      );
    void read();
    const timer = window.setInterval(() => void read(), REFRESH_MS);
    return () => {
      abort.abort();
      window.clearInterval(timer);
    };
  }, [refreshKey]);
  return state;
}

interface Props {
  now: number;
  refreshKey: unknown;
}

/**
 * 命令与回执计时: every open order to a unit or department with the time since it was issued, overdue (past the mode's
 * limit) first in red, then those answered lately with how long the receipt took.
 */
export const ReceiptsPanel = memo(function ReceiptsPanel({ now, refreshKey }: Props) {
  const { data, readAt, error } = useReceipts(refreshKey);
  const drift = Math.max(0, Math.round((now - readAt) / 1000));
  const open = data?.open ?? [];
  const overdue = open.filter((o) => o.limitS !== null && o.elapsedS + drift > o.limitS).length;
  return (
    <section className="wall-receipts" data-testid="wall-panel-receipts" aria-label="命令与回执计时">
      <header className="wall-section-head">
        <h2>命令与回执计时</h2>
        <span className="wall-queue-count">
          {overdue > 0 && (
            <>
              <span className="wall-receipt-late">
                超时未回执 <strong>{overdue}</strong>
              </span>{' '}
              ·{' '}
            </>
          )}
          待回执 <strong data-testid="receipts-open">{open.length}</strong>
        </span>
      </header>
      {error && !data && <p className="wall-empty">回执计时暂不可用</p>}
      {data && open.length === 0 && data.received.length === 0 && <p className="wall-empty">暂无下达的命令</p>}
      {data && (open.length > 0 || data.received.length > 0) && (
        <ol className="wall-receipt-list">
          {open.map((o) => (
            <ReceiptRow key={`${o.kind}:${o.id}`} order={o} drift={drift} />
          ))}
          {data.received.slice(0, 8).map((o) => (
            <ReceiptRow key={`${o.kind}:${o.id}:r`} order={o} drift={0} />
          ))}
        </ol>
      )}
    </section>
  );
});

function ReceiptRow({ order: o, drift }: { order: OrderReceipt; drift: number }) {
  const elapsed = o.receivedAt ? o.elapsedS : o.elapsedS + drift;
  const late = o.limitS !== null && elapsed > o.limitS;
  return (
    <li
      className={`wall-receipt${late ? ' late' : ''}${o.receivedAt ? ' received' : ''}`}
      data-testid="receipt"
      data-kind={o.kind}
      data-late={String(late)}
    >
      <span className="wall-receipt-kind">
        {ORDER_KIND_LABELS[o.kind]}
        {o.drill && <span className="wall-receipt-drill">演练</span>}
      </span>
      <span className="wall-receipt-to">{o.to}</span>
      <span className="wall-receipt-about">{o.about}</span>
      <span className="wall-receipt-clock" title={o.limitS !== null ? `时限 ${clock(o.limitS)}` : undefined}>
        {o.receivedAt ? `已回执 ${clock(elapsed)}` : clock(elapsed)}
      </span>
    </li>
  );
}
