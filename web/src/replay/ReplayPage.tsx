import { useCallback, useEffect, useMemo, useState } from 'react';
import { PRODUCT_NAME } from '../../../contracts';
import type { ModeProfile } from '../../../contracts/incidents';
import type { ReplayPeriod } from '../../../contracts/replay';
import { UserMenu } from '../identity/UserMenu';
import { wallApi } from '../wall/api';
import { rankIncidents } from '../wall/feed-state';
import { IncidentQueue } from '../wall/IncidentQueue';
import { MapErrorBoundary } from '../wall/MapErrorBoundary';
import { ModeBand } from '../wall/ModeBand';
import { FULL_ACCESS, viewForMode } from '../wall/mode-view';
import { useWallLayout } from '../wall/WallPage';
import { WallMap } from '../wall/WallMap';
import '../wall/wall.css';
import { loadReplay } from './api';
import { RecordPanel } from './RecordPanel';
import { ReplayControls, SPEEDS, type Speed } from './ReplayControls';
import { buildTimeline, pictureAt, tracksAt, type ReplayTimeline } from './timeline';
import { trackLayers } from './track-layer';
import './replay.css';

/** How often the replay clock moves while playing. */
const TICK_MS = 200;
const NO_ALERTS: ReadonlySet<number> = new Set();

interface Loaded {
  period: ReplayPeriod;
  timeline: ReplayTimeline;
}

/**
 * 复盘: a past period on the wall again. The period's state and changes (GET /api/replay) become a timeline
 * (timeline.ts, the wall's own reducer); the scrubber or the play clock picks the instant, and the wall's queue,
 * map (with the units' tracks) and mode band show the picture at it, with responses, tasks, warnings and the
 * period's recordings beside. Read-only throughout, and marked 复盘 in a frame of its own colour.
 */
export function ReplayPage() {
  const layout = useWallLayout();
  const scale = layout === 'wall' ? 2 : 1;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loading, setLoading] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [t, setT] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<Speed>(SPEEDS[1]);
  const [profiles, setProfiles] = useState<ModeProfile[]>([]);
  const [selectedId, setSelectedId] = useState<number | null>(null);

  useEffect(() => {
    wallApi.mode().then(
      (m) => setProfiles(m.profiles),
      () => undefined,
    );
  }, []);

  const load = useCallback(async (from: string, to: string) => {
    setError(null);
    setPlaying(false);
    setLoading(0);
    try {
      const r = await loadReplay(from, to, setLoading);
      const timeline = buildTimeline(r.period, r.state, r.changes);
      setLoaded({ period: r.period, timeline });
      setT(timeline.from);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setLoading(null);
    }
  }, []);

  const timeline = loaded?.timeline ?? null;
  const end = timeline?.to ?? 0;
  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    const timer = window.setInterval(() => {
      const now = performance.now();
      const step = (now - last) * speed;
      last = now;
      setT((cur) => Math.min(cur + step, end));
    }, TICK_MS);
    return () => window.clearInterval(timer);
  }, [playing, speed, end]);
  useEffect(() => {
    if (playing && t >= end) setPlaying(false);
  }, [playing, t, end]);

  const start = timeline?.from ?? 0;
  const seek = useCallback((ms: number) => setT(Math.min(Math.max(ms, start), end)), [start, end]);

  const picture = useMemo(() => (timeline ? pictureAt(timeline, t) : null), [timeline, t]);
  const feed = picture?.feed ?? null;
  const profile = profiles.find((p) => p.id === feed?.mode?.mode) ?? null;
  const view = useMemo(() => viewForMode(profile, {}, FULL_ACCESS), [profile]);
  const queue = useMemo(() => (feed ? rankIncidents(feed.incidents.values(), profile) : []), [feed, profile]);
  const units = useMemo(() => (feed ? [...feed.units.values()] : []), [feed]);
  const gauges = useMemo(() => (feed ? [...feed.gauges.values()] : []), [feed]);
  // Tracks move once a replayed second, not on every frame.
  const second = Math.floor(t / 1000) * 1000;
  const tracks = useMemo(() => (timeline ? tracksAt(timeline, second) : []), [timeline, second]);
  const underlays = useMemo(
    () => (view.layers.includes('units') && feed ? trackLayers(tracks, feed.units, scale) : []),
    [view.layers, tracks, feed, scale],
  );

  return (
    <div
      className={`wall wall-${layout} replay with-side with-detail`}
      data-testid="replay-page"
      data-layout={layout}
      data-ready={String(picture !== null)}
      data-at={picture ? new Date(t).toISOString() : ''}
      data-incidents={queue.map((i) => i.id).join(',')}
      data-mode={feed?.mode?.mode ?? ''}
    >
      <header className="app-header wall-header">
        <h1>{PRODUCT_NAME}</h1>
        <span className="app-subtitle">指挥大屏</span>
        <strong className="replay-badge" data-testid="replay-badge">
          复盘 · 历史回放（只读，非实时）
        </strong>
        <UserMenu current="replay" />
      </header>
      <ModeBand mode={feed?.mode ?? null} profile={profile} onSwitch={null} />
      <ReplayControls
        period={loaded?.period ?? null}
        t={t}
        playing={playing}
        speed={speed}
        loading={loading}
        changes={timeline?.times ?? []}
        onLoad={(from, to) => void load(from, to)}
        onSeek={seek}
        onPlay={setPlaying}
        onSpeed={setSpeed}
      />
      <div className="wall-body">
        <div className="wall-side">
          <div className="wall-panel-queue" data-testid="wall-panel-queue">
            <IncidentQueue
              incidents={queue}
              profile={profile}
              selectedId={selectedId}
              alerting={NO_ALERTS}
              now={t}
              onSelect={setSelectedId}
            />
          </div>
        </div>
        <section className="wall-map replay-map" aria-label="复盘：警情与力量分布图" data-testid="replay-map">
          <span className="replay-watermark" aria-hidden="true">
            复盘
          </span>
          <MapErrorBoundary>
            <WallMap
              incidents={queue}
              units={units}
              gauges={gauges}
              selectedId={selectedId}
              alerting={NO_ALERTS}
              now={t}
              scale={scale}
              layers={view.layers}
              focus={null}
              onSelect={setSelectedId}
              underlays={underlays}
            />
          </MapErrorBoundary>
          {error && (
            <div className="wall-error" role="alert">
              {error}
            </div>
          )}
          {!picture && !error && <div className="wall-loading">请选择复盘时段并载入</div>}
        </section>
        <div className="wall-panel-detail">
          <RecordPanel
            others={picture?.others ?? new Map()}
            recordings={loaded?.period.recordings ?? []}
            cameraArchive={loaded?.period.cameraArchive ?? ''}
            onSeek={seek}
          />
        </div>
      </div>
    </div>
  );
}
