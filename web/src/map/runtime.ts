import { addProtocol, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { Protocol } from 'pmtiles';

let installed = false;

/**
 * Process-wide MapLibre set-up, done once before the first map: the worker script's URL (Vite emits it as
 * a separate file, which MapLibre cannot find by itself) and the `pmtiles://` protocol for the basemap.
 */
export function installMapRuntime(): void {
  if (installed) return;
  installed = true;
  setWorkerUrl(workerUrl);
  addProtocol('pmtiles', new Protocol().tile);
}
