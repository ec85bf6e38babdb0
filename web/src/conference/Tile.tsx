import { useEffect, useRef, useState } from 'react';
import type { Consumer } from 'mediasoup-client/types';
import { Icon } from './icons';

interface Props {
  peerId: string;
  label: string;
  video: MediaStreamTrack | null;
  /** The receiver, for frames decoded (absent for the local preview). */
  consumer: Consumer | null;
  self?: boolean;
  source: string;
  muted: boolean;
  /** Muted by a moderator (a hard mute the participant cannot lift). */
  mutedByModerator?: boolean;
  cameraOff: boolean;
  speaking: boolean;
  /** Shown instead of the video (e.g. a camera this user may not view). */
  notice?: string;
  /** Shown larger (2×2 cells): a shared screen or the active speaker. */
  featured?: boolean;
}

/** One participant's (or a shared screen's, or an injected camera's) video with name, badges and frames decoded. */
export function Tile({
  peerId,
  label,
  video,
  consumer,
  self,
  source,
  muted,
  mutedByModerator,
  cameraOff,
  speaking,
  notice,
  featured,
}: Props) {
  const el = useRef<HTMLVideoElement>(null);
  const [frames, setFrames] = useState(0);

  useEffect(() => {
    const v = el.current;
    if (!v) return;
    v.srcObject = video ? new MediaStream([video]) : null;
    if (video) void v.play().catch(() => undefined);
  }, [video]);

  useEffect(() => {
    if (!consumer) return;
    const timer = window.setInterval(() => {
      void consumer
        .getStats()
        .then((report) => {
          for (const s of report.values() as IterableIterator<Record<string, unknown>>) {
            if (s.type === 'inbound-rtp' && s.kind === 'video') setFrames(Number(s.framesDecoded ?? 0));
          }
        })
        .catch(() => undefined);
    }, 1000);
    return () => window.clearInterval(timer);
  }, [consumer]);

  return (
    <div
      className={`conf-tile${speaking ? ' speaking' : ''}${self ? ' self' : ''}${featured ? ' featured' : ''}`}
      data-testid="conf-tile"
      data-peer-id={peerId}
      data-source={source}
      data-self={String(Boolean(self))}
      data-muted={String(muted)}
      data-speaking={String(speaking)}
      data-frames-decoded={frames}
      data-refused={String(Boolean(notice))}
      data-featured={String(Boolean(featured))}
    >
      <video ref={el} muted playsInline autoPlay />
      {notice && (
        <div className="conf-camera-off conf-refused" data-testid="tile-notice">
          {notice}
        </div>
      )}
      {cameraOff && !notice && <div className="conf-camera-off">摄像头已关闭</div>}
      <div className="conf-tile-label">
        <span className="conf-tile-name">{label}</span>
        {muted && (
          <span className="conf-badge muted" data-testid="muted-badge">
            <Icon name="mic" off />
            {mutedByModerator ? '主持人已静音' : '已静音'}
          </span>
        )}
        {speaking && <span className="conf-badge speaking">发言中</span>}
      </div>
    </div>
  );
}

/** Plays a remote microphone. */
export function RemoteAudio({ track }: { track: MediaStreamTrack }) {
  const el = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    if (!el.current) return;
    el.current.srcObject = new MediaStream([track]);
    void el.current.play().catch(() => undefined);
  }, [track]);
  return <audio ref={el} autoPlay />;
}
