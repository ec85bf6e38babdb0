import { z } from 'zod';
import type { AggregateCollection, AggregateUnitProperties, ServiceAreaResponse } from '../../../contracts/analysis';
import { getJson } from '../api/http';
import { call } from '../api/http';
import { valueTypeOf, type ValueType } from './query-builder';

/** The gateway's OGC API Features catalogue and the analysis API, parsed at the edge. */

const collectionSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullish(),
  license: z.string().nullish(),
  attribution: z.string().nullish(),
  geometryType: z.string().nullish(),
  updated: z.string().nullish(),
  crs: z.array(z.string()).nullish(),
  access: z.object({ public: z.boolean(), description: z.string() }).nullish(),
});
export type Collection = z.infer<typeof collectionSchema>;

const collectionsSchema = z.object({ collections: z.array(collectionSchema) });

const queryablesSchema = z.object({
  properties: z.record(
    z.string(),
    z.object({ type: z.unknown().optional(), format: z.unknown().optional(), title: z.string().optional() }),
  ),
});

const featureSchema = z.object({
  type: z.literal('Feature'),
  id: z.union([z.string(), z.number()]).nullish(),
  geometry: z.record(z.string(), z.unknown()).nullable(),
  properties: z.record(z.string(), z.unknown()).nullable(),
});
export type Feature = z.infer<typeof featureSchema>;

const itemsSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(featureSchema),
  numberMatched: z.number().optional(),
  numberReturned: z.number().optional(),
});
export type Items = z.infer<typeof itemsSchema>;

const aggregateSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      geometry: z.record(z.string(), z.unknown()).nullable(),
      properties: z.object({
        code: z.string(),
        name: z.string().nullable(),
        count: z.number(),
        areaKm2: z.number(),
        density: z.number(),
        byCategory: z.record(z.string(), z.number()),
      }),
    }),
  ),
});
export type AggregateFeature = { type: 'Feature'; geometry: Record<string, unknown> | null; properties: AggregateUnitProperties };

const serviceAreaSchema = z.custom<ServiceAreaResponse>(
  (v) => typeof v === 'object' && v !== null && 'edges' in v && 'hull' in v,
  { message: 'not a service area' },
);

export const plannerApi = {
  collections: (signal?: AbortSignal) => getJson('/ogc/collections', collectionsSchema, signal).then((r) => r.collections),
  /** The filterable attributes of a collection, their types (geometry left out) and their Chinese titles. */
  queryables: async (
    id: string,
    signal?: AbortSignal,
  ): Promise<{ types: Record<string, ValueType>; titles: Record<string, string> }> => {
    const q = await getJson(`/ogc/collections/${encodeURIComponent(id)}/queryables`, queryablesSchema, signal);
    const types: Record<string, ValueType> = {};
    const titles: Record<string, string> = {};
    for (const [name, schema] of Object.entries(q.properties)) {
      const t = valueTypeOf(schema);
      if (t) types[name] = t;
      if (schema.title) titles[name] = schema.title;
    }
    return { types, titles };
  },
  items: (url: string, signal?: AbortSignal) => getJson(url, itemsSchema, signal),
  aggregate: (body: { collection: AggregateCollection; by: 'grid' | 'street' | 'district' | 'h3'; h3Resolution?: number }) =>
    call('POST', '/api/analysis/aggregate', aggregateSchema, body).then((r) => r.features as AggregateFeature[]),
  serviceArea: (body: { lon: number; lat: number; minutes: number }) =>
    call('POST', '/api/analysis/service-area', serviceAreaSchema, body),
};
