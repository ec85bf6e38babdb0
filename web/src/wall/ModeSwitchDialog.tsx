import { useRef, useState, type FormEvent } from 'react';
import {
  SYSTEM_MODE_LABELS,
  SYSTEM_MODES,
  type ModeProfile,
  type ModeState,
  type SystemMode,
} from '../../../contracts/incidents';
import { messageOf } from '../api/http';
import { wallApi } from './api';
import { useFocusTrap } from './focus-trap';
import { modePreview, REASON_MAX, reasonProblem, secondLeaderMinutes } from './mode-preview';
import './mode-dialog.css';

interface Props {
  current: ModeState | null;
  /** The mode profiles (`GET /api/mode`), for the preview of what the switch changes. */
  profiles: readonly ModeProfile[];
  onChanged: (state: ModeState) => void;
  onClose: () => void;
}

/**
 * 切换系统模式 for leaders: the mode, whether it is a drill (演练), and a reason (required, audited), with a preview of
 * what the new mode changes (layers, panels, clocks, receipts, standing conference). A real switch to 战时 needs a
 * second leader: the dialog says so and asks once more before proposing it. Focus stays in the dialog; Esc closes it.
 */
export function ModeSwitchDialog({ current, profiles, onChanged, onClose }: Props) {
  const [mode, setMode] = useState<SystemMode>(current?.mode ?? 'daily');
  const [drill, setDrill] = useState(current?.drill ?? false);
  const [reason, setReason] = useState('');
  const [checked, setChecked] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLFormElement>(null);
  useFocusTrap(ref, onClose);

  const target = profiles.find((p) => p.id === mode) ?? null;
  const from = profiles.find((p) => p.id === current?.mode) ?? null;
  const minutes = secondLeaderMinutes(target, drill);
  const problem = checked ? reasonProblem(reason) : null;
  const preview = target && mode !== current?.mode ? modePreview(from, target) : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setChecked(true);
    if (reasonProblem(reason)) {
      ref.current?.querySelector<HTMLTextAreaElement>('textarea[name=reason]')?.focus();
      return;
    }
    if (minutes !== null && !confirming) {
      setConfirming(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onChanged(await wallApi.changeMode(mode, drill, reason.trim()));
      onClose();
    } catch (err) {
      setError(messageOf(err));
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };
  // Any change to the choice asks again.
  const edit =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setConfirming(false);
    };

  return (
    <div className="modal-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <form
        ref={ref}
        className="panel wall-dialog mode-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="mode-switch-title"
        data-testid="mode-switch-dialog"
        noValidate
        tabIndex={-1}
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
          <select
            name="mode"
            data-testid="mode-switch-mode"
            value={mode}
            onChange={(e) => edit(setMode)(e.target.value as SystemMode)}
          >
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
            onChange={(e) => edit(setDrill)(e.target.checked)}
          />
          演练（演练期间新立警情标记为演练）
        </label>
        <label>
          切换原因
          <textarea
            name="reason"
            data-testid="mode-switch-reason"
            maxLength={REASON_MAX}
            rows={3}
            value={reason}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? 'mode-switch-reason-error' : undefined}
            onChange={(e) => setReason(e.target.value)}
            placeholder="例如：松花江哈尔滨站水位超警戒，启动防汛应急响应"
          />
        </label>
        {problem && (
          <span className="mode-dialog-error" id="mode-switch-reason-error" role="alert">
            {problem}
          </span>
        )}

        {preview && target && <ModePreviewList preview={preview} label={target.label} />}
        {target && mode === current?.mode && (
          <p className="muted" data-testid="mode-switch-same">
            当前已是{target.label}，提交后仅更新演练状态与原因。
          </p>
        )}

        {minutes !== null && (
          <p className="mode-dialog-second" data-testid="mode-switch-second-leader">
            转入{target?.label ?? '战时指挥'}（非演练）须另一位领导在 {minutes} 分钟内确认：提交后等待确认，确认前模式不变。
          </p>
        )}
        {confirming && (
          <p className="mode-dialog-confirm" role="alert" data-testid="mode-switch-confirm">
            确认提出转入{target?.label ?? '战时指挥'}？提出后将通知其他领导确认。再次点击“确认提出”提交，或修改后重新提交。
          </p>
        )}
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
            {busy ? '正在提交…' : minutes === null ? '确认切换' : confirming ? '确认提出' : '提出切换'}
          </button>
        </div>
      </form>
    </div>
  );
}

function ModePreviewList({ preview, label }: { preview: ReturnType<typeof modePreview>; label: string }) {
  const list = (items: string[]) => (items.length ? items.join('、') : '无');
  return (
    <section className="mode-dialog-preview" aria-label="切换后的变化" data-testid="mode-switch-preview">
      <h3>切换到{label}后</h3>
      <dl>
        <div data-testid="preview-layers">
          <dt>图层</dt>
          <dd>
            显示 {list(preview.layersOn)}；隐藏 {list(preview.layersOff)}
          </dd>
        </div>
        <div data-testid="preview-panels">
          <dt>面板</dt>
          <dd>
            增加 {list(preview.panelsOn)}；移除 {list(preview.panelsOff)}
          </dd>
        </div>
        {preview.rows.map((r) => (
          <div key={r.id} data-testid={`preview-${r.id}`} data-changed={r.changed} className={r.changed ? 'changed' : ''}>
            <dt>{r.label}</dt>
            <dd>{r.text}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
