import { SYSTEM_MODE_LABELS, type ModeProfile, type ModeState } from '../../../contracts/incidents';
import { dateTime } from './format';
import { DEFAULT_ACCENT } from './look';

interface Props {
  mode: ModeState | null;
  profile: ModeProfile | null;
  /** Shown to leaders (`mode.change`). */
  onSwitch: (() => void) | null;
}

/** The system mode across the full width, in the profile's accent colour; a drill is marked 演练 unmistakably. */
export function ModeBand({ mode, profile, onSwitch }: Props) {
  const accent = profile?.accent ?? DEFAULT_ACCENT;
  const label = mode ? (profile?.label ?? SYSTEM_MODE_LABELS[mode.mode]) : '模式未知';
  return (
    <section
      className={`wall-mode${mode?.drill ? ' drill' : ''}`}
      style={{ backgroundColor: accent }}
      data-testid="wall-mode"
      data-mode={mode?.mode ?? ''}
      data-drill={String(mode?.drill ?? false)}
      aria-label="当前系统模式"
    >
      <span className="wall-mode-caption">当前模式</span>
      <strong className="wall-mode-label">{label}</strong>
      {mode?.drill && <span className="wall-drill-badge">演练</span>}
      {mode?.drill && <span className="wall-drill-note">演练进行中，非真实事件</span>}
      {mode && (
        <span className="wall-mode-meta">
          {mode.reason && <span>原因：{mode.reason}</span>}
          <span>
            {dateTime(mode.changedAt)}
            {mode.changedBy ? ` · ${mode.changedBy}` : ''}
          </span>
        </span>
      )}
      {onSwitch && (
        <button type="button" className="wall-mode-switch" data-testid="mode-switch" onClick={onSwitch}>
          切换模式
        </button>
      )}
    </section>
  );
}
