import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { Camera } from '../../../contracts/media';
import type { VideoClient } from './media-client';
import { downloadSnapshot } from './snapshot';
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
  /** The tile a camera picked in the list or on the map goes to. */
  selected: boolean;
  onSelect(index: number): void;
  onDropCamera(index: number, cameraId: string): void;
  onToggleFocus(index: number): void;
  onClear(index: number): void;
}

/**
 * One tile of the wall: the camera's live video with its name, status and the receiver's figures, a snapshot button
 * (截图: the current frame as a PNG download); a drop target, and selected by a click.
 */
export function VideoTile({ index, camera, client, focused, selected, onSelect, onDropCamera, onToggleFocus, onClear }: Props) {
  const view = useCameraView(client, camera?.id ?? null);
  const video = useRef<HTMLVideoElement>(null);
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    el.srcObject = view.view ? new MediaStream([view.view.track]) : null;
    if (view.view) void el.play().catch(() => undefined);
  }, [view.view]);

  useEffect(() => {
    if (!note) return;
    const timer = window.setTimeout(() => setNote(null), 4000);
    return () => window.clearTimeout(timer);
  }, [note]);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const id = e.dataTransfer.getData(CAMERA_DRAG_TYPE);
    if (id) onDropCamera(index, id);
  };
  const snapshot = () => {
    if (!video.current || !camera) return;
    downloadSnapshot(video.current, camera.name).then(
      (name) => setNote({ text: `已截图，PNG 图片已下载：${name}`, error: false }),
      (err: unknown) => setNote({ text: err instanceof Error ? err.message : '截图失败', error: true }),
    );
  };
  const stats = view.stats;
  return (
    <div
      className={`video-tile status-${view.status}${focused ? ' focused' : ''}${selected ? ' selected' : ''}`}
      data-testid="video-tile"
      data-index={index}
      data-camera-id={camera?.id ?? ''}
      data-status={view.status}
      data-selected={String(selected)}
      data-view-id={view.view?.viewId ?? ''}
      data-frames-decoded={stats?.framesDecoded ?? 0}
      onDragOver={(e) => e.preventDefault()}
      onDrop={onDrop}
      onClick={() => onSelect(index)}
      onDoubleClick={() => camera && onToggleFocus(index)}
    >
      <video ref={video} muted autoPlay playsInline />
      {camera ? (
        <>
          <div className="video-tile-head">
            <span className="video-tile-name" data-testid="video-tile-name">
              {camera.name}
            </span>
            <span className={`video-tile-status status-${view.status}`} data-testid="video-tile-status">
              {STATUS_TEXT[view.status]}
            </span>
            <span className="video-tile-actions">
              <button
                type="button"
                data-testid="snapshot"
                title="截图：把当前画面保存为 PNG 图片"
                disabled={view.status !== 'playing'}
                onClick={(e) => {
                  e.stopPropagation();
                  snapshot();
                }}
              >
                截图
              </button>
              <button
                type="button"
                title={focused ? '退出全屏' : '全屏'}
                aria-label={focused ? '退出全屏' : '全屏'}
                onClick={(e) => {
                  e.stopPropagation();
                  onToggleFocus(index);
                }}
              >
                {focused ? '⤡' : '⤢'}
              </button>
              <button
                type="button"
                title="移除"
                aria-label="移除"
                onClick={(e) => {
                  e.stopPropagation();
                  onClear(index);
                }}
              >
                ×
              </button>
            </span>
          </div>
          <div className="video-tile-foot">
            {note && (
              <span className={note.error ? 'video-tile-message' : 'video-tile-note'} data-testid="snapshot-note" role="status">
                {note.text}
              </span>
            )}
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
        <div className="video-tile-empty">{selected ? '已选中：点击列表或地图上的摄像机放到这里' : '拖入摄像机，或点击选中'}</div>
      )}
    </div>
  );
}
