import { useState } from 'react';
import type { Camera, ConferenceState } from '../../../contracts/media';

export interface ModeratorPanelProps {
  state: ConferenceState;
  cameras: Camera[];
  onMuteAll(): void;
  onLock(locked: boolean): void;
  onRecord(recording: boolean): void;
  onInject(cameraId: string): void;
  onAdmit(peerId: string): void;
}

/** 主持人控制: mute all, lock, record, inject a camera, and the lobby to admit from. */
export function ModeratorPanel({ state, cameras, onMuteAll, onLock, onRecord, onInject, onAdmit }: ModeratorPanelProps) {
  const [camera, setCamera] = useState('');
  return (
    <section className="conf-moderator" data-testid="moderator-panel" aria-label="主持人控制">
      <h3>主持人控制</h3>
      <div className="conf-moderator-actions">
        <button type="button" data-testid="mute-all" onClick={onMuteAll}>
          全体静音
        </button>
        <button type="button" data-testid="lock" aria-pressed={state.locked} onClick={() => onLock(!state.locked)}>
          {state.locked ? '解除锁定' : '锁定会商'}
        </button>
        <button type="button" data-testid="record" aria-pressed={state.recording} onClick={() => onRecord(!state.recording)}>
          {state.recording ? '停止录制' : '开始录制'}
        </button>
      </div>
      <div className="conf-moderator-actions">
        <select data-testid="inject-camera" value={camera} onChange={(e) => setCamera(e.target.value)} aria-label="接入的摄像机">
          <option value="">选择摄像机…</option>
          {cameras.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <button type="button" data-testid="inject" disabled={!camera} onClick={() => onInject(camera)}>
          接入摄像机
        </button>
      </div>
      {state.lobby.length > 0 && (
        <ul className="conf-people" data-testid="lobby-list">
          {state.lobby.map((m) => (
            <li key={m.peerId} data-testid="lobby-item" data-peer-id={m.peerId}>
              <div className="conf-person">
                {m.displayName}（{m.roleName}）等候中
              </div>
              <div className="conf-person-actions">
                <button type="button" data-testid="admit" onClick={() => onAdmit(m.peerId)}>
                  准入
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
