import { useState, type FormEvent } from 'react';
import { replayQuery, type ReplayPeriod } from '../../../contracts/replay';
import { FieldError } from '../ui/FieldError';
import { dateTime } from '../wall/format';

/** Playback speeds: real time, and faster for long periods. */
export const SPEEDS = [1, 10, 60, 600] as const;
export type Speed = (typeof SPEEDS)[number];

/** How many tick marks show where changes cluster on the scrubber. */
const DENSITY_BINS = 120;

const pad = (n: number) => String(n).padStart(2, '0');
/** An instant as the value of a `datetime-local` input (the browser's own time zone, to the second). */
function localInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * The period checked with the replay request's own schema (ISO times, end after start, at most the longest period)
 * before anything is asked: each field's first problem, in the schema's Chinese words.
 */
function periodProblems(from: string, to: string): { from: string | null; to: string | null } {
  const iso = (local: string) => {
    const d = new Date(local);
    return Number.isNaN(d.getTime()) ? local : d.toISOString();
  };
  const result = replayQuery.safeParse({ from: iso(from), to: iso(to) });
  const first = (field: 'from' | 'to') =>
    result.success ? null : (result.error.issues.find((i) => i.path[0] === field)?.message ?? null);
  return { from: first('from'), to: first('to') };
}

interface Props {
  period: ReplayPeriod | null;
  t: number;
  playing: boolean;
  speed: Speed;
  /** Entries read so far while loading; null when not loading. */
  loading: number | null;
  /** Times of the period's changes, in order (for the density marks). */
  changes: readonly number[];
  onLoad: (from: string, to: string) => void;
  onSeek: (t: number) => void;
  onPlay: (playing: boolean) => void;
  onSpeed: (speed: Speed) => void;
}

/** The period form, then the scrubber with play/pause and speeds; recordings are marked on the scrubber at their time. */
export function ReplayControls(props: Props) {
  const { period, t, playing, speed, loading, changes, onLoad, onSeek, onPlay, onSpeed } = props;
  const [from, setFrom] = useState(() => localInput(Date.now() - 3_600_000));
  const [to, setTo] = useState(() => localInput(Date.now()));
  const problems = periodProblems(from, to);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (problems.from || problems.to) return;
    const f = new Date(from);
    const e2 = new Date(to);
    if (Number.isNaN(f.getTime()) || Number.isNaN(e2.getTime())) return;
    onLoad(f.toISOString(), e2.toISOString());
  };
  const start = period ? Date.parse(period.from) : 0;
  const end = period ? Date.parse(period.to) : 0;
  const span = Math.max(end - start, 1);
  const at = (ms: number) => `${(Math.min(Math.max(ms - start, 0), span) / span) * 100}%`;
  const seek = (ms: number) => onSeek(Math.min(Math.max(ms, start), end));

  const density = new Array<number>(DENSITY_BINS).fill(0);
  for (const c of changes) density[Math.min(DENSITY_BINS - 1, Math.floor(((c - start) / span) * DENSITY_BINS))]! += 1;
  const peak = Math.max(1, ...density);

  return (
    <section className="replay-controls" aria-label="复盘控制" data-testid="replay-controls">
      <form className="replay-period" noValidate onSubmit={submit}>
        <label>
          开始
          <input
            type="datetime-local"
            step={1}
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            data-testid="replay-from"
            aria-invalid={problems.from ? true : undefined}
            aria-describedby="replay-from-error"
            required
          />
          <FieldError id="replay-from-error" message={problems.from} />
        </label>
        <label>
          结束
          <input
            type="datetime-local"
            step={1}
            value={to}
            onChange={(e) => setTo(e.target.value)}
            data-testid="replay-to"
            aria-invalid={problems.to ? true : undefined}
            aria-describedby="replay-to-error"
            required
          />
          <FieldError id="replay-to-error" message={problems.to} />
        </label>
        <button
          type="submit"
          className="replay-button"
          data-testid="replay-load"
          disabled={loading !== null || problems.from !== null || problems.to !== null}
        >
          {loading === null ? '载入时段' : `载入中… ${loading} 条`}
        </button>
      </form>
      {period && (
        <div className="replay-transport">
          <button
            type="button"
            className="replay-button"
            data-testid="replay-play"
            aria-pressed={playing}
            onClick={() => onPlay(!playing)}
          >
            {playing ? '暂停' : '播放'}
          </button>
          <span className="replay-speeds" role="group" aria-label="播放速度">
            {SPEEDS.map((s) => (
              <button
                key={s}
                type="button"
                className={`replay-speed${s === speed ? ' on' : ''}`}
                aria-pressed={s === speed}
                data-testid={`replay-speed-${s}`}
                onClick={() => onSpeed(s)}
              >
                {s}×
              </button>
            ))}
          </span>
          <div className="replay-track">
            <div className="replay-density" aria-hidden="true">
              {density.map((n, i) => (
                <span key={i} style={{ height: `${(n / peak) * 100}%` }} />
              ))}
            </div>
            <input
              type="range"
              className="replay-scrubber"
              min={start}
              max={end}
              step={1000}
              value={Math.round(t)}
              onChange={(e) => seek(Number(e.target.value))}
              aria-label="复盘时刻"
              data-testid="replay-scrubber"
            />
            {period.recordings.map((r) => (
              <button
                key={r.name}
                type="button"
                className="replay-recording-mark"
                style={{
                  left: at(Date.parse(r.startedAt)),
                  width: `calc(${at(Date.parse(r.endedAt))} - ${at(Date.parse(r.startedAt))})`,
                }}
                title={`录像：${r.title}（${dateTime(r.startedAt)} 起）`}
                onClick={() => seek(Date.parse(r.startedAt))}
              >
                录像
              </button>
            ))}
          </div>
          <span className="replay-range muted">
            {dateTime(start)} – {dateTime(end)}
          </span>
          <strong className="replay-time" data-testid="replay-time">
            {dateTime(t)}
          </strong>
        </div>
      )}
    </section>
  );
}
