import type { Request } from 'express';
import type { CatalogLayer } from '../../geo/catalog/layers';
import { CRS84 } from '../../geo/catalog/layers';
import type { Cql2Node, PropertySchema } from '../../geo/ogc/cql2';
import type { ScalarLiteral, ScalarOperand } from '../../geo/ogc/cql2/ast';
import { AppError } from '../http/errors';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;
/** Downloads (csv, gpkg, kml) answer the whole query by default, up to this many features. */
export const MAX_EXPORT_LIMIT = 100_000;
/** Deep paging is a full scan; past this the client should narrow the query instead. */
export const MAX_OFFSET = 1_000_000;
const MAX_SORT_KEYS = 5;

/** The parameters of an items request (the layer's queryables are accepted besides, see queryableParameters). */
export const ITEMS_PARAMS = [
  'f',
  'crs',
  'bbox',
  'bbox-crs',
  'datetime',
  'limit',
  'offset',
  'properties',
  'sortby',
  'filter',
  'filter-lang',
  'filter-crs',
] as const;

/** A 400 naming the query parameter that was wrong: 「参数 bbox 有误：…」 (the parameter as written, the reason in Chinese). */
export function invalidParameter(name: string, message: string): AppError {
  return new AppError('bad_request', `参数 ${name} 有误：${message}`, { code: 'InvalidParameterValue', parameter: name });
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
    if (typeof value !== 'string') throw invalidParameter(key, '只能给出一次，且为单个值');
    out.set(key, value);
  }
  if (unknown.length > 0) {
    const list = unknown.map(quote).join(', ');
    throw new AppError(
      'bad_request',
      `未知的查询参数 ${list}；此接口接受的参数：${allowed.length ? allowed.join(', ') : '无'}` +
        '（未知参数一律拒绝，不会被忽略）',
      { code: 'InvalidParameterValue', unknown },
    );
  }
  return out;
}

/** `f`: the response format; JSON documents only (`geojson` too where the response is GeoJSON). */
export function parseFormat(params: Map<string, string>, geojson: boolean): void {
  const f = params.get('f');
  if (f === undefined || f === 'json' || (geojson && f === 'geojson')) return;
  throw invalidParameter('f', `不提供格式 ${quote(f)}；可用 ${geojson ? 'json 或 geojson' : 'json'}`);
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
  throw invalidParameter('f', `不提供格式 ${quote(f)}；可用 ${ITEMS_FORMATS.join(', ')}`);
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** What parseBbox needs to know of the bbox's CRS (gateway/ogc/crs.ts). */
export interface BboxCrs {
  srid: number;
  northFirst: boolean;
  geographic: boolean;
}

/** A bbox as PostGIS takes it: x (east) before y (north), in `srid`. */
export interface Bbox {
  box: [number, number, number, number];
  srid: number;
}

const CRS84_BBOX: BboxCrs = { srid: 4326, northFirst: false, geographic: true };

/**
 * `bbox`: four numbers in the axis order of `bbox-crs` (CRS84: minLon,minLat,maxLon,maxLat; EPSG:4490 and
 * EPSG:4326: minLat,minLon,maxLat,maxLon; EPSG:4551: minNorthing,minEasting,maxNorthing,maxEasting).
 */
export function parseBbox(raw: string | undefined, crs: BboxCrs = CRS84_BBOX): Bbox | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',');
  if (parts.length === 6) throw invalidParameter('bbox', '只支持二维范围（4 个数），不支持 6 个数');
  if (parts.length !== 4) throw invalidParameter('bbox', `应为逗号分隔的 4 个数，收到 ${quote(raw)}`);
  const n = parts.map((p) => (NUMBER.test(p.trim()) ? Number(p.trim()) : NaN));
  if (n.some((x) => !Number.isFinite(x))) throw invalidParameter('bbox', `应为 4 个有限数，收到 ${quote(raw)}`);
  const [a0, b0, a1, b1] = n as [number, number, number, number];
  const [x0, y0, x1, y1] = crs.northFirst ? [b0, a0, b1, a1] : [a0, b0, a1, b1];
  if (crs.geographic && ([x0, x1].some((x) => x < -180 || x > 180) || [y0, y1].some((y) => y < -90 || y > 90)))
    throw invalidParameter('bbox', '经度须在 [-180, 180] 内，纬度须在 [-90, 90] 内');
  if (!crs.geographic && n.some((v) => Math.abs(v) > 1e8)) throw invalidParameter('bbox', '投影坐标须在 ±100000 千米以内');
  if (x0 > x1 || y0 > y1)
    throw invalidParameter(
      'bbox',
      crs.northFirst
        ? '应按 最小北坐标,最小东坐标,最大北坐标,最大东坐标（地理坐标系纬度在前）给出，且最小值 ≤ 最大值'
        : '应按 最小经度,最小纬度,最大经度,最大纬度 给出，且最小值 ≤ 最大值（不支持跨越 180° 经线的范围）',
    );
  return { box: [x0, y0, x1, y1], srid: crs.srid };
}

