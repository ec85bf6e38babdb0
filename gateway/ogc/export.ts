import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { CatalogLayer } from '../../geo/catalog/layers';
import { AppError } from '../http/errors';
import type { GeoJsonFeature } from './items';
import type { FileFormat } from './params';

/** Temporary directories of exports start with this (tests count them to see that none is left behind). */
export const EXPORT_TMP_PREFIX = 'harbin-ogc-export-';
/** A conversion slower than this is killed and answered 503. */
const CONVERT_TIMEOUT_MS = 120_000;

interface FormatSpec {
  ext: string;
  contentType: string;
  driver: string;
  /** Driver-specific options, after the fixed ones. */
  options: readonly string[];
}

export const FILE_FORMATS: Readonly<Record<FileFormat, FormatSpec>> = {
  csv: { ext: 'csv', contentType: 'text/csv; charset=utf-8', driver: 'CSV', options: ['-lco', 'GEOMETRY=AS_WKT'] },
  gpkg: { ext: 'gpkg', contentType: 'application/geopackage+sqlite3', driver: 'GPKG', options: [] },
  kml: { ext: 'kml', contentType: 'application/vnd.google-earth.kml+xml', driver: 'KML', options: ['-t_srs', 'EPSG:4326'] },
};

/** The converter is missing or failed: a 503 that says so without GDAL's own output (that goes to the log). */
export class ExportUnavailable extends AppError {
  constructor(readonly reason: 'missing' | 'failed') {
    super(
      'unavailable',
      reason === 'missing'
        ? 'export unavailable: the GDAL converter (ogr2ogr) is not installed on this server; use f=geojson'
        : 'export unavailable: the file could not be converted; try again later or use f=geojson',
    );
  }
}

/**
 * The features as written to the GeoJSON handed to ogr2ogr: the feature id becomes the first column `id`
 * (unless a selected property already holds the id column), so every exported row can be traced back.
 */
function exportFeatures(layer: CatalogLayer, features: readonly GeoJsonFeature[], names: readonly string[]) {
  const hasId = layer.properties.some((p) => p.column === layer.idColumn && names.includes(p.name));
  return features.map((f) => ({
    type: 'Feature',
    geometry: f.geometry,
    properties: hasId ? f.properties : { id: f.id, ...f.properties },
  }));
}

/** Runs ogr2ogr with a fixed argument list (no shell); rejects with ExportUnavailable. */
function ogr2ogr(args: readonly string[], signal: AbortSignal, req: Request): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'ogr2ogr',
      args,
      { signal, env: process.env, timeout: CONVERT_TIMEOUT_MS, maxBuffer: 1024 * 1024, windowsHide: true },
      (err, _stdout, stderr) => {
        if (!err) return resolve();
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        req.log?.error({ err, stderr: String(stderr).slice(0, 2000) }, 'ogr2ogr export conversion failed');
        reject(new ExportUnavailable(missing ? 'missing' : 'failed'));
      },
    );
  });
}

/** `<id>-<UTC timestamp>.<ext>`, e.g. `poi-20240501T080000Z.csv`. */
export function exportFilename(layer: CatalogLayer, format: FileFormat, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `${layer.id}-${stamp}.${FILE_FORMATS[format].ext}`;
}

/**
 * Converts the features to `format` in a fresh temporary directory and streams the file back as an attachment.
 * `beforeSend` runs once the file exists and before any byte is sent (the audit row: if it fails, nothing is sent).
 * The directory is removed in every case: success, conversion failure, audit failure or the client going away.
 */
export async function sendExport(
  req: Request,
  res: Response,
  opts: {
    layer: CatalogLayer;
    format: FileFormat;
    features: readonly GeoJsonFeature[];
    names: readonly string[];
    now: Date;
    /** The CRS of the features' coordinates (east first), named in the file; 4326 by default. */
    srid?: number;
    beforeSend: () => Promise<void>;
  },
): Promise<void> {
  const spec = FILE_FORMATS[opts.format];
  const abort = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) abort.abort();
  };
  res.on('close', onClose);
  const dir = await mkdtemp(path.join(tmpdir(), EXPORT_TMP_PREFIX));
  try {
    const src = path.join(dir, 'source.geojson');
    const out = path.join(dir, `${opts.layer.id}.${spec.ext}`);
    await writeFile(
      src,
      JSON.stringify({ type: 'FeatureCollection', features: exportFeatures(opts.layer, opts.features, opts.names) }),
    );
    const srs = opts.srid !== undefined && opts.srid !== 4326 ? ['-a_srs', `EPSG:${Math.trunc(opts.srid)}`] : [];
    await ogr2ogr(['-f', spec.driver, '-nln', opts.layer.id, ...srs, ...spec.options, out, src], abort.signal, req);
    const size = (await stat(out).catch(() => null))?.size;
    if (size === undefined) {
      req.log?.error({ format: opts.format }, 'ogr2ogr reported success but wrote no file');
      throw new ExportUnavailable('failed');
    }
    await opts.beforeSend();
    res.setHeader('Content-Type', spec.contentType);
    res.setHeader('Content-Length', String(size));
    res.setHeader('Content-Disposition', `attachment; filename="${exportFilename(opts.layer, opts.format, opts.now)}"`);
    res.setHeader('Cache-Control', 'no-store');
    await pipeline(createReadStream(out), res).catch((err: unknown) => {
      // Headers are out: a broken stream can only be logged (the client sees a truncated download).
      req.log?.warn({ err }, 'export stream ended early');
    });
  } finally {
    res.off('close', onClose);
    await rm(dir, { recursive: true, force: true }).catch((err: unknown) =>
      req.log?.error({ err, dir }, 'could not remove an export temp dir'),
    );
  }
}
