import { z } from 'zod';

/** The product's name, shown in the web app's header and returned by `GET /api/about`. */
export const PRODUCT_NAME = '哈尔滨市城市运行应急指挥与数字城管平台';

/** One data layer the platform shows or derives from, with where it comes from and how it must be credited. */
export const aboutLayerSchema = z.object({
  layer: z.string(),
  title: z.string(),
  source: z.string(),
  licence: z.string(),
  attribution: z.string(),
  /** Features in the source file (the manifest's count); `null` for data served as-is (the basemap tiles). */
  features: z.number().int().nonnegative().nullable(),
  /** Features stored by the last import of the layer (what the map and OGC serve); `null` when not imported. */
  imported: z.number().int().nonnegative().nullable(),
  /** Features of the file refused at import because their geometry is invalid (listed in `import_issue`). */
  rejected: z.number().int().nonnegative().nullable(),
});
export type AboutLayer = z.infer<typeof aboutLayerSchema>;

/** `GET /api/about`: the product and every data layer with its source, licence and attribution. */
export const aboutResponseSchema = z.object({
  product: z.object({ name: z.string(), city: z.string(), cityAdcode: z.string() }),
  /** Every distinct attribution of the layers, in first-seen order: what the map must credit. */
  attributions: z.array(z.string()),
  layers: z.array(aboutLayerSchema),
});
export type AboutResponse = z.infer<typeof aboutResponseSchema>;
