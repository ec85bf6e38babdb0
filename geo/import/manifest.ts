import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const IMPORT_TARGETS = ['district', 'street', 'poi', 'road', 'base_feature', 'road_edge'] as const;

const manifestLayer = z.object({
  layer: z.string().regex(/^[a-z_]+$/),
  title: z.string(),
  file: z.string(),
  format: z.enum(['geojson', 'barefoot-csv']),
  target: z.enum(IMPORT_TARGETS),
  idField: z.string(),
  crs: z.literal('EPSG:4326'),
  source: z.string(),
  licence: z.string(),
  attribution: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  features: z.number().int().nonnegative(),
});
export type ManifestLayer = z.infer<typeof manifestLayer>;

const manifestSchema = z.object({
  city: z.string(),
  cityAdcode: z.string().regex(/^[0-9]{6}$/),
  layers: z.array(manifestLayer).min(1),
});
export type Manifest = z.infer<typeof manifestSchema>;

export const DEFAULT_MANIFEST = path.join(__dirname, '..', '..', 'data', 'city-manifest.json');

export function loadManifest(file = DEFAULT_MANIFEST): Manifest {
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`invalid city manifest ${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export class ImportError extends Error {
  override name = 'ImportError';
}

/** Reads a manifest file and fails loudly when its bytes are not the ones the manifest names. */
export function readChecked(cityDir: string, entry: ManifestLayer): Buffer {
  const file = path.join(cityDir, entry.file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new ImportError(`${entry.layer}: cannot read ${file}: ${(err as Error).message}`);
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== entry.sha256) {
    throw new ImportError(`${entry.layer}: checksum mismatch for ${entry.file}: manifest ${entry.sha256}, file ${sha}`);
  }
  return bytes;
}
