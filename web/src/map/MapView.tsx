import { MapLibreOverlay } from '@deck.gl/maplibre';
import { AttributionControl, Map as MapLibreMap, NavigationControl, ScaleControl, type MapMouseEvent } from 'maplibre-gl';
import { useContext, useEffect, useRef, useState } from 'react';
import { HARBIN_BOUNDS } from '../../../contracts';
import { coverView, type LonLatBounds } from './coverage';
import { applyLabelScale, scaleLabels } from './label-scale';
import { MapScreenContext } from './map-screen';
import { basemapCoverage, installMapRuntime } from './runtime';
import { buildStyle } from './style';
import { tileRetrier } from './tile-retry';
import type { StyleSpec } from './style-types';

/** The urban core (道里, 南岗, 道外, 香坊 and the south of 松北) fills the first view. */
export const INITIAL_VIEW = { center: [126.64, 45.758] as [number, number], zoom: 11.8 };

export interface MapHandles {
  map: MapLibreMap;
  overlay: MapLibreOverlay;
}

declare global {
  interface Window {
    /** The live map, for operators' tooling and browser tests (e.g. `await __harbinMap.once('idle')`). */
    __harbinMap?: MapLibreMap;
  }
}

interface Props {
  onReady: (handles: MapHandles) => void;
  onClick: (e: MapMouseEvent, handles: MapHandles) => void;
}

/**
 * The full-viewport MapLibre map with a deck.gl overlay sharing its WebGL context. The container's
 * `data-map-state` is `loading`, `busy` (moving or fetching tiles) or `idle` (everything drawn). The page's
 * `MapScreenContext` sizes its labels and may start it on the basemap's coverage.
 */
export function MapView({ onReady, onClick }: Props) {
  const containerRef = useRef<HTMLDivElement>(null);
  const callbacks = useRef({ onReady, onClick });
  callbacks.current = { onReady, onClick };
  const screen = useContext(MapScreenContext);
  const screenRef = useRef(screen);
  screenRef.current = screen;
  const [live, setLive] = useState<LiveMap | null>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    installMapRuntime();
    const setState = (state: 'loading' | 'busy' | 'idle') => container.setAttribute('data-map-state', state);
    setState('loading');
    const { west, south, east, north } = HARBIN_BOUNDS;
    const base = buildStyle(window.location.origin);
    const labelScale = screenRef.current.labelScale;
    const map = new MapLibreMap({
      container,
      style: { ...base, layers: scaleLabels(base.layers, labelScale) },
      ...INITIAL_VIEW,
      minZoom: 7,
      maxZoom: 19,
      maxBounds: [
        [west, south],
        [east, north],
      ],
      attributionControl: false,
      // Over-zoom every level past a source's maxzoom instead of splitting its tiles (MapLibre's default
      // splits up to four levels below maxZoom), so that the label sources keep one label per area.
      zoomLevelsToOverscale: undefined,
      dragRotate: false,
      pitchWithRotate: false,
    });
    // The view as made (after maxBounds): a map found elsewhere later was moved by someone, even before it loaded.
    const made = map.getCenter();
    const madeAt = { lng: made.lng, lat: made.lat, zoom: map.getZoom() };
    map.touchZoomRotate.disableRotation();
    map.addControl(new AttributionControl({ compact: false }), 'bottom-right');
    map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    map.on('movestart', () => setState('busy'));
    map.on('dataloading', () => setState('busy'));
    map.on('idle', () => setState('idle'));
    // A tile the network dropped is asked for again (a warning, not a fault); anything else is an error of the page.
    const retry = tileRetrier(map);
    map.on('error', (e) => {
      const lost = retry.handle(e);
      if (lost) console.warn('map tile lost, asking again:', lost.sourceId, lost.tile, e.error?.message);
      else console.error('map error:', e.error?.message ?? e);
    });
    window.__harbinMap = map;

    let overlay: MapLibreOverlay | null = null;
    map.once('load', () => {
      overlay = new MapLibreOverlay({ interleaved: true, layers: [] });
      map.addControl(overlay);
      const handles = { map, overlay };
      map.on('click', (e) => callbacks.current.onClick(e, handles));
      setLive({ map, base, labelScale, madeAt });
      callbacks.current.onReady(handles);
    });
    return () => {
      if (window.__harbinMap === map) delete window.__harbinMap;
      retry.dispose();
      overlay?.finalize();
      map.remove();
    };
  }, []);

  useScreen(live, screen.labelScale, screen.coverBasemap);

  return <div ref={containerRef} className="map" aria-label="哈尔滨市地图" role="application" />;
}

interface LiveMap {
  map: MapLibreMap;
  /** The style the map was made with, before its labels were scaled. */
  base: StyleSpec;
  /** The label scale the map was made with. */
  labelScale: number;
  /** The view the map was made with. */
  madeAt: { lng: number; lat: number; zoom: number };
}

/**
 * Follows the screen of a loaded map: labels re-sized when the page's layout changes (desk ↔ wall), and the first
 * view placed on the basemap's coverage — again after a change of layout, as long as nobody has moved the map since.
 */
function useScreen(live: LiveMap | null, labelScale: number, coverBasemap: boolean): void {
  const scaled = useRef<number | null>(null);
  useEffect(() => {
    if (!live) return;
    // The style was built at the scale of its time; apply only a different one.
    scaled.current ??= live.labelScale;
    if (scaled.current === labelScale) return;
    scaled.current = labelScale;
    applyLabelScale(live.map, live.base.layers, labelScale);
  }, [live, labelScale]);

  const [coverage, setCoverage] = useState<LonLatBounds | null>(null);
  useEffect(() => {
    if (!live || !coverBasemap) return;
    let disposed = false;
    basemapCoverage(window.location.origin).then(
      (bounds) => !disposed && setCoverage(bounds),
      // Without the archive's header the map keeps the fixed first view.
      (err: unknown) => console.warn('basemap coverage:', err),
    );
    return () => {
      disposed = true;
    };
  }, [live, coverBasemap]);

  // The view last placed here (at first the one the map was made with): a map moved away from it is left alone,
  // also when it was moved before it had loaded.
  const placed = useRef<{ lng: number; lat: number; zoom: number } | null>(null);
  useEffect(() => {
    if (!live) return;
    const { map } = live;
    const viewNow = () => {
      const { lng, lat } = map.getCenter();
      return { lng, lat, zoom: map.getZoom() };
    };
    placed.current ??= live.madeAt;
    if (!coverage || !coverBasemap) return;
    const at = viewNow();
    const was = placed.current;
    if (Math.abs(at.zoom - was.zoom) > 1e-6 || Math.abs(at.lng - was.lng) + Math.abs(at.lat - was.lat) > 1e-7) return;
    const box = map.getContainer();
    map.jumpTo(coverView(coverage, { width: box.clientWidth, height: box.clientHeight }, INITIAL_VIEW.center));
    placed.current = viewNow();
  }, [live, coverage, coverBasemap, labelScale]);
}
