import { useState, type FormEvent } from 'react';
import { SYSTEM_MODE_LABELS, SYSTEM_MODES, type ModeState, type SystemMode } from '../../../contracts/incidents';
import { messageOf } from '../api/http';
import { wallApi } from './api';

interface Props {
  current: ModeState | null;
  onChanged: (state: ModeState) => void;
  onClose: () => void;
}

const MIN_REASON = 2;

/** 切换系统模式 for leaders: the mode, whether it is a drill (演练), and a reason (required, audited). */
export function ModeSwitchDialog({ current, onChanged, onClose }: Props) {
  const [mode, setMode] = useState<SystemMode>(current?.mode ?? 'daily');
  const [drill, setDrill] = useState(current?.drill ?? false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim().length < MIN_REASON) {
      setError(`请填写切换原因（至少 ${MIN_REASON} 个字）`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onChanged(await wallApi.changeMode(mode, drill, reason.trim()));
      onClose();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="modal-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <form
        className="panel wall-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="mode-switch-title"
        data-testid="mode-switch-dialog"
        onSubmit={(e) => void submit(e)}
      >
        <header>
          <h2 id="mode-switch-title">切换系统模式</h2>
          <button type="button" className="wall-close" aria-label="关闭" onClick={onClose}>
            ×
          </button>
        </header>
        <label>
          模式
          <select name="mode" data-testid="mode-switch-mode" value={mode} onChange={(e) => setMode(e.target.value as SystemMode)}>
            {SYSTEM_MODES.map((m) => (
              <option key={m} value={m}>
                {SYSTEM_MODE_LABELS[m]}
              </option>
            ))}
          </select>
        </label>
        <label className="wall-checkbox">
          <input
            type="checkbox"
            name="drill"
            data-testid="mode-switch-drill"
            checked={drill}
            onChange={(e) => setDrill(e.target.checked)}
          />
          演练（演练期间新立警情标记为演练）
        </label>
        <label>
          切换原因
          <textarea
            name="reason"
            data-testid="mode-switch-reason"
            required
            minLength={MIN_REASON}
            maxLength={300}
            rows={3}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder="例如：松花江哈尔滨站水位超警戒，启动防汛应急响应"
          />
        </label>
        {error && (
          <p className="warning" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>
            取消
          </button>
          <button type="submit" className="primary" data-testid="mode-switch-submit" disabled={busy}>
            {busy ? '正在切换…' : '确认切换'}
          </button>
        </div>
      </form>
    </div>
  );
}
