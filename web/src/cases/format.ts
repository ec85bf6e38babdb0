import { beijing } from '../ui/time';

/** 「11/22 13:05」 in Harbin time. */
export const formatTime = (iso: string | null): string => beijing(iso);

/** 「南岗区 · 花园街道 · 230103001001001」 */
export function placeLine(p: {
  district: { name: string } | null;
  street: { name: string } | null;
  gridCode: string | null;
}): string {
  return (
    [p.district?.name, p.street?.name, p.gridCode ? `网格 ${p.gridCode}` : null].filter(Boolean).join(' · ') || '位置未落入网格'
  );
}

export const percent = (v: number | null, digits = 1): string => (v === null ? '—' : `${(v * 100).toFixed(digits)}%`);
