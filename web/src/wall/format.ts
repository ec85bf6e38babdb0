import { useEffect, useState } from 'react';
import { beijing } from '../ui/time';

/** Time formats of the wall: clock times in Beijing time, ages and ETAs as m:ss. */

/** 13:05:09 in Beijing time. */
export const clockTime = (t: string | number | Date): string => beijing(t, 'clock');

/** 11/22 13:05:09 in Beijing time. */
export const dateTime = (t: string | number | Date): string => beijing(t, 'monthSecond');

const pad = (n: number) => String(n).padStart(2, '0');

/** Seconds as `m:ss`, or `h:mm:ss` from an hour. */
export function minSec(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** Age of something that happened at `iso`, at `now`. */
export function age(iso: string, now: number): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '—' : minSec((now - t) / 1000);
}

export function distance(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(1)} 公里` : `${Math.round(m)} 米`;
}

/** The current time, re-read every `intervalMs` (re-renders the caller). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** How old data last heard at `heardAt` is at `now`, in words: `45 秒前`, `2 分 15 秒前`, `1 小时 3 分前`. */
export function dataAge(heardAt: number, now: number): string {
  const s = Math.max(0, Math.floor((now - heardAt) / 1000));
  if (s < 60) return `${s} 秒前`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} 分 ${s % 60} 秒前`;
  return `${Math.floor(m / 60)} 小时 ${m % 60} 分前`;
}
