import type { ClockEntry } from '../../../contracts/reports';
import { beijing } from '../ui/time';

/** Beijing time, month to minute. */
export const beijingTime = (iso: string): string => beijing(iso);

export const LEVEL_LABELS: Record<string, string> = { I: 'Ⅰ级', II: 'Ⅱ级', III: 'Ⅲ级', IV: 'Ⅳ级' };

function span(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  return minutes >= 60 ? `${Math.floor(minutes / 60)} 小时 ${minutes % 60} 分` : `${minutes} 分钟`;
}

/** What the clock says of one deadline now: time left, time over, or how early or late it was met. */
export function clockText(c: ClockEntry, now: number): string {
  const due = Date.parse(c.dueAt);
  if (c.sentAt) {
    const d = Date.parse(c.sentAt) - due;
    return d <= 0 ? `提前 ${span(d)}` : `迟 ${span(d)}`;
  }
  return now <= due ? `剩余 ${span(due - now)}` : `超时 ${span(now - due)}`;
}
