import type { GeoJSONSource } from 'maplibre-gl';
import { useEffect, useState } from 'react';
import { MapView, type MapHandles } from '../map/MapView';

const SOURCE = 'picked-point';

/** A small map: tap to place the case; the chosen point is drawn and kept in view. */
export function PointPicker({
  point,
  onPick,
  testId = 'point-picker',
}: {
  point: { lon: number; lat: number } | null;
  onPick?: (p: { lon: number; lat: number }) => void;
  testId?: string;
}) {
  const [handles, setHandles] = useState<MapHandles | null>(null);
  useEffect(() => {
    if (!handles) return;
    const { map } = handles;
    const data: GeoJSON.FeatureCollection = {
      type: 'FeatureCollection',
      features: point
        ? [{ type: 'Feature', geometry: { type: 'Point', coordinates: [point.lon, point.lat] }, properties: {} }]
        : [],
    };
    const source = map.getSource(SOURCE) as GeoJSONSource | undefined;
    if (source) void source.setData(data);
    else {
      map.addSource(SOURCE, { type: 'geojson', data });
      map.addLayer({
        id: SOURCE,
        type: 'circle',
        source: SOURCE,
        paint: { 'circle-radius': 9, 'circle-color': '#d32f2f', 'circle-stroke-color': '#fff', 'circle-stroke-width': 3 },
      });
    }
    if (point) {
      const bounds = map.getBounds();
      if (!bounds.contains([point.lon, point.lat]) || map.getZoom() < 14)
        map.easeTo({ center: [point.lon, point.lat], zoom: Math.max(map.getZoom(), 16), duration: 500 });
    }
  }, [handles, point]);
  return (
    <div className="point-picker" data-testid={testId}>
      <MapView onReady={setHandles} onClick={(e) => onPick?.({ lon: e.lngLat.lng, lat: e.lngLat.lat })} />
    </div>
  );
}
