import { z } from 'zod';
import { FACILITY_KINDS, facilityKindSchema, type FacilityKind } from './geo';

/** One facility (a POI of a known kind) as listed by `GET /api/facilities`. */
export const facilitySchema = z.object({
  id: z.string(),
  kind: facilityKindSchema,
  category: z.string(),
  name: z.string(),
  hotline: z.string(),
  lon: z.number(),
  lat: z.number(),
});
export type Facility = z.infer<typeof facilitySchema>;

export const facilitiesResponseSchema = z.object({ facilities: z.array(facilitySchema) });
export type FacilitiesResponse = z.infer<typeof facilitiesResponseSchema>;

const ALL_KINDS = Object.keys(FACILITY_KINDS) as FacilityKind[];

/** `kinds=hospital,police`: a comma-separated list of facility kinds; all kinds when absent. */
export const facilitiesQuery = z.object({
  kinds: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((k) => k.trim()) : ALL_KINDS))
    .pipe(z.array(facilityKindSchema).min(1, { message: 'kinds 至少要列出一种设施类型' })),
});

/** The facility kind of a POI category, or `null` when the category belongs to no kind. */
export function facilityKindOf(category: string): FacilityKind | null {
  for (const kind of ALL_KINDS) {
    if ((FACILITY_KINDS[kind] as readonly string[]).includes(category)) return kind;
  }
  return null;
}
