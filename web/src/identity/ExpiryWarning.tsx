import { useEffect, useState } from 'react';
import { messageOf } from '../api/http';
import { useSession } from './session';

/** Warn this long before the idle deadline (the server warns sockets at the same point). */
const IDLE_WARN_MS = 2 * 60_000;
/** And this long before the absolute 12-hour end, which no renewal can move. */
const ABSOLUTE_WARN_MS = 10 * 60_000;

function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, []);
  return now;
}

const mmss = (ms: number) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** 会话即将过期: a banner with a countdown and 续期 before the idle timeout, and a notice before the absolute end. */
export function ExpiryWarning() {
  const { state, renew, refresh } = useSession();
  const now = useNow();
  const [error, setError] = useState<string | null>(null);
  const session = state.status === 'signed-in' ? state.session : null;
  const idleLeft = session?.idleExpiresAt ? Date.parse(session.idleExpiresAt) - now : null;
  const absoluteLeft = session ? Date.parse(session.absoluteExpiresAt) - now : null;
  const expired = (idleLeft !== null && idleLeft <= 0) || (absoluteLeft !== null && absoluteLeft <= 0);

  useEffect(() => {
    if (expired) void refresh();
  }, [expired, refresh]);

  if (!session || expired) return null;
  if (absoluteLeft !== null && absoluteLeft <= ABSOLUTE_WARN_MS && (idleLeft === null || absoluteLeft <= idleLeft)) {
    return (
      <div className="expiry-warning" role="alert">
        <span>
          <strong>会话即将到期</strong>：登录已接近 12 小时上限，将在 {mmss(absoluteLeft)} 后退出，请保存工作后重新登录。
        </span>
      </div>
    );
  }
  if (idleLeft === null || idleLeft > IDLE_WARN_MS) return null;
  return (
    <div className="expiry-warning" role="alert">
      <span>
        <strong>会话即将过期</strong>：长时间未操作，将在 <span className="expiry-countdown">{mmss(idleLeft)}</span> 后自动退出。
      </span>
      <button
        type="button"
        onClick={() => {
          renew().then(
            () => setError(null),
            (err: unknown) => setError(messageOf(err)),
          );
        }}
      >
        续期
      </button>
      {error && <span className="expiry-error">{error}</span>}
    </div>
  );
}
