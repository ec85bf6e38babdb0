import type { GeoJSONSource, MapMouseEvent } from 'maplibre-gl';
import { useEffect, useState } from 'react';
import type { ListedCamera } from '../../../contracts/media';
import { LABEL_FONT_STACK } from '../map/fonts';
import { MapScreenContext } from '../map/map-screen';
import { MapView, type MapHandles } from '../map/MapView';

const SOURCE = 'video-cameras';
const DOTS = 'video-camera-dots';
const NAMES = 'video-camera-names';

const featuresOf = (cameras: readonly ListedCamera[], shown: ReadonlySet<string>): GeoJSON.FeatureCollection => ({
  type: 'FeatureCollection',
  features: cameras.map((c) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [c.lon, c.lat] },
    properties: { id: c.id, name: c.name, online: c.link.online, shown: shown.has(c.id) },
  })),
});

/**
 * The cameras on the offline basemap (green online, grey offline, ringed when on the wall): clicking one puts it on
 * the selected tile.
 */
export function CameraMap({
  cameras,
  shown,
  onPick,
}: {
  cameras: readonly ListedCamera[];
  shown: ReadonlySet<string>;
  onPick(cameraId: string): void;
}) {
  const [handles, setHandles] = useState<MapHandles | null>(null);
  // The 4K wall is read from across the room: dots and labels twice the size.
  const [scale] = useState(() => (window.matchMedia('(min-width: 2560px)').matches ? 2 : 1));
  useEffect(() => {
    if (!handles) return;
    const { map } = handles;
    const data = featuresOf(cameras, shown);
    const source = map.getSource(SOURCE) as GeoJSONSource | undefined;
    if (source) {
      void source.setData(data);
      return;
    }
    map.addSource(SOURCE, { type: 'geojson', data });
    map.addLayer({
      id: DOTS,
      type: 'circle',
      source: SOURCE,
      paint: {
        'circle-radius': 8 * scale,
        'circle-color': ['case', ['get', 'online'], '#2ea043', '#8b98a9'],
        'circle-stroke-color': ['case', ['get', 'shown'], '#58a6ff', '#ffffff'],
        'circle-stroke-width': ['case', ['get', 'shown'], 4 * scale, 2 * scale],
      },
    });
    map.addLayer({
      id: NAMES,
      type: 'symbol',
      source: SOURCE,
      layout: {
        'text-field': ['get', 'name'],
        'text-font': LABEL_FONT_STACK,
        'text-size': 12 * scale,
        'text-offset': [0, 1.2],
        'text-anchor': 'top',
        'text-optional': true,
      },
      paint: { 'text-color': '#1b2330', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
    });
    if (cameras.length > 0) {
      const lons = cameras.map((c) => c.lon);
      const lats = cameras.map((c) => c.lat);
      map.fitBounds(
        [
          [Math.min(...lons), Math.min(...lats)],
          [Math.max(...lons), Math.max(...lats)],
        ],
        { padding: 24, duration: 0, maxZoom: 14 },
      );
    }
  }, [handles, cameras, shown, scale]);

  const onClick = (e: MapMouseEvent, { map }: MapHandles) => {
    if (!map.getLayer(DOTS)) return;
    const box: [[number, number], [number, number]] = [
      [e.point.x - 10 * scale, e.point.y - 10 * scale],
      [e.point.x + 10 * scale, e.point.y + 10 * scale],
    ];
    // Dots close together: the one nearest the click.
    const distance = (f: { geometry: GeoJSON.Geometry }) => {
      if (f.geometry.type !== 'Point') return Infinity;
      const p = map.project(f.geometry.coordinates as [number, number]);
      return Math.hypot(p.x - e.point.x, p.y - e.point.y);
    };
    const hits = map.queryRenderedFeatures(box, { layers: [DOTS] });
    const hit = hits.sort((a, b) => distance(a) - distance(b))[0];
    const id = hit?.properties?.id;
    if (typeof id === 'string') onPick(id);
  };
  return (
    <div className="camera-map" data-testid="camera-map" data-cameras={cameras.length}>
      <MapScreenContext.Provider value={{ labelScale: scale, coverBasemap: false }}>
        <MapView onReady={setHandles} onClick={onClick} />
      </MapScreenContext.Provider>
    </div>
  );
}
