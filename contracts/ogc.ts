import { z } from 'zod';

/**
 * What the browser reads of the OGC API Features answers (`/ogc/collections…`, gateway/ogc): the collection list,
 * a collection's queryables and a page of items. Other fields of the standard pass unread.
 */
export const ogcCollectionSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullish(),
  license: z.string().nullish(),
  attribution: z.string().nullish(),
  geometryType: z.string().nullish(),
  updated: z.string().nullish(),
  crs: z.array(z.string()).nullish(),
  /** Who may read it (gateway/policy/layer-access.ts). */
  access: z.object({ public: z.boolean(), description: z.string() }).nullish(),
});
export type OgcCollection = z.infer<typeof ogcCollectionSchema>;

export const ogcCollectionsSchema = z.object({ collections: z.array(ogcCollectionSchema) });

/** A collection's filterable attributes (JSON Schema properties) with their Chinese titles. */
export const ogcQueryablesSchema = z.object({
  properties: z.record(
    z.string(),
    z.object({ type: z.unknown().optional(), format: z.unknown().optional(), title: z.string().optional() }),
  ),
});

export const ogcFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.union([z.string(), z.number()]).nullish(),
  geometry: z.record(z.string(), z.unknown()).nullable(),
  properties: z.record(z.string(), z.unknown()).nullable(),
});
export type OgcFeature = z.infer<typeof ogcFeatureSchema>;

export const ogcItemsSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(ogcFeatureSchema),
  numberMatched: z.number().optional(),
  numberReturned: z.number().optional(),
});
export type OgcItems = z.infer<typeof ogcItemsSchema>;

/** `GET /tiles`: the vector tile layers the gateway serves and their zoom ranges. */
export const tileListingSchema = z.object({
  layers: z.array(z.object({ id: z.string(), minzoom: z.number(), maxzoom: z.number() })),
});
