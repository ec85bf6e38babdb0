import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SHARING_CLASSES } from '../../contracts/sharing';
import { CATALOG, CATALOG_BY_ID, type CatalogLayer } from '../../geo/catalog/layers';

export const SHARING_FILE = path.resolve(__dirname, '..', '..', 'data', 'sharing.json');

const entrySchema = z.strictObject({
  sharingClass: z.enum(SHARING_CLASSES),
  legalBasis: z.string().min(4),
  summary: z.string().min(4),
  provider: z.string().regex(/^[a-z0-9_-]{2,40}$/),
  updateCycle: z.string().min(1),
  formats: z.array(z.string().min(1)).min(1),
  coverage: z.string().min(1),
  contact: z.string().min(1),
});
const fileSchema = z.object({ $comment: z.string().optional(), resources: z.record(z.string(), entrySchema) });

export type SharingEntry = z.infer<typeof entrySchema>;

/** A catalogue layer with its sharing class and catalogue metadata (data/sharing.json). */
export interface CatalogueResource extends SharingEntry {
  id: string;
  layer: CatalogLayer;
}

/**
 * The information-resource catalogue: every layer of geo/catalog/layers.ts with its entry of data/sharing.json.
 * A layer without an entry, or an entry without a layer, is an error at start-up rather than a resource that is
 * silently unclassified.
 */
export function loadCatalogue(file = SHARING_FILE): ReadonlyMap<string, CatalogueResource> {
  const parsed = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  const out = new Map<string, CatalogueResource>();
  for (const layer of CATALOG) {
    const entry = parsed.resources[layer.id];
    if (!entry) throw new Error(`${file}: catalogue layer ${layer.id} has no sharing class`);
    out.set(layer.id, { ...entry, id: layer.id, layer });
  }
  for (const id of Object.keys(parsed.resources)) {
    if (!CATALOG_BY_ID.has(id)) throw new Error(`${file}: ${id} is not a catalogue layer (geo/catalog/layers.ts)`);
  }
  return out;
}

let cached: ReadonlyMap<string, CatalogueResource> | null = null;

/** The catalogue, read once. */
export function sharingCatalogue(): ReadonlyMap<string, CatalogueResource> {
  cached ??= loadCatalogue();
  return cached;
}
