import type { Map as MapLibreMap } from 'maplibre-gl';
import { tileListingSchema } from '../../../contracts/ogc';
import { getJson } from '../api/http';

/** The live incident tiles on the planner map: a MapLibre circle layer over the gateway's `incidents` tile layer. */
export const INCIDENT_TILE_SOURCE = 'planner-incidents-live';
export const INCIDENT_TILE_LAYER = 'planner-incidents-live-circle';
const LAYER = 'incidents';

/**
 * Adds the incident tile layer when the gateway serves it (its `/tiles` listing names it) and returns whether it
 * did; a gateway without it leaves the map as it was.
 */
export async function addIncidentTiles(map: MapLibreMap, signal?: AbortSignal): Promise<boolean> {
  const listing = await getJson('/tiles', tileListingSchema, signal);
  const layer = listing.layers.find((l) => l.id === LAYER);
  if (!layer || map.getSource(INCIDENT_TILE_SOURCE)) return !!layer;
  map.addSource(INCIDENT_TILE_SOURCE, {
    type: 'vector',
    tiles: [`${window.location.origin}/tiles/${LAYER}/{z}/{x}/{y}.mvt`],
    minzoom: layer.minzoom,
    maxzoom: layer.maxzoom,
    attribution: '平台业务数据',
  });
  // Below the labels of the style, above the boundaries.
  const firstSymbol = map.getStyle().layers.find((l) => l.type === 'symbol')?.id;
  map.addLayer(
    {
      id: INCIDENT_TILE_LAYER,
      type: 'circle',
      source: INCIDENT_TILE_SOURCE,
      'source-layer': LAYER,
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 2.5, 15, 6],
        'circle-color': '#d7301f',
        'circle-opacity': 0.75,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1,
      },
    },
    firstSymbol,
  );
  return true;
}

export function setIncidentTilesVisible(map: MapLibreMap, visible: boolean): void {
  if (map.getLayer(INCIDENT_TILE_LAYER)) map.setLayoutProperty(INCIDENT_TILE_LAYER, 'visibility', visible ? 'visible' : 'none');
}
