import { useEffect, useMemo, useRef, useState } from 'react';
import type { Feature } from './api';
import {
  beijingTime,
  defaultWindowFor,
  durationLabel,
  extentOf,
  indexTimes,
  inWindow,
  nextPosition,
  SPEEDS,
  stepCount,
  stepFor,
  timeAt,
  timeOf,
  WINDOW_CHOICES_MS,
} from './timeline';

/** The frame the map draws: the features in the window ending at `at`. */
export interface TimelineFrame {
  layerId: string;
  at: number;
  windowMs: number;
  visible: Feature[];
}

interface Props {
  /** The data layer played back (`incidents`, later `cases`): names the map layer and the test ids. */
  layerId: string;
  features: readonly Feature[];
  /** The feature property holding its time (ISO 8601). */
  timeField: string;
  onFrame: (frame: TimelineFrame | null) => void;
}

/**
 * 时间回放: a slider over the result's time extent with play/pause, speed and window length; the map shows the
 * features whose time falls within the window ending at the slider time.
 */
export function TimelinePlayer({ layerId, features, timeField, onFrame }: Props) {
  const index = useMemo(() => indexTimes(features, (f) => timeOf(f.properties?.[timeField])), [features, timeField]);
  const extent = useMemo(() => extentOf(index.times), [index]);
  const span = extent ? extent.end - extent.start : 0;
  const step = stepFor(Math.max(span, 1));
  const count = extent ? stepCount(extent, step) : 0;

  const [position, setPosition] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<number>(SPEEDS[1]);
  const [windowMs, setWindowMs] = useState(() => defaultWindowFor(span, step));
  const ref = useRef<HTMLElement>(null);

  // Opened below the result, possibly under the fold of the side panel: bring it into view.
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, []);

  // A new result starts over at the beginning with a window that suits its span.
  useEffect(() => {
    setPosition(0);
    setPlaying(false);
    setWindowMs(defaultWindowFor(span, step));
  }, [index, span, step]);

  useEffect(() => {
    if (!playing) return;
    const timer = window.setInterval(() => {
      setPosition((p) => {
        const next = nextPosition(p, count);
        if (next === null) {
          setPlaying(false);
          return p;
        }
        return next;
      });
    }, 1000 / speed);
    return () => window.clearInterval(timer);
  }, [playing, speed, count]);

  const at = extent ? timeAt(extent, step, position) : 0;
  const visible = useMemo(() => (extent ? inWindow(features, index, at, windowMs) : []), [extent, features, index, at, windowMs]);

  useEffect(() => {
    onFrame(extent ? { layerId, at, windowMs, visible } : null);
  }, [onFrame, layerId, extent, at, windowMs, visible]);
  useEffect(() => () => onFrame(null), [onFrame]);

  if (!extent) {
    return (
      <p className="muted" data-testid={`timeline-${layerId}-empty`}>
        查询结果没有时间（{timeField}），无法回放。
      </p>
    );
  }

  const windows = WINDOW_CHOICES_MS.includes(windowMs as (typeof WINDOW_CHOICES_MS)[number])
    ? WINDOW_CHOICES_MS
    : [...WINDOW_CHOICES_MS, windowMs].sort((a, b) => a - b);

  return (
    <section
      ref={ref}
      className="planner-timeline"
      data-testid={`timeline-${layerId}`}
      data-position={position}
      data-steps={count}
    >
      <div className="planner-timeline-head">
        <button
          type="button"
          className="primary"
          data-testid="timeline-play"
          aria-label={playing ? '暂停' : '播放'}
          onClick={() => {
            if (!playing && position >= count) setPosition(0);
            setPlaying(!playing);
          }}
        >
          {playing ? '❚❚ 暂停' : '▶ 播放'}
        </button>
        <button
          type="button"
          data-testid="timeline-step"
          aria-label="前进一步"
          disabled={position >= count}
          onClick={() => setPosition((p) => Math.min(count, p + 1))}
        >
          下一步
        </button>
        <label>
          速度{' '}
          <select
            aria-label="回放速度"
            data-testid="timeline-speed"
            value={speed}
            onChange={(e) => setSpeed(Number(e.target.value))}
          >
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s} 步/秒
              </option>
            ))}
          </select>
        </label>
      </div>
      <input
        type="range"
        className="planner-timeline-slider"
        aria-label="回放时间"
        data-testid="timeline-slider"
        min={0}
        max={count}
        step={1}
        value={position}
        onChange={(e) => setPosition(Number(e.target.value))}
      />
      <div className="planner-timeline-scale muted">
        <span>{beijingTime(extent.start)}</span>
        <span>{beijingTime(extent.end)}</span>
      </div>
      <label>
        显示最近{' '}
        <select
          aria-label="时间窗口"
          data-testid="timeline-window"
          value={windowMs}
          onChange={(e) => setWindowMs(Number(e.target.value))}
        >
          {windows.map((w) => (
            <option key={w} value={w}>
              {durationLabel(w)}
            </option>
          ))}
        </select>{' '}
        内的记录（每步 {durationLabel(step)}）
      </label>
      <p data-testid="timeline-visible" data-count={visible.length} data-at={new Date(at).toISOString()}>
        <strong>{beijingTime(at)}</strong>（北京时间）前 {durationLabel(windowMs)}：<strong>{visible.length}</strong> 条
      </p>
    </section>
  );
}
