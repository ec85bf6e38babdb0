import {
  aboutResponseSchema,
  facilitiesResponseSchema,
  type AboutResponse,
  type Facility,
  type FacilityKind,
  type LocateResult,
} from '../../../contracts';
import { locateResultSchema } from '../../../contracts/geo';
import { geocodeHitsSchema, type GeocodeHit } from '../../../contracts/geocode';
import { getJson } from './http';

export type { GeocodeHit };

/** Point → district, 街道, unit-grid cell and owner (`GET /api/geo/locate`). */
export function locate(lon: number, lat: number, signal?: AbortSignal): Promise<LocateResult> {
  return getJson(`/api/geo/locate?lon=${lon.toFixed(6)}&lat=${lat.toFixed(6)}`, locateResultSchema, signal);
}

/** Place names, roads, 街道, districts and facilities matching `q` (`GET /api/geo/geocode`). */
export async function geocode(q: string, signal?: AbortSignal): Promise<GeocodeHit[]> {
  const body = await getJson(`/api/geo/geocode?q=${encodeURIComponent(q)}&limit=8`, geocodeHitsSchema, signal);
  return body.candidates;
}

export async function facilities(kinds: readonly FacilityKind[], signal?: AbortSignal): Promise<Facility[]> {
  const body = await getJson(`/api/facilities?kinds=${kinds.join(',')}`, facilitiesResponseSchema, signal);
  return body.facilities;
}

export function about(signal?: AbortSignal): Promise<AboutResponse> {
  return getJson('/api/about', aboutResponseSchema, signal);
}
