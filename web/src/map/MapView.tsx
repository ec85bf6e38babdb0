import { MapLibreOverlay } from '@deck.gl/maplibre';
import { AttributionControl, Map as MapLibreMap, NavigationControl, ScaleControl, type MapMouseEvent } from 'maplibre-gl';
import { useEffect, useRef } from 'react';
import { HARBIN_BOUNDS } from '../../../contracts';
import { installMapRuntime } from './runtime';
import { buildStyle } from './style';

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
 * `data-map-state` is `loading`, `busy` (moving or fetching tiles) or `idle` (everything drawn).
 */
export function MapView({ onReady, onClick }: Props) {
  const containerRef = useRef<HTMLDivElement>(null);
  const callbacks = useRef({ onReady, onClick });
  callbacks.current = { onReady, onClick };

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    installMapRuntime();
    const setState = (state: 'loading' | 'busy' | 'idle') => container.setAttribute('data-map-state', state);
    setState('loading');
    const { west, south, east, north } = HARBIN_BOUNDS;
    const map = new MapLibreMap({
      container,
      style: buildStyle(window.location.origin),
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
    map.touchZoomRotate.disableRotation();
    map.addControl(new AttributionControl({ compact: false }), 'bottom-right');
    map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
    map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    map.on('movestart', () => setState('busy'));
    map.on('dataloading', () => setState('busy'));
    map.on('idle', () => setState('idle'));
    map.on('error', (e) => console.error('map error:', e.error?.message ?? e));
    window.__harbinMap = map;

    let overlay: MapLibreOverlay | null = null;
    map.once('load', () => {
      overlay = new MapLibreOverlay({ interleaved: true, layers: [] });
      map.addControl(overlay);
      const handles = { map, overlay };
      map.on('click', (e) => callbacks.current.onClick(e, handles));
      callbacks.current.onReady(handles);
    });
    return () => {
      if (window.__harbinMap === map) delete window.__harbinMap;
      overlay?.finalize();
      map.remove();
    };
  }, []);

  return <div ref={containerRef} className="map" aria-label="哈尔滨市地图" role="application" />;
}
