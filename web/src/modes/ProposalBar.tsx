import { useState } from 'react';
import { SYSTEM_MODE_LABELS, type ModeState } from '../../../contracts/incidents';
import { messageOf } from '../api/http';
import { useSession } from '../identity/session';
import { dateTime } from '../wall/format';
import { clock } from './ReceiptsPanel';
import { modesApi } from './api';

interface Props {
  mode: ModeState | null;
  now: number;
  onChanged: (state: ModeState) => void;
}

/**
 * A switch to real 战时 waiting for a second leader: who proposed it, why, and the time left to confirm it. Another
 * leader confirms or declines here; the proposer may withdraw it. Hidden once it lapses.
 */
export function ProposalBar({ mode, now, onChanged }: Props) {
  const { state, can } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const p = mode?.pending;
  if (!p) return null;
  const left = Math.round((Date.parse(p.expiresAt) - now) / 1000);
  if (left <= 0) return null;
  const me = state.status === 'signed-in' ? state.user.username : null;
  const mine = me === p.proposedBy;
  const decide = can('mode.confirm');
  const act = async (what: 'confirm' | 'cancel') => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await modesApi[what](p.id));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="mode-proposal" role="status" data-testid="mode-proposal" aria-label="待确认的模式切换">
      <strong className="mode-proposal-title">
        待第二位领导确认：转入「{SYSTEM_MODE_LABELS[p.mode]}」{p.drill ? '（演练）' : ''}
      </strong>
      <span>
        {p.proposedByName} 于 {dateTime(p.proposedAt)} 提出 · 原因：{p.reason}
      </span>
      <span className="mode-proposal-left" data-testid="mode-proposal-left">
        剩余 {clock(left)}
      </span>
      {decide && !mine && (
        <button
          type="button"
          className="primary"
          data-testid="mode-proposal-confirm"
          disabled={busy}
          onClick={() => void act('confirm')}
        >
          确认切换
        </button>
      )}
      {decide && (
        <button
          type="button"
          className="secondary"
          data-testid="mode-proposal-cancel"
          disabled={busy}
          onClick={() => void act('cancel')}
        >
          {mine ? '撤回' : '不同意'}
        </button>
      )}
      {error && (
        <span className="warning" role="alert">
          {error}
        </span>
      )}
    </section>
  );
}
