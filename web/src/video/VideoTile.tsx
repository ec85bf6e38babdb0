import { useEffect, useRef, type DragEvent } from 'react';
import type { Camera } from '../../../contracts/media';
import type { VideoClient } from './media-client';
import { useCameraView, type CameraViewState } from './useCameraView';

export const CAMERA_DRAG_TYPE = 'application/x-camera-id';

const STATUS_TEXT: Record<CameraViewState['status'], string> = {
  idle: '空闲',
  connecting: '连接中',
  playing: '实时',
  reconnecting: '重连中',
  error: '异常',
};

interface Props {
  index: number;
  camera: Camera | null;
  client: VideoClient | null;
  focused: boolean;
  onDropCamera(index: number, cameraId: string): void;
  onToggleFocus(index: number): void;
  onClear(index: number): void;
}

/** One tile of the wall: the camera's live video with its name, status and the receiver's figures; a drop target. */
export function VideoTile({ index, camera, client, focused, onDropCamera, onToggleFocus, onClear }: Props) {
  const view = useCameraView(client, camera?.id ?? null);
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    el.srcObject = view.view ? new MediaStream([view.view.track]) : null;
    if (view.view) void el.play().catch(() => undefined);
  }, [view.view]);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const id = e.dataTransfer.getData(CAMERA_DRAG_TYPE);
    if (id) onDropCamera(index, id);
  };
  const stats = view.stats;
  return (
    <div
      className={`video-tile status-${view.status}${focused ? ' focused' : ''}`}
      data-testid="video-tile"
      data-index={index}
      data-camera-id={camera?.id ?? ''}
      data-status={view.status}
      data-view-id={view.view?.viewId ?? ''}
      data-frames-decoded={stats?.framesDecoded ?? 0}
      onDragOver={(e) => e.preventDefault()}
      onDrop={onDrop}
      onDoubleClick={() => camera && onToggleFocus(index)}
    >
      <video ref={video} muted autoPlay playsInline />
      {camera ? (
        <>
          <div className="video-tile-head">
            <span className="video-tile-name">{camera.name}</span>
            <span className={`video-tile-status status-${view.status}`} data-testid="video-tile-status">
              {STATUS_TEXT[view.status]}
            </span>
            <button type="button" title={focused ? '退出全屏' : '全屏'} onClick={() => onToggleFocus(index)}>
              {focused ? '⤡' : '⤢'}
            </button>
            <button type="button" title="移除" onClick={() => onClear(index)}>
              ×
            </button>
          </div>
          <div className="video-tile-foot">
            {view.message && <span className="video-tile-message">{view.message}</span>}
            {stats && (
              <span className="video-tile-stats" data-testid="video-tile-stats">
                {stats.width && stats.height ? `${stats.width}×${stats.height} ` : ''}
                {stats.fps !== null ? `${Math.round(stats.fps)} 帧/秒 ` : ''}
                {stats.bufferMs !== null ? `缓冲时延 ${stats.bufferMs} ms` : ''}
              </span>
            )}
          </div>
        </>
      ) : (
        <div className="video-tile-empty">拖入摄像机</div>
      )}
    </div>
  );
}
