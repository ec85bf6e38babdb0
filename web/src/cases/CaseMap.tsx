import type { GeoJSONSource, MapMouseEvent } from 'maplibre-gl';
import { useEffect, useState } from 'react';
import type { CaseSummary } from '../../../contracts/cases';
import { MapView, type MapHandles } from '../map/MapView';
import { SLA_TONE_COLORS, slaTone, type SlaTone } from './sla';

const SOURCE = 'case-points';

/** Cases as points coloured by SLA tone (the selected one ringed); a click selects the case under it. */
export function CaseMap({
  cases,
  selectedId,
  onSelect,
  now,
}: {
  cases: readonly CaseSummary[];
  selectedId: number | null;
  onSelect: (id: number) => void;
  now: Date;
}) {
  const [handles, setHandles] = useState<MapHandles | null>(null);

  useEffect(() => {
    if (!handles) return;
    const { map } = handles;
    const data: GeoJSON.FeatureCollection = {
      type: 'FeatureCollection',
      features: cases.map((c) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [c.place.lon, c.place.lat] },
        properties: { id: c.id, tone: slaTone(c.sla, now), selected: c.id === selectedId },
      })),
    };
    const source = map.getSource(SOURCE) as GeoJSONSource | undefined;
    if (source) void source.setData(data);
    else {
      map.addSource(SOURCE, { type: 'geojson', data });
      const match = ['match', ['get', 'tone']] as unknown[];
      for (const [tone, color] of Object.entries(SLA_TONE_COLORS) as [SlaTone, string][]) match.push(tone, color);
      match.push('#607d8b');
      map.addLayer({
        id: SOURCE,
        type: 'circle',
        source: SOURCE,
        paint: {
          'circle-radius': ['case', ['boolean', ['get', 'selected'], false], 10, 6],
          'circle-color': match as never,
          'circle-stroke-color': ['case', ['boolean', ['get', 'selected'], false], '#111', '#fff'],
          'circle-stroke-width': ['case', ['boolean', ['get', 'selected'], false], 3, 1.5],
        },
      });
    }
  }, [handles, cases, selectedId, now]);

  useEffect(() => {
    if (!handles || selectedId === null) return;
    const c = cases.find((x) => x.id === selectedId);
    if (c) handles.map.easeTo({ center: [c.place.lon, c.place.lat], zoom: Math.max(handles.map.getZoom(), 14), duration: 600 });
    // Only when the selection changes: the view must not jump each time the list refreshes.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `cases` is read, not watched
  }, [handles, selectedId]);

  const onClick = (e: MapMouseEvent, h: MapHandles) => {
    if (!h.map.getLayer(SOURCE)) return;
    const hit = h.map.queryRenderedFeatures(
      [
        [e.point.x - 6, e.point.y - 6],
        [e.point.x + 6, e.point.y + 6],
      ],
      { layers: [SOURCE] },
    )[0];
    const id = hit?.properties?.id;
    if (typeof id === 'number') onSelect(id);
  };

  return (
    <div className="case-map" data-testid="case-map">
      <MapView onReady={setHandles} onClick={onClick} />
    </div>
  );
}
