import type { Request } from 'express';
import type { CatalogLayer } from '../../geo/catalog/layers';
import { CRS84 } from '../../geo/catalog/layers';
import { AppError } from '../http/errors';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;
/** Downloads (csv, gpkg, kml) answer the whole query by default, up to this many features. */
export const MAX_EXPORT_LIMIT = 100_000;
/** Deep paging is a full scan; past this the client should narrow the query instead. */
export const MAX_OFFSET = 1_000_000;
const MAX_SORT_KEYS = 5;

/** A 400 naming the query parameter that was wrong. */
export function invalidParameter(name: string, message: string): AppError {
  return new AppError('bad_request', `${name}: ${message}`, { code: 'InvalidParameterValue', parameter: name });
}

/** Shortens what the client sent before it is quoted in a message. */
const quote = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 59)}…` : s);

/**
 * The query parameters as single strings. OGC API – Features lets a server ignore parameters it does not know;
 * this one refuses them (400, naming them), so a typo such as `bbbox` is not silently answered with everything.
 * A repeated parameter is refused too.
 */
export function queryParams(req: Request, allowed: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (!allowed.includes(key)) {
      unknown.push(key);
      continue;
    }
    if (typeof value !== 'string') throw invalidParameter(key, 'give the parameter once, as a single value');
    out.set(key, value);
  }
  if (unknown.length > 0) {
    const list = unknown.map(quote).join(', ');
    throw new AppError(
      'bad_request',
      `unknown query parameter ${list}; this endpoint accepts ${allowed.length ? allowed.join(', ') : 'none'} ` +
        '(unknown parameters are refused rather than ignored)',
      { code: 'InvalidParameterValue', unknown },
    );
  }
  return out;
}

/** `f`: the response format; JSON documents only (`geojson` too where the response is GeoJSON). */
export function parseFormat(params: Map<string, string>, geojson: boolean): void {
  const f = params.get('f');
  if (f === undefined || f === 'json' || (geojson && f === 'geojson')) return;
  throw invalidParameter('f', `format ${quote(f)} is not offered; use ${geojson ? 'json or geojson' : 'json'}`);
}

/** The formats of an items response: GeoJSON (`json` is its synonym) or a download converted by GDAL. */
export const ITEMS_FORMATS = ['json', 'geojson', 'csv', 'gpkg', 'kml'] as const;
export type ItemsFormat = (typeof ITEMS_FORMATS)[number];
/** The formats that are converted to a file and sent as an attachment. */
export type FileFormat = Exclude<ItemsFormat, 'json' | 'geojson'>;

/** `f` of an items request: GeoJSON by default, or one of the download formats. */
export function parseItemsFormat(params: Map<string, string>): ItemsFormat {
  const f = params.get('f');
  if (f === undefined) return 'json';
  if ((ITEMS_FORMATS as readonly string[]).includes(f)) return f as ItemsFormat;
  throw invalidParameter('f', `format ${quote(f)} is not offered; use ${ITEMS_FORMATS.join(', ')}`);
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** `bbox=minLon,minLat,maxLon,maxLat` in CRS84. */
export function parseBbox(raw: string | undefined): [number, number, number, number] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',');
  if (parts.length === 6) throw invalidParameter('bbox', 'only a 2D bbox (4 numbers) is supported, not 6');
  if (parts.length !== 4) throw invalidParameter('bbox', `expected 4 comma-separated numbers, got ${quote(raw)}`);
  const n = parts.map((p) => (NUMBER.test(p.trim()) ? Number(p.trim()) : NaN));
  if (n.some((x) => !Number.isFinite(x))) throw invalidParameter('bbox', `expected 4 finite numbers, got ${quote(raw)}`);
  const [x0, y0, x1, y1] = n as [number, number, number, number];
  if ([x0, x1].some((x) => x < -180 || x > 180) || [y0, y1].some((y) => y < -90 || y > 90))
    throw invalidParameter('bbox', 'longitudes must be within [-180, 180] and latitudes within [-90, 90] (CRS84)');
  if (x0 > x1 || y0 > y1)
    throw invalidParameter(
      'bbox',
      'give minLon,minLat,maxLon,maxLat with min ≤ max (boxes across the antimeridian are not supported)',
    );
  return [x0, y0, x1, y1];
}

/** `bbox-crs` / `filter-crs`: only CRS84 is offered. */
export function parseCrs(name: string, raw: string | undefined): void {
  if (raw !== undefined && raw !== CRS84) throw invalidParameter(name, `only ${CRS84} is supported`);
}

function parseInteger(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw invalidParameter(name, `expected an integer from ${min} to ${max}, got ${quote(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) throw invalidParameter(name, `must be from ${min} to ${max}, got ${n}`);
  return n;
}

