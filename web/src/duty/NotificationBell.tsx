import { useCallback, useEffect, useState } from 'react';
import { RECIPIENT_REASON_LABELS, type InboxItem } from '../../../contracts/notify';
import { useRealtime } from '../shell/realtime';
import { notifyApi } from './api';
import './duty.css';
import { beijing } from '../ui/time';

/**
 * 通知 in the header: the person's in-app notifications, new ones arriving live over the socket (`notify:new`), each
 * acknowledged (确认收到) here; the count is of those not yet acknowledged.
 */
export function NotificationBell() {
  const { socket } = useRealtime();
  const [items, setItems] = useState<InboxItem[]>([]);
  const [open, setOpen] = useState(0);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback((signal?: AbortSignal) => {
    notifyApi.inbox(signal).then(
      (inbox) => {
        setItems(inbox.items);
        setOpen(inbox.unacknowledged);
        setError(null);
      },
      (err: unknown) => !signal?.aborted && setError(String(err)),
    );
  }, []);

  useEffect(() => {
    const abort = new AbortController();
    load(abort.signal);
    return () => abort.abort();
  }, [load]);

  useEffect(() => {
    if (!socket) return;
    const onNew = (item: InboxItem) => {
      setItems((list) => (list.some((i) => i.recipientId === item.recipientId) ? list : [item, ...list].slice(0, 50)));
      if (!item.acknowledgedAt) setOpen((n) => n + 1);
    };
    // A reconnect may have missed pushes: read the inbox again.
    const onConnect = () => load();
    socket.on('notify:new', onNew);
    socket.on('connect', onConnect);
    return () => {
      socket.off('notify:new', onNew);
      socket.off('connect', onConnect);
    };
  }, [socket, load]);

  const acknowledge = (item: InboxItem) =>
    notifyApi.ack(item.recipientId).then(
      (done) => {
        setItems((list) => list.map((i) => (i.recipientId === done.recipientId ? done : i)));
        if (!item.acknowledgedAt) setOpen((n) => Math.max(0, n - 1));
      },
      (err: unknown) => setError(String(err)),
    );

  return (
    <details className="header-menu notify-bell" data-testid="notify-bell">
      <summary className="header-button" aria-label={`通知，${open} 条未确认`}>
        通知
        {open > 0 && (
          <span className="notify-bell-count" data-testid="notify-bell-count">
            {open}
          </span>
        )}
      </summary>
      <div className="header-menu-items right notify-bell-list" role="list">
        {error && <p className="duty-error">{error}</p>}
        {items.length === 0 && !error && <p className="notify-item">暂无通知</p>}
        {items.map((i) => (
          <article
            key={i.recipientId}
            role="listitem"
            className={`notify-item${i.urgent ? ' urgent' : ''}${i.acknowledgedAt ? ' acknowledged' : ''}`}
          >
            <h3>
              {i.urgent && '【紧急】'}
              {i.title}
            </h3>
            {i.body && <p>{i.body}</p>}
            <div className="notify-item-meta">
              <span>
                {beijing(i.createdAt)} · {RECIPIENT_REASON_LABELS[i.reason]}
              </span>
              {i.acknowledgedAt ? (
                <span>已确认 {beijing(i.acknowledgedAt)}</span>
              ) : (
                <button type="button" onClick={() => void acknowledge(i)}>
                  确认收到
                </button>
              )}
            </div>
          </article>
        ))}
      </div>
    </details>
  );
}
