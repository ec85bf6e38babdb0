import { useEffect, useRef } from 'react';
import type { Camera } from '../../../contracts/media';
import type { VideoClient } from '../video/media-client';
import { useCameraView, type CameraViewState } from '../video/useCameraView';
import { directionLabel } from './camera-layer';

const STATUS_TEXT: Record<CameraViewState['status'], string> = {
  idle: '空闲',
  connecting: '连接中',
  playing: '实时',
  reconnecting: '重连中',
  error: '异常',
};

interface Props {
  camera: Camera;
  /** Null when the caller may list cameras but not view them. */
  client: VideoClient | null;
  onClose: () => void;
}

/** 视频调阅 on the wall: one camera's live video over the map, from a camera icon or an incident's nearest cameras. */
export function CameraPopup({ camera, client, onClose }: Props) {
  const view = useCameraView(client, client ? camera.id : null);
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    el.srcObject = view.view ? new MediaStream([view.view.track]) : null;
    if (view.view) void el.play().catch(() => undefined);
  }, [view.view]);

  const stats = view.stats;
  return (
    <div
      className={`wall-camera-popup status-${view.status}`}
      role="dialog"
      aria-label={`视频调阅：${camera.name}`}
      data-testid="camera-popup"
      data-camera-id={camera.id}
      data-status={view.status}
      data-frames-decoded={stats?.framesDecoded ?? 0}
    >
      <header className="wall-camera-popup-head">
        <span className="wall-camera-popup-name">{camera.name}</span>
        <span className={`wall-camera-popup-status status-${view.status}`} data-testid="camera-popup-status">
          {client ? STATUS_TEXT[view.status] : '无调阅权限'}
        </span>
        <button type="button" className="wall-close" aria-label="关闭视频" onClick={onClose}>
          ×
        </button>
      </header>
      <video ref={video} muted autoPlay playsInline />
      <footer className="wall-camera-popup-foot">
        <span>
          {[camera.districtName, directionLabel(camera.direction)].filter(Boolean).join(' · ')}
          {stats?.width && stats.height ? ` · ${stats.width}×${stats.height}` : ''}
          {stats?.fps != null ? ` · ${Math.round(stats.fps)} 帧/秒` : ''}
        </span>
        {view.message && <span className="wall-camera-popup-message">{view.message}</span>}
      </footer>
    </div>
  );
}
