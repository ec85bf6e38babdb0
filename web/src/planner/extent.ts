import type { Feature } from './api';
import type { Bbox } from './query-builder';

/** Folds every position of a GeoJSON coordinates array (any depth) into `box`. */
function extend(box: Bbox, coords: unknown): void {
  if (!Array.isArray(coords)) return;
  if (typeof coords[0] === 'number' && typeof coords[1] === 'number') {
    const [x, y] = coords as [number, number];
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    box[0] = Math.min(box[0], x);
    box[1] = Math.min(box[1], y);
    box[2] = Math.max(box[2], x);
    box[3] = Math.max(box[3], y);
    return;
  }
  for (const c of coords) extend(box, c);
}

/** The bounding box of the features' geometries (all of their positions), or null when none has one. */
export function featuresBbox(features: readonly Feature[]): Bbox | null {
  const box: Bbox = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (g: unknown): void => {
    if (!g || typeof g !== 'object') return;
    const geom = g as { coordinates?: unknown; geometries?: unknown };
    if (Array.isArray(geom.geometries)) for (const part of geom.geometries) walk(part);
    else extend(box, geom.coordinates);
  };
  for (const f of features) walk(f.geometry);
  return Number.isFinite(box[0]) ? box : null;
}
