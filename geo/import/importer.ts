import type { Db, Queryable } from '../db/types';
import type { Manifest, ManifestLayer } from './manifest';
import { ImportError, readChecked } from './manifest';
import { barefootRecords, geojsonRecords, type ImportRecord } from './records';
import { GEOMETRY_FROM, TARGETS } from './targets';

export interface LayerReport {
  layer: string;
  status: 'imported' | 'unchanged';
  read: number;
  imported: number;
  rejected: { id: string; reason: string }[];
  ms: number;
}

const BATCH = 1000;

/** Tables whose rows are derived from a layer and must be rebuilt when that layer is re-imported. */
const DERIVED: Partial<Record<string, string[]>> = {
  street: ['DELETE FROM grid_cell', 'DELETE FROM grid_community'],
};

/**
 * Imports every manifest layer from `cityDir`. Each layer is one transaction: checksum and count are
 * checked before anything is written, invalid geometries are reported (not repaired), and a layer whose
 * file is unchanged since its last import is skipped, so running it twice leaves the same database.
 */
export async function importCity(
  db: Db,
  manifest: Manifest,
  cityDir: string,
  opts: { force?: boolean; only?: string[]; log?: (line: string) => void } = {},
): Promise<LayerReport[]> {
  const reports: LayerReport[] = [];
  for (const entry of manifest.layers) {
    if (opts.only && !opts.only.includes(entry.layer)) continue;
    const report = await importLayer(db, cityDir, entry, opts.force ?? false);
    opts.log?.(formatReport(report));
    reports.push(report);
  }
  return reports;
}

export function formatReport(r: LayerReport): string {
  const rejected = r.rejected.length ? `, ${r.rejected.length} rejected` : '';
  return `${r.layer.padEnd(14)} ${r.status.padEnd(9)} ${String(r.imported).padStart(6)} of ${r.read}${rejected} (${r.ms} ms)`;
}

async function importLayer(db: Db, cityDir: string, entry: ManifestLayer, force: boolean): Promise<LayerReport> {
  const started = new Date();
  const bytes = readChecked(cityDir, entry);
  const records = entry.format === 'geojson' ? geojsonRecords(entry, bytes) : barefootRecords(entry, bytes);
  if (records.length !== entry.features) {
    throw new ImportError(`${entry.layer}: ${entry.file} has ${records.length} features, manifest expects ${entry.features}`);
  }
  if (!force) {
    const last = await db.query<{ sha256: string; imported: number }>(
      'SELECT sha256, imported FROM import_run WHERE layer = $1 ORDER BY id DESC LIMIT 1',
      [entry.layer],
    );
    if (last[0]?.sha256 === entry.sha256) {
      return { layer: entry.layer, status: 'unchanged', read: records.length, imported: last[0].imported, rejected: [], ms: 0 };
    }
  }
  const target = TARGETS[entry.target];
  const rejected = await db.transaction(async (tx) => {
    for (const stmt of DERIVED[entry.layer] ?? []) await tx.query(stmt);
    await tx.query(target.clear, [entry.layer]);
    await tx.query('DELETE FROM import_issue WHERE layer = $1', [entry.layer]);
    await tx.query(`CREATE TEMP TABLE import_staging (source_id text, props jsonb, geom geometry, reason text) ON COMMIT DROP`);
    await stage(tx, entry, records);
    await tx.query(`UPDATE import_staging SET reason = ST_IsValidReason(geom) WHERE NOT ST_IsValid(geom)`);
    await tx.query(target.insert, [entry.layer]);
    const bad = await tx.query<{ id: string; reason: string }>(
      `INSERT INTO import_issue (layer, source_id, reason)
       SELECT $1, source_id, reason FROM import_staging WHERE reason IS NOT NULL
       RETURNING source_id AS id, reason`,
      [entry.layer],
    );
    await tx.query(
      `INSERT INTO import_run (layer, file, sha256, read_count, imported, rejected, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [entry.layer, entry.file, entry.sha256, records.length, records.length - bad.length, bad.length, started],
    );
    return bad;
  });
  // Fresh statistics, so the planner picks the spatial indexes (e.g. KNN on POIs) from the first query on.
  // `entry.target` is one of IMPORT_TARGETS, a fixed list of table names.
  await db.exec(`ANALYZE ${entry.target}`);
  return {
    layer: entry.layer,
    status: 'imported',
    read: records.length,
    imported: records.length - rejected.length,
    rejected,
    ms: Date.now() - started.getTime(),
  };
}

async function stage(tx: Queryable, entry: ManifestLayer, records: ImportRecord[]): Promise<void> {
  const geom = GEOMETRY_FROM[entry.format];
  for (let i = 0; i < records.length; i += BATCH) {
    const batch = records.slice(i, i + BATCH);
    await tx.query(
      `INSERT INTO import_staging (source_id, props, geom)
       SELECT r->>'id', (r->'props')::jsonb, ${geom} FROM json_array_elements($1::json) AS r`,
      [JSON.stringify(batch)],
    );
  }
}
