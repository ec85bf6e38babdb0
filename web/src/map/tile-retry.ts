import type { Map as MapLibreMap } from 'maplibre-gl';

/** A tile the network failed to bring (no HTTP answer at all: a dropped connection, a phone between cells). */
export interface LostTile {
  sourceId: string;
  tile: { x: number; y: number; z: number };
}

interface MapErrorLike {
  error?: { message?: string; status?: number } | null;
  sourceId?: string;
  tile?: { tileID?: { canonical?: { x: number; y: number; z: number } } };
}

/**
 * The tile of a map `error` event when the cause was the network rather than the server: the request got no answer
 * (status absent or 0). A tile the server answered with an error (a 4xx or 5xx) is not retried: asking again would
 * get the same answer.
 */
export function lostTile(event: MapErrorLike): LostTile | null {
  const c = event.tile?.tileID?.canonical;
  if (!c || !event.sourceId) return null;
  const status = event.error?.status;
  if (typeof status === 'number' && status > 0) return null;
  return { sourceId: event.sourceId, tile: { x: c.x, y: c.y, z: c.z } };
}

/** Delays before each new attempt at a lost tile; after the last the tile stays blank until the map moves. */
export const TILE_RETRY_DELAYS_MS = [1_000, 4_000, 15_000] as const;

/**
 * Asks again for tiles the network lost, a few times with growing pauses, so that one dropped request does not
 * leave a hole in the map. `handle` gives the lost tile when `event` was one (handled here, not a fault of the page).
 */
export function tileRetrier(map: Pick<MapLibreMap, 'refreshTiles' | 'getSource'>): {
  handle: (event: MapErrorLike) => LostTile | null;
  dispose: () => void;
} {
  const attempts = new Map<string, number>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  return {
    handle(event) {
      const lost = lostTile(event);
      if (!lost) return null;
      const key = `${lost.sourceId}/${lost.tile.z}/${lost.tile.x}/${lost.tile.y}`;
      const n = attempts.get(key) ?? 0;
      const delay = TILE_RETRY_DELAYS_MS[n];
      if (delay === undefined) return lost;
      attempts.set(key, n + 1);
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (map.getSource(lost.sourceId)) map.refreshTiles(lost.sourceId, [lost.tile]);
      }, delay);
      timers.add(timer);
      return lost;
    },
    dispose() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
