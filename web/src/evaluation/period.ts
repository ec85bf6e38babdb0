/** Evaluation periods: dates in Asia/Shanghai, `to` exclusive (as the evaluation endpoint takes them). */
export const PERIODS = [
  { id: 'this_month', label: '本月' },
  { id: 'last_month', label: '上月' },
  { id: 'this_quarter', label: '本季度' },
  { id: 'this_year', label: '本年' },
  { id: 'last_7_days', label: '近 7 天' },
] as const;
export type PeriodId = (typeof PERIODS)[number]['id'];

const ymd = (y: number, m: number, d: number): string => {
  const t = new Date(Date.UTC(y, m, d));
  return t.toISOString().slice(0, 10);
};

/** Today's date in Harbin (UTC+8, no daylight saving). */
function harbinToday(now: Date): { y: number; m: number; d: number } {
  const t = new Date(now.getTime() + 8 * 3600_000);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth(), d: t.getUTCDate() };
}

export function evaluationPeriod(id: PeriodId, now: Date): { from: string; to: string } {
  const { y, m, d } = harbinToday(now);
  switch (id) {
    case 'this_month':
      return { from: ymd(y, m, 1), to: ymd(y, m + 1, 1) };
    case 'last_month':
      return { from: ymd(y, m - 1, 1), to: ymd(y, m, 1) };
    case 'this_quarter': {
      const q = Math.floor(m / 3) * 3;
      return { from: ymd(y, q, 1), to: ymd(y, q + 3, 1) };
    }
    case 'this_year':
      return { from: ymd(y, 0, 1), to: ymd(y + 1, 0, 1) };
    case 'last_7_days':
      return { from: ymd(y, m, d - 6), to: ymd(y, m, d + 1) };
  }
}

/** Light yellow → dark red for a share 0–1. */
export function heatColor(share: number): string {
  const s = Math.max(0, Math.min(1, share));
  const from = [255, 237, 160];
  const to = [189, 0, 38];
  const c = from.map((f, i) => Math.round(f + (to[i]! - f) * s));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
