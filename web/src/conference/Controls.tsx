import type { ReactNode } from 'react';
import { Icon } from './icons';

interface ControlProps {
  testId: string;
  icon: ReactNode;
  label: string;
  /** On (microphone open, camera on, sharing, hand raised): shown as pressed. */
  on: boolean;
  /** Shown in warning colour (a muted microphone, a camera turned off). */
  warn?: boolean;
  danger?: boolean;
  disabled?: boolean;
  title?: string;
  onClick(): void;
}

function Control({ testId, icon, label, on, warn, danger, disabled, title, onClick }: ControlProps) {
  const cls = ['conf-control', on ? 'on' : 'off', warn ? 'warn' : '', danger ? 'danger' : ''].filter(Boolean).join(' ');
  return (
    <button
      type="button"
      className={cls}
      data-testid={testId}
      data-state={on ? 'on' : 'off'}
      aria-pressed={danger ? undefined : on}
      disabled={disabled}
      title={title ?? label}
      onClick={onClick}
    >
      {icon}
      <span className="conf-control-label">{label}</span>
    </button>
  );
}

export interface ControlsProps {
  micOn: boolean;
  /** A moderator muted this participant: the microphone stays off until a moderator lets it speak. */
  hardMuted: boolean;
  cameraOn: boolean;
  sharing: boolean;
  handRaised: boolean;
  onMic(): void;
  onCamera(): void;
  onScreen(): void;
  onHand(): void;
  onLeave(): void;
}

/**
 * The participant's control bar: microphone, camera, screen share, raise hand (举手), leave. Each button says what it
 * does next, its icon is struck through and coloured when the thing is off.
 */
export function Controls(p: ControlsProps) {
  return (
    <div className="conf-controls-bar" data-testid="conf-controls" role="toolbar" aria-label="会商控制">
      <Control
        testId="toggle-mic"
        icon={<Icon name="mic" off={!p.micOn || p.hardMuted} />}
        label={p.hardMuted ? '主持人已静音' : p.micOn ? '静音' : '取消静音'}
        on={p.micOn && !p.hardMuted}
        warn={!p.micOn || p.hardMuted}
        disabled={p.hardMuted}
        title={
          p.hardMuted
            ? '主持人已将您静音，主持人允许发言后才能取消静音'
            : p.micOn
              ? '麦克风已打开，点击静音'
              : '麦克风已静音，点击取消静音'
        }
        onClick={p.onMic}
      />
      <Control
        testId="toggle-camera"
        icon={<Icon name="camera" off={!p.cameraOn} />}
        label={p.cameraOn ? '关闭摄像头' : '打开摄像头'}
        on={p.cameraOn}
        warn={!p.cameraOn}
        onClick={p.onCamera}
      />
      <Control
        testId="toggle-screen"
        icon={<Icon name="screen" />}
        label={p.sharing ? '停止共享' : '共享屏幕'}
        on={p.sharing}
        onClick={p.onScreen}
      />
      <Control
        testId="raise-hand"
        icon={<Icon name="hand" />}
        label={p.handRaised ? '放下手' : '举手'}
        on={p.handRaised}
        title={p.handRaised ? '已举手，等待主持人；点击放下' : '举手申请发言，主持人会看到'}
        onClick={p.onHand}
      />
      <Control testId="leave" icon={<Icon name="leave" />} label="退出会商" on={false} danger onClick={p.onLeave} />
    </div>
  );
}
