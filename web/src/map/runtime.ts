import { addProtocol, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { PMTiles, Protocol } from 'pmtiles';
import { BASEMAP_PATH } from './basemap-style';
import type { LonLatBounds } from './coverage';

let installed = false;
const protocol = new Protocol();

/**
 * Process-wide MapLibre set-up, done once before the first map: the worker script's URL (Vite emits it as
 * a separate file, which MapLibre cannot find by itself) and the `pmtiles://` protocol for the basemap.
 */
export function installMapRuntime(): void {
  if (installed) return;
  installed = true;
  setWorkerUrl(workerUrl);
  addProtocol('pmtiles', protocol.tile);
}

/**
 * The PMTiles archive at `url`, shared with the map's `pmtiles://` protocol: its header (bounds, zooms) is read
 * once for both.
 */
function pmtilesArchive(url: string): PMTiles {
  const known = protocol.get(url);
  if (known) return known;
  const archive = new PMTiles(url);
  protocol.add(archive);
  return archive;
}

/** The area the offline basemap covers, from the header of the archive the gateway serves. */
export async function basemapCoverage(origin: string): Promise<LonLatBounds> {
  const header = await pmtilesArchive(`${origin}${BASEMAP_PATH}`).getHeader();
  return { west: header.minLon, south: header.minLat, east: header.maxLon, north: header.maxLat };
}
