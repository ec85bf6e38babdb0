import fc from 'fast-check';
import {
  beijingTime,
  defaultWindowFor,
  durationLabel,
  extentOf,
  indexTimes,
  inWindow,
  MAX_STEPS,
  nextPosition,
  stepCount,
  stepFor,
  timeAt,
  timeOf,
} from '../../web/src/planner/timeline';

const H = 3_600_000;
const T0 = Date.parse('2026-11-20T00:00:00Z');

describe('planner timeline', () => {
  it('reads ISO 8601 and epoch times, and nothing else', () => {
    expect(timeOf('2026-11-20T08:00:00+08:00')).toBe(T0);
    expect(timeOf(T0)).toBe(T0);
    expect(timeOf('not a time')).toBeNull();
    expect(timeOf('')).toBeNull();
    expect(timeOf(null)).toBeNull();
    expect(timeOf(Number.NaN)).toBeNull();
  });

  it('finds the extent of the times', () => {
    expect(extentOf([])).toBeNull();
    expect(extentOf([T0 + 5 * H, T0, T0 + 2 * H])).toEqual({ start: T0, end: T0 + 5 * H });
  });

  it('picks the shortest step that crosses the span in at most MAX_STEPS steps', () => {
    expect(stepFor(2 * H)).toBe(60_000); // 120 one-minute steps
    expect(stepFor(2 * H + 1)).toBe(5 * 60_000);
    expect(stepFor(48 * H)).toBe(30 * 60_000); // 96 steps
    expect(stepFor(7 * 24 * H)).toBe(2 * H); // 84 steps
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 365 * 24 * H }), (span) => {
        expect(Math.ceil(span / stepFor(span))).toBeLessThanOrEqual(MAX_STEPS);
      }),
    );
  });

  it('offers a window of about a tenth of the span, never shorter than a step', () => {
    expect(defaultWindowFor(48 * H, stepFor(48 * H))).toBe(6 * H);
    expect(defaultWindowFor(10 * 60_000, 60_000)).toBe(H);
    expect(defaultWindowFor(3 * 365 * 24 * H, 30 * 24 * H)).toBe(30 * 24 * H);
  });

  it('steps from the start to the end and stops after the last position', () => {
    const extent = { start: T0, end: T0 + 10 * H + 1 };
    const count = stepCount(extent, H);
    expect(count).toBe(11);
    expect(timeAt(extent, H, 0)).toBe(T0);
    expect(timeAt(extent, H, 3)).toBe(T0 + 3 * H);
    expect(timeAt(extent, H, count)).toBe(extent.end);
    expect(nextPosition(3, count)).toBe(4);
    expect(nextPosition(count, count)).toBeNull();
    expect(stepCount({ start: T0, end: T0 }, H)).toBe(0);
  });

  it('keeps the items in (at − window, at], in time order', () => {
    const items = [
      { id: 'c', t: '2026-11-20T03:00:00Z' },
      { id: 'a', t: '2026-11-20T01:00:00Z' },
      { id: 'none', t: null },
      { id: 'b', t: '2026-11-20T02:00:00Z' },
      { id: 'd', t: '2026-11-20T05:00:00Z' },
    ];
    const index = indexTimes(items, (i) => timeOf(i.t));
    expect(index.times).toHaveLength(4);
    const ids = (at: number, w: number) => inWindow(items, index, at, w).map((i) => i.id);
    expect(ids(T0 + 3 * H, 2 * H)).toEqual(['b', 'c']); // 01:00 is on the open end
    expect(ids(T0 + 3 * H - 1, 2 * H)).toEqual(['a', 'b']);
    expect(ids(T0 + 4 * H, H)).toEqual([]);
    expect(ids(T0 + 5 * H, 10 * H)).toEqual(['a', 'b', 'c', 'd']);
    expect(ids(T0, H)).toEqual([]);
  });

  it('agrees with a plain filter for any items, time and window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 60 }),
        fc.integer({ min: -50, max: 1100 }),
        fc.integer({ min: 0, max: 400 }),
        (ts, at, w) => {
          const items = ts.map((t, i) => ({ i, t }));
          const got = inWindow(
            items,
            indexTimes(items, (x) => x.t),
            at,
            w,
          );
          const want = items.filter((x) => x.t > at - w && x.t <= at);
          expect(got.map((x) => x.i).sort((a, b) => a - b)).toEqual(want.map((x) => x.i));
          for (let k = 1; k < got.length; k++) expect(got[k]!.t).toBeGreaterThanOrEqual(got[k - 1]!.t);
        },
      ),
    );
  });

  it('labels durations and Beijing times in Chinese', () => {
    expect(durationLabel(6 * H)).toBe('6 小时');
    expect(durationLabel(72 * H)).toBe('3 天');
    expect(durationLabel(15 * 60_000)).toBe('15 分钟');
    expect(beijingTime(T0 + 5 * 60_000)).toBe('2026-11-20 08:05');
  });
});
