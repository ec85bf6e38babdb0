import { z } from 'zod';

/**
 * Spatial analysis (`/api/analysis/*`): request schemas and response types. The geometry is only checked for
 * being a JSON object here; its structure, size, extent and validity are checked on the server.
 */

/** Most positions one input geometry may have. */
export const ANALYSIS_MAX_VERTICES = 10_000;
/** Buffer distance range, in metres. */
export const BUFFER_MIN_M = 1;
export const BUFFER_MAX_M = 20_000;
/** Drive-time range of a service area, in minutes. */
export const SERVICE_AREA_MAX_MINUTES = 30;
/** Most features `within` returns. */
export const WITHIN_MAX_LIMIT = 10_000;

const number = (what: string) =>
  z.number({ error: `${what} 须为有限数` }).refine((v) => Number.isFinite(v), { message: `${what} 须为有限数` });

const geometry = z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), {
  message: 'geometry 须为 GeoJSON 几何对象，例如 {"type":"Point","coordinates":[126.63,45.75]}',
});

export const bufferInput = z.strictObject({
  geometry,
  distanceM: number('distanceM').refine((v) => v >= BUFFER_MIN_M && v <= BUFFER_MAX_M, {
    message: `distanceM 须在 ${BUFFER_MIN_M} 到 ${BUFFER_MAX_M} 米之间`,
  }),
});
export type BufferInput = z.infer<typeof bufferInput>;

export const serviceAreaInput = z.strictObject({
  lon: number('lon'),
  lat: number('lat'),
  // A person types the minutes into the planner's form: the message is theirs (Chinese), shown beside the field.
  minutes: z
    .number({ error: `驾车时间须为 1 到 ${SERVICE_AREA_MAX_MINUTES} 分钟` })
    .refine((v) => Number.isFinite(v) && v >= 1 && v <= SERVICE_AREA_MAX_MINUTES, {
      message: `驾车时间须为 1 到 ${SERVICE_AREA_MAX_MINUTES} 分钟`,
    }),
});
export type ServiceAreaInput = z.infer<typeof serviceAreaInput>;

export const withinInput = z.strictObject({
  collection: z.string({ error: 'collection 须为 /ogc/collections 中的数据集 id（如 poi、incidents、cases）' }).max(60),
  geometry,
  limit: z
    .number({ error: 'limit 须为整数' })
    .int({ error: 'limit 须为整数' })
    .min(1, { error: 'limit 至少为 1' })
    .max(WITHIN_MAX_LIMIT, { error: `limit 至多为 ${WITHIN_MAX_LIMIT}` })
    .default(1_000),
});
export type WithinInput = z.infer<typeof withinInput>;

export const AGGREGATE_COLLECTIONS = ['incidents', 'cases', 'poi'] as const;
/** Collections with a time of their own, which `from`/`to` filter on (incidents: first report; cases: report). */
export const TIMED_AGGREGATE_COLLECTIONS: readonly AggregateCollection[] = ['incidents', 'cases'];
export type AggregateCollection = (typeof AGGREGATE_COLLECTIONS)[number];
export const AGGREGATE_UNITS = ['grid', 'street', 'district', 'h3'] as const;
export type AggregateUnit = (typeof AGGREGATE_UNITS)[number];

const isoTime = (what: string) =>
  z.iso.datetime({ offset: true, error: `${what} 须为带时区的 ISO 8601 时间，例如 2026-12-07T20:00:00+08:00` });

export const aggregateInput = z
  .strictObject({
    collection: z.enum(AGGREGATE_COLLECTIONS, { error: 'collection 须为 incidents、cases 或 poi' }),
    by: z.enum(AGGREGATE_UNITS, { error: 'by 须为 grid、street、district 或 h3' }),
    h3Resolution: z
      .number({ error: 'h3Resolution 须为整数' })
      .int({ error: 'h3Resolution 须为整数' })
      .min(6, { error: 'h3Resolution 须在 6 到 10 之间' })
      .max(10, { error: 'h3Resolution 须在 6 到 10 之间' })
      .default(8),
    category: z.string({ error: 'category 须为文字' }).trim().min(1, { error: 'category 不能为空' }).max(100).optional(),
    from: isoTime('from').optional(),
    to: isoTime('to').optional(),
  })
  .refine((v) => TIMED_AGGREGATE_COLLECTIONS.includes(v.collection) || (v.from === undefined && v.to === undefined), {
    message: 'from/to 只用于筛选 incidents（按 first_reported_at）和 cases（按 reported_at）；poi 没有时间',
    path: ['from'],
  })
  .refine((v) => v.from === undefined || v.to === undefined || Date.parse(v.from) <= Date.parse(v.to), {
    message: 'from 不能晚于 to',
    path: ['to'],
  });
export type AggregateInput = z.infer<typeof aggregateInput>;

export interface BufferResponse {
  type: 'Feature';
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
  properties: { distanceM: number; areaM2: number };
}

export interface ServiceAreaResponse {
  origin: { lon: number; lat: number; snap: { lon: number; lat: number; distanceM: number; gid: number } };
  minutes: number;
  reachedEdges: number;
  /** gids of the reached road edges, in the order the search reached them. */
  edgeGids: number[];
  maxDriveS: number;
  /** The road edges driven in full within the time. */
  edges: { type: 'MultiLineString'; coordinates: [number, number][][] };
  /** Concave hull (ratio 0.3) of those edges; null when fewer than three distinct points were reached. */
  hull: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown } | null;
}

export const aggregateUnitPropertiesSchema = z.object({
  /** Unit code, or the H3 index. */
  code: z.string(),
  name: z.string().nullable(),
  count: z.number(),
  areaKm2: z.number(),
  /** Points per km². */
  density: z.number(),
  byCategory: z.record(z.string(), z.number()),
});
export type AggregateUnitProperties = z.infer<typeof aggregateUnitPropertiesSchema>;

/** `POST /api/analysis/aggregate`: one feature per unit (grid cell, street, district or H3 cell). */
export const aggregateAnswerSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      geometry: z.record(z.string(), z.unknown()).nullable(),
      properties: aggregateUnitPropertiesSchema,
    }),
  ),
});
