import { useEffect, useState } from 'react';

export interface GridShape {
  cols: number;
  rows: number;
}

/**
 * The grid of `n` tiles that shows 16:9 video largest in a `width`×`height` area: every column count is tried and the
 * one whose cells hold the widest 16:9 picture wins. A featured tile (a shared screen, the active speaker) takes
 * 2×2 cells.
 */
export function gridFor(n: number, width: number, height: number, featured: boolean, gap = 8): GridShape {
  const cells = n + (featured ? 3 : 0);
  let best: GridShape = { cols: 1, rows: Math.max(1, cells) };
  let bestSize = -1;
  for (let cols = 1; cols <= Math.max(1, cells); cols++) {
    const rows = Math.max(1, Math.ceil(cells / cols));
    if (featured && (cols < 2 || rows < 2)) continue;
    const cellW = (width - gap * (cols - 1)) / cols;
    const cellH = (height - gap * (rows - 1)) / rows;
    const size = Math.min(cellW, (cellH * 16) / 9);
    if (size > bestSize) {
      bestSize = size;
      best = { cols, rows };
    }
  }
  return best;
}

/** The size of an element (attach the returned ref), following its changes. */
export function useSize(): [(el: HTMLElement | null) => void, { width: number; height: number }] {
  const [el, setEl] = useState<HTMLElement | null>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setSize({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [el]);
  return [setEl, size];
}
