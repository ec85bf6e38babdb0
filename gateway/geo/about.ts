import { Router } from 'express';
import { PRODUCT_NAME, type AboutLayer, type AboutResponse } from '../../contracts';
import type { Queryable } from '../../geo/db/types';
import { loadManifest, type Manifest } from '../../geo/import/manifest';
import type { AppDeps } from '../deps';

/** Data the product shows without importing it, credited like the imported layers. */
const SERVED_AS_IS: AboutLayer[] = [
  {
    layer: 'basemap',
    title: '中心城区矢量底图（PMTiles）',
    source: 'OpenStreetMap extract of central Harbin, 2024-04-09; vector tiles z8–14',
    licence: 'ODbL-1.0',
    attribution: '© OpenStreetMap contributors',
    features: null,
    imported: null,
    rejected: null,
  },
];

/** What the last import of each layer stored and refused (geo/import/importer.ts writes one row per run). */
export interface ImportCounts {
  imported: number;
  rejected: number;
}

/** The last run of every imported layer: features stored, and features refused for an invalid geometry. */
export async function importCounts(db: Queryable): Promise<Map<string, ImportCounts>> {
  const rows = await db.query<{ layer: string; imported: number; rejected: number }>(
    `SELECT DISTINCT ON (layer) layer, imported, rejected FROM import_run ORDER BY layer, id DESC`,
  );
  return new Map(rows.map((r) => [r.layer, { imported: Number(r.imported), rejected: Number(r.rejected) }]));
}

/**
 * Builds the about document from the city manifest (every layer with its source, licence and attribution) and the
 * import counts: how many features of each file are in the database and how many were refused.
 */
export function aboutDocument(manifest: Manifest, counts: ReadonlyMap<string, ImportCounts>): AboutResponse {
  const layers: AboutLayer[] = [
    ...manifest.layers.map(({ layer, title, source, licence, attribution, features }) => ({
      layer,
      title,
      source,
      licence,
      attribution,
      features,
      imported: counts.get(layer)?.imported ?? null,
      rejected: counts.get(layer)?.rejected ?? null,
    })),
    ...SERVED_AS_IS,
  ];
  return {
    product: { name: PRODUCT_NAME, city: manifest.city, cityAdcode: manifest.cityAdcode },
    attributions: [...new Set(layers.map((l) => l.attribution))],
    layers,
  };
}

/**
 * `GET /api/about`: what the product is and where every data layer comes from, with the features imported and
 * refused per layer (the 关于 page).
 */
export function aboutRoutes({ readiness }: AppDeps): Router {
  const r = Router();
  const manifest = loadManifest();
  r.get('/about', async (_req, res) => {
    // During start-up (migrations, import) the credits are known already; the counts follow once the data is in.
    const db = readiness.current?.db;
    res.json(aboutDocument(manifest, db ? await importCounts(db) : new Map()));
  });
  return r;
}
