import { Router } from 'express';
import { PRODUCT_NAME, type AboutLayer, type AboutResponse } from '../../contracts';
import { loadManifest } from '../../geo/import/manifest';
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
  },
];

/** Builds the about document from the city manifest: every layer with its source, licence and attribution. */
export function aboutDocument(manifestFile?: string): AboutResponse {
  const manifest = loadManifest(manifestFile);
  const layers: AboutLayer[] = [
    ...manifest.layers.map(({ layer, title, source, licence, attribution, features }) => ({
      layer,
      title,
      source,
      licence,
      attribution,
      features,
    })),
    ...SERVED_AS_IS,
  ];
  return {
    product: { name: PRODUCT_NAME, city: manifest.city, cityAdcode: manifest.cityAdcode },
    attributions: [...new Set(layers.map((l) => l.attribution))],
    layers,
  };
}

/** `GET /api/about`: what the product is and where every data layer comes from (the 关于 page). */
export function aboutRoutes(_deps: AppDeps): Router {
  const r = Router();
  const doc = aboutDocument();
  r.get('/about', (_req, res) => {
    res.json(doc);
  });
  return r;
}
