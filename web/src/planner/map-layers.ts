import { GeoJsonLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { ServiceAreaResponse } from '../../../contracts/analysis';
import type { Feature } from './api';
import { pointsOf } from './density-layers';
import type { TimelineFrame } from './TimelinePlayer';

/** A property value as table or tooltip text. */
export const cell = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** Every feature of a query result, as blue dots. */
export function resultLayer(features: Feature[]) {
  return new GeoJsonLayer({
    id: 'planner-items',
    data: { type: 'FeatureCollection', features } as never,
    pointType: 'circle',
    getPointRadius: 5,
    pointRadiusUnits: 'pixels',
    getFillColor: [0, 114, 206, 200],
    getLineColor: [0, 60, 130, 255],
    lineWidthMinPixels: 1,
    pickable: true,
  });
}

/** One frame of the time playback: the records of its window, older ones fading. */
export function timelineLayer(frame: TimelineFrame, timeField: string | null) {
  return new ScatterplotLayer<Feature>({
    id: `planner-timeline-${frame.layerId}`,
    data: frame.visible,
    getPosition: (f) => pointsOf([f])[0] ?? [0, 0],
    // Older records in the window fade: the newest are drawn fully opaque.
    getFillColor: (f) => {
      const t = Date.parse(String(f.properties?.[timeField ?? ''] ?? ''));
      const age = Number.isNaN(t) ? 1 : Math.min(1, Math.max(0, (frame.at - t) / frame.windowMs));
      return [215, 48, 31, Math.round(255 - age * 170)];
    },
    getLineColor: [255, 255, 255, 230],
    getRadius: 6,
    radiusUnits: 'pixels',
    stroked: true,
    lineWidthMinPixels: 1,
    pickable: true,
    updateTriggers: { getFillColor: [frame.at, frame.windowMs] },
  });
}

/** A service area: its hull (when there is one), the reached road edges and the origin. */
export function serviceAreaLayers(area: ServiceAreaResponse) {
  const hull = area.hull
    ? [
        new GeoJsonLayer({
          id: 'planner-service-hull',
          data: { type: 'Feature', geometry: area.hull, properties: {} } as never,
          getFillColor: [46, 160, 67, 60],
          getLineColor: [30, 120, 50, 255],
          lineWidthMinPixels: 2,
        }),
      ]
    : [];
  return [
    ...hull,
    new GeoJsonLayer({
      id: 'planner-service-edges',
      data: { type: 'Feature', geometry: area.edges, properties: {} } as never,
      getLineColor: [200, 60, 20, 220],
      lineWidthMinPixels: 2,
    }),
    new GeoJsonLayer({
      id: 'planner-service-origin',
      data: {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [area.origin.lon, area.origin.lat] },
        properties: {},
      } as never,
      pointType: 'circle',
      getPointRadius: 7,
      pointRadiusUnits: 'pixels',
      getFillColor: [200, 30, 30, 255],
      getLineColor: [255, 255, 255, 255],
      lineWidthMinPixels: 2,
    }),
  ];
}

/** The tooltip of whatever is under the pointer: a hexagon's count, a unit's count, or a feature's name. */
export function plannerTooltip({ object }: { object?: { properties?: Record<string, unknown>; count?: unknown } }) {
  if (object && !object.properties && typeof object.count === 'number') return { text: `本六边形内 ${object.count} 个` };
  const p = object?.properties;
  if (!p) return null;
  if ('count' in p) return { text: `${cell(p.name) || cell(p.code)}：${cell(p.count)}` };
  return { text: cell(p.name ?? p.title ?? p.id ?? '') };
}
