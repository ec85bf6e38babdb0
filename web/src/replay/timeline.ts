import type { ReplayEntry } from '../../../contracts/replay';
import * as wall from '../wall/feed-state';

/**
 * A replayed period as a picture at any instant: the state at its start and its changes are applied by the wall's
 * own reducer (wall/feed-state.ts over changes/feed.ts), so incidents, units, gauges and the mode follow exactly the
 * live rules. Topics the wall does not follow (responses, their tasks, warnings, and any later one) are kept
 * generically: the newest version of each entity, by topic. Units' tracks are their logged positions in order.
 *
 * Pure, so that it can be tested without a browser; checkpoints every `CHECKPOINT_EVERY` changes keep a scrub to
 * any instant cheap however long the period.
 */

const CHECKPOINT_EVERY = 500;

/** Topics the wall's reducer follows; the others are kept by topic in `others`. */
const WALL_TOPICS: ReadonlySet<string> = new Set(['incident', 'unit', 'gauge', 'mode']);

type Others = ReadonlyMap<string, ReadonlyMap<string, ReplayEntry>>;

interface ReplayPicture {
  feed: wall.FeedState;
  /** Other topics (`response`, `response_task`, `warning`…): entity id → its newest entry. */
  others: Others;
}

interface TrackPoint {
  at: number;
  lon: number;
  lat: number;
}

export interface ReplayTimeline {
  from: number;
  to: number;
  /** Changes in sequence order. */
  changes: readonly ReplayEntry[];
  /** `times[i]`: the latest time among changes 0…i (times follow commit order but may differ slightly). */
  times: readonly number[];
  /** The picture at the start, then after every `CHECKPOINT_EVERY` changes (`checkpoints[k]` has k·N applied). */
  checkpoints: readonly ReplayPicture[];
  /** Each unit's positions over the period, the position at the start first, each at the time it was logged. */
  tracks: ReadonlyMap<string, readonly TrackPoint[]>;
}

function applyOthers(others: Others, entries: readonly ReplayEntry[]): Others {
  let next: Map<string, Map<string, ReplayEntry>> | null = null;
  for (const e of entries) {
    if (WALL_TOPICS.has(e.topic)) continue;
    const held = (next ?? others).get(e.topic)?.get(e.entity);
    if (held && held.seq >= e.seq) continue;
    next ??= new Map([...others].map(([t, m]) => [t, new Map(m)]));
    let byEntity = next.get(e.topic);
    if (!byEntity) next.set(e.topic, (byEntity = new Map()));
    byEntity.set(e.entity, e);
  }
  return next ?? others;
}

function apply(picture: ReplayPicture, entries: readonly ReplayEntry[]): ReplayPicture {
  if (!entries.length) return picture;
  return { feed: wall.applyChanges(picture.feed, entries), others: applyOthers(picture.others, entries) };
}

function addPoint(tracks: Map<string, TrackPoint[]>, e: ReplayEntry): void {
  const u = e.unit;
  if (!u || u.lon === null || u.lat === null) return;
  const track = tracks.get(u.id) ?? [];
  const last = track[track.length - 1];
  if (last && last.lon === u.lon && last.lat === u.lat) return;
  track.push({ at: Date.parse(e.at), lon: u.lon, lat: u.lat });
  tracks.set(u.id, track);
}

/** Builds the timeline of a period from the state at its start and its changes (in any order). */
export function buildTimeline(
  period: { from: string; to: string },
  state: readonly ReplayEntry[],
  changes: readonly ReplayEntry[],
): ReplayTimeline {
  const sorted = [...changes].sort((a, b) => a.seq - b.seq);
  const loaded = wall.applySnapshot(wall.emptyFeed(), { incidents: [], incidentsSeq: 0, units: [], unitsSeq: 0 });
  const start = apply({ feed: loaded, others: new Map() }, state);
  const checkpoints: ReplayPicture[] = [start];
  for (let i = CHECKPOINT_EVERY; i <= sorted.length; i += CHECKPOINT_EVERY) {
    checkpoints.push(apply(checkpoints[checkpoints.length - 1]!, sorted.slice(i - CHECKPOINT_EVERY, i)));
  }
  const times: number[] = [];
  let latest = -Infinity;
  for (const c of sorted) times.push((latest = Math.max(latest, Date.parse(c.at))));
  const tracks = new Map<string, TrackPoint[]>();
  for (const e of [...state].sort((a, b) => a.seq - b.seq)) addPoint(tracks, e);
  for (const c of sorted) addPoint(tracks, c);
  return { from: Date.parse(period.from), to: Date.parse(period.to), changes: sorted, times, checkpoints, tracks };
}

/** How many changes had happened by `t` (epoch ms). */
function changesBy(timeline: ReplayTimeline, t: number): number {
  let lo = 0;
  let hi = timeline.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (timeline.times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The picture at instant `t` (epoch ms): the state at the start with every change made by then. */
export function pictureAt(timeline: ReplayTimeline, t: number): ReplayPicture {
  const n = changesBy(timeline, t);
  const k = Math.min(Math.floor(n / CHECKPOINT_EVERY), timeline.checkpoints.length - 1);
  return apply(timeline.checkpoints[k]!, timeline.changes.slice(k * CHECKPOINT_EVERY, n));
}

/** Each unit's track up to `t`: the positions logged by then (a unit with fewer than two has none yet). */
export function tracksAt(timeline: ReplayTimeline, t: number): { unitId: string; path: [number, number][] }[] {
  const out: { unitId: string; path: [number, number][] }[] = [];
  for (const [unitId, points] of timeline.tracks) {
    const path = points.filter((p) => p.at <= t).map((p): [number, number] => [p.lon, p.lat]);
    if (path.length > 1) out.push({ unitId, path });
  }
  return out;
}
