import type { Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useState } from 'react';
import type { TileInvalidation } from '../../../contracts/realtime';
import type { RealtimeSocket } from '../api/socket';

/**
 * Live refresh of operational vector tiles: a map joins the layers of its live tile sources (`layer:subscribe`) on
 * the session's socket, and on `tiles:invalidate` re-fetches only the named tiles of those sources (the whole
 * source when the map cannot refresh single tiles, or when too many changed at once).
 */

/** Layers whose tiles change while the map is open (base layers like districts do not, and are not joined). */
export const LIVE_TILE_LAYERS = ['incidents', 'units', 'cases'] as const;

/** Above this many tiles of one source in one event, the whole source is reloaded instead. */
export const MAX_TILES_PER_REFRESH = 256;

export interface TileId {
  z: number;
  x: number;
  y: number;
}

/** What the plan needs of a style source. */
export interface SourceLike {
  type: string;
  tiles?: readonly string[];
  minzoom?: number;
  maxzoom?: number;
}

/** A live source: the map source id, the tile layer it shows, and its zoom range. */
export interface LiveSource {
  sourceId: string;
  layer: string;
  minzoom: number;
  maxzoom: number;
}

const TILE_URL = /(?:^|\/)tiles\/([a-z0-9_-]{1,40})\/\{z\}\/\{x\}\/\{y\}\.mvt(?:\?.*)?$/;

/** The gateway tile layer a tile URL template reads (`…/tiles/{layer}/{z}/{x}/{y}.mvt`), or null. */
export function tileLayerOf(template: string): string | null {
  return TILE_URL.exec(template)?.[1] ?? null;
}

/** The vector sources of a style that show one of `layers` from the gateway's tile URLs. */
export function liveSourcesOf(sources: Record<string, SourceLike>, layers: readonly string[] = LIVE_TILE_LAYERS): LiveSource[] {
  const out: LiveSource[] = [];
  for (const [sourceId, s] of Object.entries(sources)) {
    if (s.type !== 'vector' || !s.tiles?.length) continue;
    const layer = tileLayerOf(s.tiles[0]!);
    if (layer && layers.includes(layer)) out.push({ sourceId, layer, minzoom: s.minzoom ?? 0, maxzoom: s.maxzoom ?? 22 });
  }
  return out;
}

