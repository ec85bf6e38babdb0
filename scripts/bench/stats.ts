/** Timing helpers for the benchmark report: percentiles over repeated runs, measured side by side. */

export interface Timing {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export function summarise(samplesMs: number[]): Timing {
  const s = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: s.reduce((a, b) => a + b, 0) / (s.length || 1) };
}

export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * Runs a subject and its reference alternately, `n` times each after a warm-up, so both see the same machine load.
 * Each call gets the iteration index (to vary inputs identically for both).
 */
export async function sideBySide(
  n: number,
  subject: (i: number) => Promise<unknown> | unknown,
  reference: (i: number) => Promise<unknown> | unknown,
  warmup = Math.min(50, n),
): Promise<{ subject: Timing; reference: Timing }> {
  for (let i = 0; i < warmup; i++) {
    await subject(i);
    await reference(i);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = nowMs();
    await subject(i);
    a.push(nowMs() - t);
    t = nowMs();
    await reference(i);
    b.push(nowMs() - t);
  }
  return { subject: summarise(a), reference: summarise(b) };
}

export async function timeMany(
  n: number,
  fn: (i: number) => Promise<unknown> | unknown,
  warmup = Math.min(50, n),
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = nowMs();
    await fn(i);
    out.push(nowMs() - t);
  }
  return summarise(out);
}

export const fmt = (ms: number): string => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`);
export const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

/** Deterministic pseudo-random points (mulberry32) so every run measures the same inputs. */
export function randomPoints(
  n: number,
  box: { west: number; south: number; east: number; north: number },
  seed = 42,
): [number, number][] {
  let t = seed >>> 0;
  const rnd = () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r ^= r + Math.imul(r ^ (r >>> 7), 61 | r);
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => [box.west + rnd() * (box.east - box.west), box.south + rnd() * (box.north - box.south)]);
}