export const parseLimit = (raw: string | undefined) => parseInteger('limit', raw, DEFAULT_LIMIT, 1, MAX_LIMIT);
/** `limit` of a download: the whole query (up to MAX_EXPORT_LIMIT) unless the client pages it. */
export const parseExportLimit = (raw: string | undefined) => parseInteger('limit', raw, MAX_EXPORT_LIMIT, 1, MAX_EXPORT_LIMIT);
export const parseOffset = (raw: string | undefined) => parseInteger('offset', raw, 0, 0, MAX_OFFSET);

/** A time range on the temporal column: `from` inclusive, `to` inclusive or (for whole days) exclusive. */
export interface TimeRange {
  from: string | null;
  to: string | null;
  toExclusive: boolean;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** One end of a datetime: an RFC 3339 date-time or a full date (the whole UTC day). */
function parseInstant(s: string): { start: string; endExclusive: string | null } {
  const d = DATE.exec(s);
  if (d) {
    const start = new Date(`${s}T00:00:00Z`);
    if (Number.isNaN(start.getTime()) || start.toISOString().slice(0, 10) !== s)
      throw invalidParameter('datetime', `${quote(s)} is not a calendar date`);
    return { start: start.toISOString(), endExclusive: new Date(start.getTime() + 86_400_000).toISOString() };
  }
  if (DATE_TIME.test(s)) {
    const t = new Date(s.toUpperCase());
    if (Number.isNaN(t.getTime())) throw invalidParameter('datetime', `${quote(s)} is not a valid instant`);
    return { start: t.toISOString(), endExclusive: null };
  }
  throw invalidParameter(
    'datetime',
    `${quote(s)} is not an RFC 3339 date-time (2024-05-01T08:00:00Z) or date (2024-05-01); intervals are start/end with .. for an open end`,
  );
}

/** `datetime`: an instant, a date, or an interval `start/end` where either end may be `..` (or empty). */
export function parseDatetime(raw: string | undefined, layer: CatalogLayer): TimeRange | undefined {
  if (raw === undefined) return undefined;
  if (!layer.temporalColumn)
    throw invalidParameter('datetime', `collection ${layer.id} has no temporal property, so it cannot be filtered by time`);
  const parts = raw.split('/');
  if (parts.length === 1) {
    const one = parseInstant(parts[0]!);
    return one.endExclusive
      ? { from: one.start, to: one.endExclusive, toExclusive: true }
      : { from: one.start, to: one.start, toExclusive: false };
  }
  if (parts.length !== 2) throw invalidParameter('datetime', `expected an instant or one interval start/end, got ${quote(raw)}`);
  const open = (s: string) => s === '..' || s === '';
  const [a, b] = parts as [string, string];
  if (open(a) && open(b)) throw invalidParameter('datetime', 'an interval needs at least one closed end');
  const start = open(a) ? null : parseInstant(a);
  const end = open(b) ? null : parseInstant(b);
  const range: TimeRange = {
    from: start?.start ?? null,
    to: end ? (end.endExclusive ?? end.start) : null,
    toExclusive: end !== null && end.endExclusive !== null,
  };
  if (start !== null && end !== null && start.start > end.start)
    throw invalidParameter('datetime', 'the interval ends before it starts');
  return range;
}

const names = (layer: CatalogLayer) => layer.properties.map((p) => p.name);

/** `properties=a,b`: a subset of the layer's allow-listed properties (an empty value asks for none). */
export function parseProperties(raw: string | undefined, layer: CatalogLayer): string[] | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '') return [];
  const asked = raw.split(',').map((s) => s.trim());
  const unknown = asked.filter((n) => !names(layer).includes(n));
  if (unknown.length > 0)
    throw invalidParameter(
      'properties',
      `collection ${layer.id} has no property ${unknown.map(quote).join(', ')}; it has ${names(layer).join(', ')}`,
    );
  return [...new Set(asked)];
}

export interface SortKey {
  name: string;
  descending: boolean;
}

/** `sortby=+name,-priority`: allow-listed properties, ascending unless prefixed with `-`. */
export function parseSortby(raw: string | undefined, layer: CatalogLayer): SortKey[] {
  if (raw === undefined || raw.trim() === '') return [];
  const keys = raw.split(',').map((s) => s.trim());
  if (keys.length > MAX_SORT_KEYS) throw invalidParameter('sortby', `at most ${MAX_SORT_KEYS} sort keys`);
  return keys.map((k) => {
    // `+` arrives as a space when the client did not percent-encode it.
    const m = /^([+ -]?)([A-Za-z_][A-Za-z0-9_]*)$/.exec(k);
    if (!m || !names(layer).includes(m[2]!))
      throw invalidParameter(
        'sortby',
        `cannot sort on ${quote(k)}; collection ${layer.id} sorts on ${names(layer).join(', ')} (prefix - for descending)`,
      );
    return { name: m[2]!, descending: m[1] === '-' };
  });
}

/** `filter-lang`: only cql2-text (the default). */
export function parseFilterLang(raw: string | undefined): void {
  if (raw !== undefined && raw !== 'cql2-text')
    throw invalidParameter('filter-lang', `${quote(raw)} is not supported; only cql2-text is`);
}
