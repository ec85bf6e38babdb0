import { z } from 'zod';
import { aggregateAnswerSchema, type AggregateCollection, type ServiceAreaResponse } from '../../../contracts/analysis';
import {
  ogcCollectionsSchema,
  ogcItemsSchema,
  ogcQueryablesSchema,
  type OgcCollection,
  type OgcFeature,
  type OgcItems,
} from '../../../contracts/ogc';
import { call, getJson } from '../api/http';
import { valueTypeOf, type ValueType } from './query-builder';

/** The gateway's OGC API Features catalogue and the analysis API, parsed at the edge with the contracts' schemas. */
export type Collection = OgcCollection;
export type Feature = OgcFeature;
export type Items = OgcItems;
export type AggregateFeature = z.infer<typeof aggregateAnswerSchema>['features'][number];

const serviceAreaSchema = z.custom<ServiceAreaResponse>(
  (v) => typeof v === 'object' && v !== null && 'edges' in v && 'hull' in v,
  { message: 'not a service area' },
);

export const plannerApi = {
  collections: (signal?: AbortSignal) => getJson('/ogc/collections', ogcCollectionsSchema, signal).then((r) => r.collections),
  /** The filterable attributes of a collection, their types (geometry left out) and their Chinese titles. */
  queryables: async (
    id: string,
    signal?: AbortSignal,
  ): Promise<{ types: Record<string, ValueType>; titles: Record<string, string> }> => {
    const q = await getJson(`/ogc/collections/${encodeURIComponent(id)}/queryables`, ogcQueryablesSchema, signal);
    const types: Record<string, ValueType> = {};
    const titles: Record<string, string> = {};
    for (const [name, schema] of Object.entries(q.properties)) {
      const t = valueTypeOf(schema);
      if (t) types[name] = t;
      if (schema.title) titles[name] = schema.title;
    }
    return { types, titles };
  },
  items: (url: string, signal?: AbortSignal) => getJson(url, ogcItemsSchema, signal),
  aggregate: (body: { collection: AggregateCollection; by: 'grid' | 'street' | 'district' | 'h3'; h3Resolution?: number }) =>
    call('POST', '/api/analysis/aggregate', aggregateAnswerSchema, body).then((r) => r.features),
  serviceArea: (body: { lon: number; lat: number; minutes: number }) =>
    call('POST', '/api/analysis/service-area', serviceAreaSchema, body),
};