/** `bbox-crs` / `filter-crs`: only CRS84 is offered. */
export function parseCrs(name: string, raw: string | undefined): void {
  if (raw !== undefined && raw !== CRS84) throw invalidParameter(name, `只支持 ${CRS84}`);
}

function parseInteger(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw invalidParameter(name, `应为 ${min} 到 ${max} 的整数，收到 ${quote(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) throw invalidParameter(name, `须在 ${min} 到 ${max} 之间，收到 ${n}`);
  return n;
}

/**
 * `limit`: a positive integer; one above the maximum is answered with the maximum (OGC API – Features, /req/core/
 * fc-limit-response-1: the server caps it, the client follows the `next` links).
 */
function parsePageSize(raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw invalidParameter('limit', `应为正整数，收到 ${quote(raw)}`);
  const n = Number(raw);
  if (n < 1) throw invalidParameter('limit', `至少为 1，收到 ${n}`);
  return Math.min(n, max);
}

export const parseLimit = (raw: string | undefined) => parsePageSize(raw, DEFAULT_LIMIT, MAX_LIMIT);
/** `limit` of a download: the whole query (up to MAX_EXPORT_LIMIT) unless the client pages it. */
export const parseExportLimit = (raw: string | undefined) => parsePageSize(raw, MAX_EXPORT_LIMIT, MAX_EXPORT_LIMIT);
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
      throw invalidParameter('datetime', `${quote(s)} 不是有效的日历日期`);
    return { start: start.toISOString(), endExclusive: new Date(start.getTime() + 86_400_000).toISOString() };
  }
  if (DATE_TIME.test(s)) {
    const t = new Date(s.toUpperCase());
    if (Number.isNaN(t.getTime())) throw invalidParameter('datetime', `${quote(s)} 不是有效的时刻`);
    return { start: t.toISOString(), endExclusive: null };
  }
  throw invalidParameter(
    'datetime',
    `${quote(s)} 不是 RFC 3339 时间（如 2024-05-01T08:00:00Z）或日期（如 2024-05-01）；区间写作 开始/结束，开放的一端写 ..`,
  );
}

/** `datetime`: an instant, a date, or an interval `start/end` where either end may be `..` (or empty). */
export function parseDatetime(raw: string | undefined, layer: CatalogLayer): TimeRange | undefined {
  if (raw === undefined) return undefined;
  if (!layer.temporalColumn) throw invalidParameter('datetime', `数据集 ${layer.id} 没有时间属性，不能按时间筛选`);
  const parts = raw.split('/');
  if (parts.length === 1) {
    const one = parseInstant(parts[0]!);
    return one.endExclusive
      ? { from: one.start, to: one.endExclusive, toExclusive: true }
      : { from: one.start, to: one.start, toExclusive: false };
  }
  if (parts.length !== 2) throw invalidParameter('datetime', `应为一个时刻或一个 开始/结束 区间，收到 ${quote(raw)}`);
  const open = (s: string) => s === '..' || s === '';
  const [a, b] = parts as [string, string];
  if (open(a) && open(b)) throw invalidParameter('datetime', '区间至少要有一端是确定的时间');
  const start = open(a) ? null : parseInstant(a);
  const end = open(b) ? null : parseInstant(b);
  const range: TimeRange = {
    from: start?.start ?? null,
    to: end ? (end.endExclusive ?? end.start) : null,
    toExclusive: end !== null && end.endExclusive !== null,
  };
  if (start !== null && end !== null && start.start > end.start) throw invalidParameter('datetime', '区间的结束早于开始');
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
      `数据集 ${layer.id} 没有属性 ${unknown.map(quote).join(', ')}；可用属性：${names(layer).join(', ')}`,
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
  if (keys.length > MAX_SORT_KEYS) throw invalidParameter('sortby', `最多 ${MAX_SORT_KEYS} 个排序字段`);
  return keys.map((k) => {
    // `+` arrives as a space when the client did not percent-encode it.
    const m = /^([+ -]?)([A-Za-z_][A-Za-z0-9_]*)$/.exec(k);
    if (!m || !names(layer).includes(m[2]!))
      throw invalidParameter(
        'sortby',
        `不能按 ${quote(k)} 排序；数据集 ${layer.id} 可按 ${names(layer).join(', ')} 排序（前加 - 为降序）`,
      );
    return { name: m[2]!, descending: m[1] === '-' };
  });
}

/**
 * `filter-lang`: cql2-text (the default), or `cql-text`, the name of the draft that GDAL 3.6 and other older clients
 * send; they write the subset that CQL2 text shares with it (comparisons, LIKE, IS NULL, AND/OR/NOT), so the same
 * parser reads both.
 */
export const FILTER_LANGS = ['cql2-text', 'cql-text'] as const;
export function parseFilterLang(raw: string | undefined): void {
  if (raw !== undefined && !(FILTER_LANGS as readonly string[]).includes(raw))
    throw invalidParameter('filter-lang', `不支持 ${quote(raw)}；可用 ${FILTER_LANGS.join(' 或 ')}`);
}

/**
 * The layer's properties that can be given as query parameters (`?category=police`): every allow-listed property
 * except the geometry and any whose name is already a parameter of the items request.
 */
export function queryableParameters(layer: CatalogLayer, reserved: readonly string[]): PropertySchema[] {
  return layer.properties.filter((p) => p.type !== 'geometry' && !reserved.includes(p.name));
}

/** One property given as a query parameter, as the CQL2 literal it equals. */
function queryableLiteral(p: PropertySchema, raw: string): ScalarLiteral {
  switch (p.type) {
    case 'integer':
      if (!/^[+-]?\d{1,15}$/.test(raw)) throw invalidParameter(p.name, `应为整数，收到 ${quote(raw)}`);
      return { kind: 'number', value: Number(raw) };
    case 'number':
      if (!NUMBER.test(raw) || !Number.isFinite(Number(raw))) throw invalidParameter(p.name, `应为数字，收到 ${quote(raw)}`);
      return { kind: 'number', value: Number(raw) };
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw invalidParameter(p.name, `应为 true 或 false，收到 ${quote(raw)}`);
      return { kind: 'boolean', value: raw === 'true' };
    case 'date':
      if (!DATE.test(raw)) throw invalidParameter(p.name, `应为日期（如 2024-05-01），收到 ${quote(raw)}`);
      return { kind: 'string', value: raw };
    case 'timestamp':
      if (!DATE_TIME.test(raw))
        throw invalidParameter(p.name, `应为 RFC 3339 时间（如 2024-05-01T08:00:00Z），收到 ${quote(raw)}`);
      return { kind: 'string', value: raw };
    case 'string':
    case 'geometry':
      // Strings (dates and timestamps above are ISO 8601 text, typed by the filter checker).
      return { kind: 'string', value: raw };
  }
}

/**
 * Queryables given as query parameters (OGC API – Features Part 3, queryables-query-parameters): each one an
 * equality, all of them and the `filter` together (AND). Undefined when none was given.
 */
export function queryableFilter(
  params: Map<string, string>,
  layer: CatalogLayer,
  reserved: readonly string[],
  filter: Cql2Node | undefined,
): Cql2Node | undefined {
  const equalities: Cql2Node[] = [];
  for (const p of queryableParameters(layer, reserved)) {
    const raw = params.get(p.name);
    if (raw === undefined) continue;
    equalities.push({ kind: 'compare', op: '=', left: { kind: 'property', name: p.name }, right: queryableLiteral(p, raw) });
  }
  if (equalities.length === 0) return filter;
  const args = filter ? [...equalities, filter] : equalities;
  return args.length === 1 ? args[0] : { kind: 'and', args };
}

/** GDAL 3.6 writes a date constant of `-where` as `'2024-05-01T'` (a date-time cut after the `T`). */
const GDAL_DATE = /^(\d{4}-\d{2}-\d{2})T$/;

function legacyOperand<T extends ScalarOperand>(op: T): T {
  if (op.kind !== 'string') return op;
  const m = GDAL_DATE.exec(op.value);
  return m ? ({ kind: 'string', value: m[1]! } as T) : op;
}

/**
 * A filter sent as `cql-text` (the draft's name, sent by GDAL 3.6) read as CQL2 text, with the one thing GDAL 3.6
 * writes that CQL2 does not read: a date constant as `'2024-05-01T'`, taken as the date `'2024-05-01'`.
 */
export function legacyCqlText(node: Cql2Node): Cql2Node {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { ...node, args: node.args.map(legacyCqlText) };
    case 'not':
      return { ...node, arg: legacyCqlText(node.arg) };
    case 'compare':
      return { ...node, left: legacyOperand(node.left), right: legacyOperand(node.right) };
    case 'between':
      return { ...node, value: legacyOperand(node.value), low: legacyOperand(node.low), high: legacyOperand(node.high) };
    case 'in':
      return { ...node, value: legacyOperand(node.value), list: node.list.map(legacyOperand) };
    case 'like':
    case 'isNull':
    case 'spatial':
    case 'const':
      return node;
  }
}
