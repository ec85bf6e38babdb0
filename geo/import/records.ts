import { parse } from 'csv-parse/sync';
import type { ManifestLayer } from './manifest';
import { ImportError } from './manifest';

/** One feature ready for the database: a stable source id, its properties and GeoJSON geometry. */
export interface ImportRecord {
  id: string;
  props: Record<string, unknown>;
  geometry: unknown;
}

/**
 * Source ids come from the manifest's id field; a feature without one, or repeating one already seen in
 * the file, gets `<value>#<index>` so that ids stay stable across re-imports of the same file.
 */
export function geojsonRecords(entry: ManifestLayer, bytes: Buffer): ImportRecord[] {
  const doc = JSON.parse(bytes.toString('utf8')) as { type?: string; features?: unknown[] };
  if (doc.type !== 'FeatureCollection' || !Array.isArray(doc.features)) {
    throw new ImportError(`${entry.layer}: ${entry.file} is not a GeoJSON FeatureCollection`);
  }
  const seen = new Set<string>();
  return doc.features.map((raw, index) => {
    const f = raw as { properties?: Record<string, unknown> | null; geometry?: unknown };
    const props = f.properties ?? {};
    const value = props[entry.idField];
    let id = value === undefined || value === null || value === '' ? `feature#${index}` : String(value);
    if (seen.has(id)) id = `${id}#${index}`;
    seen.add(id);
    if (!f.geometry) throw new ImportError(`${entry.layer}: feature ${id} has no geometry`);
    return { id, props, geometry: f.geometry };
  });
}

/** The barefoot road-graph export: one directed-or-two-way segment per row with WKT geometry. */
export function barefootRecords(entry: ManifestLayer, bytes: Buffer): ImportRecord[] {
  const rows = parse(bytes, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return rows.map((r) => {
    const num = (k: string) => {
      const v = r[k];
      return v === undefined || v === '' ? null : Number(v);
    };
    const gid = num('gid');
    if (gid === null || !Number.isInteger(gid)) throw new ImportError(`${entry.layer}: row without a gid`);
    return {
      id: String(gid),
      props: {
        gid,
        osm_id: num('osm_id'),
        class_id: num('class_id'),
        source: num('source'),
        target: num('target'),
        length: num('length'),
        reverse: num('reverse'),
        maxspeed_forward: num('maxspeed_forward'),
        maxspeed_backward: num('maxspeed_backward'),
        priority: num('priority'),
      },
      geometry: r.geom,
    };
  });
}