/** A `z/x/y` tile id, or null when it is not one (negative, fractional, or outside the zoom level). */
export function parseTileId(id: string): TileId | null {
  const m = /^(\d{1,2})\/(\d{1,7})\/(\d{1,7})$/.exec(id);
  if (!m) return null;
  const [z, x, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (z > 24 || x >= 2 ** z || y >= 2 ** z) return null;
  return { z, x, y };
}

export type RefreshAction = { sourceId: string; tiles: TileId[] } | { sourceId: string; reload: true };

/**
 * What to do with one invalidation: for each source showing the layer, the named tiles within its zoom range
 * (deduplicated; a source the event names no tile of in its range is left alone), or a reload of the whole
 * source when more than `maxTiles` of them changed.
 */
export function refreshPlan(
  update: TileInvalidation,
  sources: readonly LiveSource[],
  maxTiles = MAX_TILES_PER_REFRESH,
): RefreshAction[] {
  const ids = new Map<string, TileId>();
  for (const raw of update.tiles) {
    const t = parseTileId(raw);
    if (t) ids.set(`${t.z}/${t.x}/${t.y}`, t);
  }
  const out: RefreshAction[] = [];
  for (const s of sources) {
    if (s.layer !== update.layer) continue;
    const tiles = [...ids.values()].filter((t) => t.z >= s.minzoom && t.z <= s.maxzoom);
    if (!tiles.length) continue;
    out.push(tiles.length > maxTiles ? { sourceId: s.sourceId, reload: true } : { sourceId: s.sourceId, tiles });
  }
  return out;
}

/** Whether this MapLibre build can re-fetch single tiles of a source (`Map.refreshTiles`, MapLibre 5.5 and later). */
export const canRefreshTiles = (map: MapLibreMap): boolean =>
  typeof (map as unknown as { refreshTiles?: unknown }).refreshTiles === 'function';

/** Applies one action to the map: the named tiles when it can, else the whole source (re-set with the same tiles). */
export function applyRefresh(map: MapLibreMap, action: RefreshAction): void {
  const source = map.getSource(action.sourceId);
  if (!source || source.type !== 'vector') return;
  if (!('reload' in action) && canRefreshTiles(map)) {
    map.refreshTiles(action.sourceId, action.tiles);
    return;
  }
  const vector = source as unknown as { tiles?: string[]; setTiles?: (tiles: string[]) => unknown };
  if (vector.tiles && vector.setTiles) vector.setTiles([...vector.tiles]);
}

export interface LiveTilesState {
  /** Layers the socket has joined (acknowledged by the gateway). */
  subscribed: string[];
  /** Sequence of the last invalidation applied, and how many tile refreshes it took so far. */
  lastSeq: number | null;
  refreshed: number;
}

const INITIAL: LiveTilesState = { subscribed: [], lastSeq: null, refreshed: 0 };

/**
 * Keeps the live tile sources of `map` fresh over `socket`: joins their layers (again after every reconnect, since
 * rooms do not survive one), refreshes on `tiles:invalidate`, and leaves the layers when the map or socket goes.
 * Sources added later are picked up on the map's `styledata` events.
 */
export function useLiveTiles(
  map: MapLibreMap | null,
  socket: RealtimeSocket | null,
  layers: readonly string[] = LIVE_TILE_LAYERS,
): LiveTilesState {
  const [state, setState] = useState<LiveTilesState>(INITIAL);
  const layerKey = layers.join(',');

  useEffect(() => {
    if (!map || !socket) return;
    const wanted = layerKey.split(',').filter(Boolean);
    let sources: LiveSource[] = [];
    const joined = new Set<string>();
    let disposed = false;

    const subscribe = (layer: string) =>
      socket.emit('layer:subscribe', { layer }, (ack) => {
        if (disposed) return;
        if (!ack.ok) {
          console.warn(`live tiles: ${layer}: ${ack.error.message}`);
          return;
        }
        joined.add(layer);
        setState((s) => (s.subscribed.includes(layer) ? s : { ...s, subscribed: [...s.subscribed, layer].sort() }));
      });

    const scan = () => {
      const style = map.getStyle();
      sources = liveSourcesOf((style?.sources ?? {}) as Record<string, SourceLike>, wanted);
      const layersNow = new Set(sources.map((s) => s.layer));
      for (const layer of layersNow) if (!joined.has(layer) && socket.connected) subscribe(layer);
    };

    const onConnect = () => {
      joined.clear();
      setState((s) => ({ ...s, subscribed: [] }));
      for (const layer of new Set(sources.map((s) => s.layer))) subscribe(layer);
    };

    const onInvalidate = (update: TileInvalidation) => {
      const plan = refreshPlan(update, sources);
      if (!plan.length) return;
      for (const action of plan) applyRefresh(map, action);
      setState((s) => ({ ...s, lastSeq: update.seq, refreshed: s.refreshed + plan.length }));
    };

    // A source added to the style announces itself with a `metadata` source event (tile loads are `content`).
    const onSourceData = (e: { sourceDataType?: string }) => {
      if (e.sourceDataType === 'metadata') scan();
    };

    scan();
    map.on('styledata', scan);
    map.on('sourcedata', onSourceData);
    socket.on('connect', onConnect);
    socket.on('tiles:invalidate', onInvalidate);
    return () => {
      disposed = true;
      map.off('styledata', scan);
      map.off('sourcedata', onSourceData);
      socket.off('connect', onConnect);
      socket.off('tiles:invalidate', onInvalidate);
      if (socket.connected) for (const layer of joined) socket.emit('layer:unsubscribe', { layer }, () => undefined);
      setState(INITIAL);
    };
  }, [map, socket, layerKey]);

  return state;
}
