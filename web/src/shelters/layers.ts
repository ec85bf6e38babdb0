import { PathLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { EvacuationPlan } from '../../../contracts/evacuation';
import type { Shelter } from '../../../contracts/shelters';

type PlanShelter = EvacuationPlan['shelters'][number];
type Rgba = [number, number, number, number];

/** Load colour of a shelter: green with room, amber nearly full, red full — or, for the baseline, over capacity. */
export function loadColour(assigned: number, capacity: number): Rgba {
  if (capacity <= 0 || assigned > capacity) return [200, 30, 30, 235];
  const r = assigned / capacity;
  return r >= 0.999 ? [220, 90, 20, 235] : r >= 0.8 ? [235, 170, 20, 235] : [30, 150, 70, 235];
}

/** The population choropleth (人口网格, the planners' tile layer) under everything else. */
export function addPopulationTiles(map: MapLibreMap, variant: 'night' | 'day'): void {
  if (!map.getSource('population')) {
    map.addSource('population', {
      type: 'vector',
      tiles: [`${window.location.origin}/tiles/population/{z}/{x}/{y}.mvt`],
      minzoom: 11,
      maxzoom: 16,
    });
    map.addLayer({
      id: 'population-fill',
      type: 'fill',
      source: 'population',
      'source-layer': 'population',
      paint: { 'fill-opacity': 0.55, 'fill-color': '#fff' },
    });
  }
  map.setPaintProperty('population-fill', 'fill-color', [
    'interpolate',
    ['linear'],
    ['coalesce', ['get', variant], 0],
    0,
    'rgba(255,255,255,0)',
    50,
    '#fee5d9',
    300,
    '#fcae91',
    1000,
    '#fb6a4a',
    3000,
    '#cb181d',
  ]);
}

/** Walking routes (width by people), cells (red where people are left unassigned) and shelters by load. */
export function planLayers(plan: EvacuationPlan | null, shelters: readonly Shelter[], showBaseline: boolean) {
  const planShelters = new Map((plan?.shelters ?? []).map((s) => [s.id, s]));
  const others = shelters.filter((s) => !planShelters.has(s.id));
  const layers = [
    new ScatterplotLayer<Shelter>({
      id: 'shelters-all',
      data: others,
      getPosition: (s) => [s.lon, s.lat],
      getRadius: 4,
      radiusUnits: 'pixels',
      getFillColor: (s) => (s.category === 'underground' ? [40, 70, 160, 200] : [60, 140, 90, 170]),
      pickable: true,
    }),
  ];
  if (!plan) return layers;
  return [
    ...layers,
    new PathLayer<EvacuationPlan['routes'][number]>({
      id: 'evacuation-routes',
      data: showBaseline ? [] : plan.routes,
      getPath: (r) => r.coordinates,
      getWidth: (r) => Math.min(8, 1 + Math.sqrt(r.people) / 12),
      widthUnits: 'pixels',
      getColor: [20, 90, 200, 150],
      capRounded: true,
      jointRounded: true,
    }),
    new ScatterplotLayer<EvacuationPlan['cells'][number]>({
      id: 'evacuation-cells',
      data: plan.cells,
      getPosition: (c) => [c.lon, c.lat],
      getRadius: (c) => Math.min(7, 1.5 + Math.sqrt(c.population) / 15),
      radiusUnits: 'pixels',
      getFillColor: (c) => (c.unassigned > 0 && !showBaseline ? [200, 30, 30, 220] : [90, 90, 90, 150]),
      pickable: true,
      updateTriggers: { getFillColor: [showBaseline] },
    }),
    new ScatterplotLayer<PlanShelter>({
      id: 'evacuation-shelters',
      data: plan.shelters,
      getPosition: (s) => [s.lon, s.lat],
      getRadius: (s) => Math.min(22, 6 + Math.sqrt(showBaseline ? s.baselineAssigned : s.assigned) / 8),
      radiusUnits: 'pixels',
      getFillColor: (s) => loadColour(showBaseline ? s.baselineAssigned : s.assigned, s.available),
      getLineColor: [255, 255, 255, 255],
      lineWidthMinPixels: 2,
      stroked: true,
      pickable: true,
      updateTriggers: { getFillColor: [showBaseline], getRadius: [showBaseline] },
    }),
  ];
}
