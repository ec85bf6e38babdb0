import { useCallback, useEffect, useMemo, useState } from 'react';
import { PRODUCT_NAME } from '../../../contracts';
import type { CameraList as CameraListData, VideoLayout } from '../../../contracts/media';
import { messageOf } from '../api/http';
import { UserMenu } from '../identity/UserMenu';
import { useRealtime } from '../shell/realtime';
import { videoApi, type ModeInfo } from './api';
import { CameraList } from './CameraList';
import { CameraMap } from './CameraMap';
import { VideoClient } from './media-client';
import { VideoTile } from './VideoTile';
import { assign, emptyWall, fromPreset, patrolStep, place, withLayout, type WallState } from './wall-state';
import { WallToolbar } from './WallToolbar';
import '../identity/identity.css';
import './video.css';

const DEFAULT_PATROL_SECONDS = 20;
/** The cameras' online states are read again this often. */
const LINK_REFRESH_MS = 10_000;

/**
 * 视频监控墙 (`#video`): the cameras the user may view, a grid of 1/4/9/16 tiles to drag them onto, patrol rotation,
 * one camera full-screen (double-click or ⤢, Esc to leave), and the preset of each system mode. Cameras show whether
 * they are online and can be picked on a small map onto the selected tile. Video arrives over WebRTC from the
 * platform's SFU; each tile shows its camera's name, status and the receiver's figures, and saves a snapshot.
 */
export function VideoWallPage() {
  const { socket } = useRealtime();
  const client = useMemo(() => (socket ? new VideoClient(socket) : null), [socket]);
  const [data, setData] = useState<CameraListData | null>(null);
  const [mode, setMode] = useState<ModeInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [wall, setWall] = useState<WallState>(() => emptyWall(4));
  /** The tile a camera picked in the list or on the map goes to (none: the first free tile). */
  const [selected, setSelected] = useState<number | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    Promise.all([videoApi.cameras(abort.signal), videoApi.mode(abort.signal).catch(() => null)]).then(
      ([list, m]) => {
        setData(list);
        setMode(m);
        const preset = m ? list.presets[m.mode] : undefined;
        if (preset) setWall(fromPreset(preset, new Set(list.cameras.map((c) => c.id))));
      },
      (err: unknown) => !abort.signal.aborted && setError(messageOf(err)),
    );
    return () => abort.abort();
  }, []);

  // The cameras' online states follow the video service (the tiles and presets stay as they are).
  useEffect(() => {
    const refresh = () => {
      videoApi.cameras().then(
        (list) => setData(list),
        () => undefined,
      );
    };
    const timer = window.setInterval(refresh, LINK_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, []);

  const cameraIds = useMemo(() => data?.cameras.map((c) => c.id) ?? [], [data]);
  const byId = useMemo(() => new Map((data?.cameras ?? []).map((c) => [c.id, c])), [data]);
  const shown = useMemo(() => new Set(wall.tiles.filter((t): t is string => t !== null)), [wall.tiles]);

  // Patrol rotation: the next page of cameras every `seconds`.
  const patrolSeconds = wall.patrol?.seconds ?? null;
  useEffect(() => {
    if (patrolSeconds === null) return;
    const timer = window.setInterval(() => setWall((w) => patrolStep(w, cameraIds, patrolSeconds)), patrolSeconds * 1000);
    return () => window.clearInterval(timer);
  }, [patrolSeconds, cameraIds]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setWall((w) => ({ ...w, focused: null }));
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onDropCamera = useCallback((index: number, id: string) => setWall((w) => assign(w, index, id)), []);
  const onToggleFocus = useCallback(
    (index: number) => setWall((w) => ({ ...w, focused: w.focused === index ? null : index })),
    [],
  );
  const onClear = useCallback((index: number) => setWall((w) => assign(w, index, null)), []);
  const onPick = useCallback(
    (id: string) => setWall((w) => (selected !== null && selected < w.layout ? assign(w, selected, id) : place(w, id))),
    [selected],
  );
  const onSelect = useCallback((index: number) => setSelected((s) => (s === index ? null : index)), []);
  const onLayout = useCallback((layout: VideoLayout) => setWall((w) => withLayout(w, layout)), []);
  const onPatrol = useCallback(
    (on: boolean) =>
      setWall((w) => (on ? patrolStep({ ...w, patrol: null }, cameraIds, DEFAULT_PATROL_SECONDS) : { ...w, patrol: null })),
    [cameraIds],
  );
  const onPreset = useCallback(
    (id: string) => {
      const preset = data?.presets[id];
      if (preset) setWall(fromPreset(preset, new Set(cameraIds)));
    },
    [data, cameraIds],
  );

  const presets = Object.keys(data?.presets ?? {}).map((id) => ({
    id,
    label: mode?.labels[id] ?? id,
    current: mode?.mode === id,
  }));
  const columns = Math.sqrt(wall.layout);
  return (
    <div className="app video-app" data-testid="video-page" data-ready={String(data !== null)}>
      <header className="app-header">
        <h1>{PRODUCT_NAME}</h1>
        <span className="app-subtitle">视频监控墙</span>

        <UserMenu current="video" />
      </header>
      <main className="video-main">
        <aside className="video-side">
          <CameraList cameras={data?.cameras ?? []} shown={shown} onPick={onPick} />
          <div className="camera-map-box">
            <p className="camera-map-hint" data-testid="camera-map-hint">
              {selected !== null ? `点击地图上的摄像机，放到第 ${selected + 1} 格` : '先点击一格画面选中它，再点击地图上的摄像机'}
            </p>
            {data && <CameraMap cameras={data.cameras} shown={shown} onPick={onPick} />}
          </div>
        </aside>
        <section className="video-wall-area">
          <WallToolbar
            layout={wall.layout}
            onLayout={onLayout}
            patrolOn={wall.patrol !== null}
            onPatrol={onPatrol}
            presets={presets}
            onPreset={onPreset}
          />
          {error && <div className="notice">{error}</div>}
          {data && data.video.workers === 0 && (
            <div className="notice" data-testid="video-unavailable">
              视频服务不可用：{data.video.reason ?? '没有媒体进程'}
            </div>
          )}
          <div
            className={`video-grid${wall.focused !== null ? ' has-focus' : ''}`}
            data-testid="video-grid"
            data-layout={wall.layout}
            style={{ gridTemplateColumns: `repeat(${columns}, 1fr)`, gridTemplateRows: `repeat(${columns}, 1fr)` }}
          >
            {wall.tiles.map((id, i) => (
              <VideoTile
                key={i}
                index={i}
                camera={id ? (byId.get(id) ?? null) : null}
                client={client}
                focused={wall.focused === i}
                selected={selected === i}
                onSelect={onSelect}
                onDropCamera={onDropCamera}
                onToggleFocus={onToggleFocus}
                onClear={onClear}
              />
            ))}
          </div>
        </section>
      </main>
    </div>
  );
}
