import type { Queryable } from '../db/types';
import type { CatalogLayer } from './layers';

/** A collection's extent and freshness, as the collection document shows them. */
export interface LayerMetadata {
  /** [minLon, minLat, maxLon, maxLat], or null for an empty table. */
  bbox: [number, number, number, number] | null;
  /** [first, last] ISO instants of the temporal column; `null` ends are open. Absent without a temporal column. */
  interval?: [string | null, string | null];
  /** When the data was last imported (base layers) or now (operational layers); null when unknown. */
  updated: string | null;
}

/** Base layers change only on a new import: cached for the process. Operational layers move: a minute. */
const OPERATIONAL_TTL_MS = 60_000;

const cache = new WeakMap<Queryable, Map<string, { at: number; value: Promise<LayerMetadata> }>>();

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

async function compute(db: Queryable, layer: CatalogLayer): Promise<LayerMetadata> {
  const table = `"${layer.table}"`;
  const geom = `"${layer.geometryColumn}"`;
  const [box] = await db.query<{ x0: number | null; y0: number | null; x1: number | null; y1: number | null }>(
    `SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1 FROM (SELECT ST_Extent(${geom}) AS e FROM ${table}) s`,
  );
  const bbox =
    box && box.x0 !== null && box.y0 !== null && box.x1 !== null && box.y1 !== null
      ? ([box.x0, box.y0, box.x1, box.y1].map(Number) as [number, number, number, number])
      : null;
  const meta: LayerMetadata = { bbox, updated: null };
  if (layer.temporalColumn) {
    const col = `"${layer.temporalColumn}"`;
    const [t] = await db.query<{ first: unknown }>(`SELECT min(${col}) AS first FROM ${table}`);
    // The layer keeps growing: its interval is open at the end.
    meta.interval = [iso(t?.first), null];
  }
  if (layer.importLayer) {
    const [run] = await db.query<{ at: unknown }>('SELECT max(finished_at) AS at FROM import_run WHERE layer = $1', [
      layer.importLayer,
    ]);
    meta.updated = iso(run?.at);
  } else if (!layer.public) {
    meta.updated = new Date().toISOString();
  }
  return meta;
}

/** The extent (`ST_Extent`) and update time of a layer, computed on first use and cached per database handle. */
export function layerMetadata(db: Queryable, layer: CatalogLayer, nowMs = Date.now()): Promise<LayerMetadata> {
  let perDb = cache.get(db);
  if (!perDb) {
    perDb = new Map();
    cache.set(db, perDb);
  }
  const hit = perDb.get(layer.id);
  if (hit && (layer.public || nowMs - hit.at < OPERATIONAL_TTL_MS)) return hit.value;
  const value = compute(db, layer);
  perDb.set(layer.id, { at: nowMs, value });
  // A failure is not cached: the next request tries again.
  value.catch(() => perDb.delete(layer.id));
  return value;
}
