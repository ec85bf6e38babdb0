import { z } from 'zod';
import { namedCodeSchema, type NamedCode } from './geo';

/**
 * What a geocoding candidate names: a point of interest, a road (one per distinct name), a 街道, a district
 * (区/县/县级市) or a place (place labels, named water, parks and residential compounds).
 */
export const GEOCODE_KINDS = ['poi', 'road', 'street', 'district', 'place'] as const;
export type GeocodeKind = (typeof GEOCODE_KINDS)[number];

/** Longest accepted query, in characters (not UTF-16 units): a name, not a paragraph. */
export const GEOCODE_MAX_QUERY_CHARS = 100;
export const GEOCODE_MAX_LIMIT = 50;

/** Query parameters repeated in the URL (`?q=a&q=b`) arrive as arrays: refuse them by name. */
const once = (what: string) => (v: unknown, ctx: z.RefinementCtx) => {
  if (!Array.isArray(v)) return v;
  ctx.addIssue({ code: 'custom', message: `${what} 只能给一次` });
  return z.NEVER;
};

/** `GET /api/geo/geocode?q=…&limit=10&kind=poi` */
export const geocodeQuery = z.object({
  q: z.preprocess(
    once('q'),
    z
      .string({ error: 'q 必填：要查找的名称或名称的一部分' })
      .trim()
      .min(1, { message: 'q 不能为空' })
      .refine((s) => Array.from(s).length <= GEOCODE_MAX_QUERY_CHARS, {
        message: `q 不能超过 ${GEOCODE_MAX_QUERY_CHARS} 个字`,
      }),
  ),
  limit: z.preprocess(
    once('limit'),
    z.coerce
      .number({ error: 'limit 须为整数' })
      .int({ message: 'limit 须为整数' })
      .min(1, { message: `limit 须在 1 到 ${GEOCODE_MAX_LIMIT} 之间` })
      .max(GEOCODE_MAX_LIMIT, { message: `limit 须在 1 到 ${GEOCODE_MAX_LIMIT} 之间` })
      .default(10),
  ),
  kind: z.preprocess(once('kind'), z.enum(GEOCODE_KINDS, { error: `kind 须为 ${GEOCODE_KINDS.join('、')} 之一` }).optional()),
});
export type GeocodeQuery = z.infer<typeof geocodeQuery>;

/** How a candidate matched: which of its names, through which field, and how (exact > prefix > contains). */
export interface GeocodeMatch {
  /** The name or alias as stored (e.g. an `alt_name` such as 哈尔滨站, or an English name). */
  text: string;
  field: 'name' | 'short_name' | 'alt_name' | 'name_zh' | 'name_en' | 'name_ru' | 'osm_name';
  type: 'exact' | 'prefix' | 'contains';
}

export interface GeocodeCandidate {
  name: string;
  kind: GeocodeKind;
  /** POI category, road class, place type, water/park/residential, or the district's kind. */
  category?: string;
  /** WGS-84. */
  lon: number;
  lat: number;
  /** 0–1; exact matches score ≥ 0.7, prefix matches 0.4–0.7, partial (contains) matches below 0.4. */
  score: number;
  district?: NamedCode;
  /** [west, south, east, north] of a 街道 or district, so a map can show the whole area. */
  bbox?: [number, number, number, number];
  matched: GeocodeMatch;
}

export interface GeocodeResponse {
  query: string;
  /** The query as compared: simplified Chinese, lower case, without whitespace and punctuation. */
  normalized: string;
  candidates: GeocodeCandidate[];
}

export interface ReverseGeocodeResult {
  lon: number;
  lat: number;
  /** Nearest named road within the search radius, geodesic distance in metres; null when none is that close. */
  road: { name: string; distanceM: number } | null;
  street: NamedCode | null;
  district: NamedCode;
  gridCode: string | null;
  /** Nearest named point of interest within 200 m; absent when there is none. */
  poi?: { name: string; category: string; distanceM: number; lon: number; lat: number };
}

/**
 * What the browser's search box reads of a geocoding answer (`GET /api/geo/geocode`): the fields of each candidate it
 * shows, each checked against `GeocodeCandidate`.
 */
export const geocodeHitSchema = z.object({
  name: z.string(),
  kind: z.enum(GEOCODE_KINDS),
  category: z.string().optional(),
  lon: z.number(),
  lat: z.number(),
  district: namedCodeSchema.optional(),
}) satisfies z.ZodType<Pick<GeocodeCandidate, 'name' | 'kind' | 'category' | 'lon' | 'lat' | 'district'>>;
export type GeocodeHit = z.infer<typeof geocodeHitSchema>;
export const geocodeHitsSchema = z.object({ candidates: z.array(geocodeHitSchema) });
