import { z } from 'zod';
import {
  aboutResponseSchema,
  facilitiesResponseSchema,
  type AboutResponse,
  type Facility,
  type FacilityKind,
  type LocateResult,
} from '../../../contracts';
import { GEOCODE_KINDS } from '../../../contracts/geocode';
import { getJson } from './http';

const namedCode = z.object({ code: z.string(), name: z.string() });

const locateResultSchema = z.object({
  lon: z.number(),
  lat: z.number(),
  coverage: z.enum(['grid', 'district', 'outside']),
  district: namedCode.nullable(),
  street: namedCode.nullable(),
  gridCode: z.string().nullable(),
  community: z.string().nullable(),
  owner: z.string().nullable(),
  message: z.string().optional(),
}) satisfies z.ZodType<LocateResult>;

/** The fields of a geocoding candidate the search box uses. */
const geocodeCandidateSchema = z.object({
  name: z.string(),
  kind: z.enum(GEOCODE_KINDS),
  category: z.string().optional(),
  lon: z.number(),
  lat: z.number(),
  district: namedCode.optional(),
});
export type GeocodeHit = z.infer<typeof geocodeCandidateSchema>;
const geocodeResponseSchema = z.object({ candidates: z.array(geocodeCandidateSchema) });

/** Point → district, 街道, unit-grid cell and owner (`GET /api/geo/locate`). */
export function locate(lon: number, lat: number, signal?: AbortSignal): Promise<LocateResult> {
  return getJson(`/api/geo/locate?lon=${lon.toFixed(6)}&lat=${lat.toFixed(6)}`, locateResultSchema, signal);
}

/** Place names, roads, 街道, districts and facilities matching `q` (`GET /api/geo/geocode`). */
export async function geocode(q: string, signal?: AbortSignal): Promise<GeocodeHit[]> {
  const body = await getJson(`/api/geo/geocode?q=${encodeURIComponent(q)}&limit=8`, geocodeResponseSchema, signal);
  return body.candidates;
}

export async function facilities(kinds: readonly FacilityKind[], signal?: AbortSignal): Promise<Facility[]> {
  const body = await getJson(`/api/facilities?kinds=${kinds.join(',')}`, facilitiesResponseSchema, signal);
  return body.facilities;
}

export function about(signal?: AbortSignal): Promise<AboutResponse> {
  return getJson('/api/about', aboutResponseSchema, signal);
}
