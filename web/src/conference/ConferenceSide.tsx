import { useState } from 'react';
import type { ConferenceRecording, ConferenceSummary } from '../../../contracts/media';
import { conferenceApi } from './api';

/** 我的会商: the conferences the user is invited to (the standing one marked), each with 加入. */
export function ConferenceList({
  list,
  inRoom,
  onJoin,
}: {
  list: ConferenceSummary[] | null;
  inRoom: boolean;
  onJoin(conferenceId: string): void;
}) {
  return (
    <>
      <h3>我的会商</h3>
      <ul className="conf-list" data-testid="conference-list">
        {(list ?? []).map((c) => (
          <li
            key={c.id}
            data-testid="conference-item"
            data-conference-id={c.id}
            data-title={c.title}
            data-standing={String(c.standing)}
          >
            <div className="conf-list-title">
              {c.title}
              {c.standing && <span className="conf-badge standing">常设会商</span>}
              {c.locked && <span className="conf-badge">已锁定</span>}
            </div>
            <div className="conf-list-meta">
              主持：{c.hostName} · {c.participants} 人在会
            </div>
            <button type="button" data-testid="join-conference" disabled={inRoom} onClick={() => onJoin(c.id)}>
              加入
            </button>
          </li>
        ))}
        {list?.length === 0 && <li className="conf-empty">暂无受邀的会商</li>}
      </ul>
    </>
  );
}

/** 会商录像: the latest recordings with a player. */
export function RecordingList({ recordings }: { recordings: ConferenceRecording[] }) {
  const [playing, setPlaying] = useState<string | null>(null);
  return (
    <>
      <h3>会商录像</h3>
      {playing && (
        <video
          className="conf-player"
          data-testid="recording-player"
          src={conferenceApi.recordingUrl(playing)}
          controls
          autoPlay
          muted
        />
      )}
      <ul className="conf-list" data-testid="recording-list">
        {recordings.slice(0, 20).map((r) => (
          <li key={r.name} data-testid="recording-item" data-name={r.name}>
            <div className="conf-list-title">{r.title}</div>
            <div className="conf-list-meta">
              {new Date(r.startedAt).toLocaleString('zh-CN')} · {(r.bytes / 1024).toFixed(0)} KB
            </div>
            <button type="button" data-testid="play-recording" onClick={() => setPlaying(r.name)}>
              回放
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
