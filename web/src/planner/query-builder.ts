/**
 * The planner's query builder, pure: attribute filter rows → CQL2 text, and the items query string of an OGC API
 * Features request (bbox, limit, filter, format).
 */

export const OPERATORS = ['=', '<>', '<', '>', 'LIKE', 'IN'] as const;
export type Operator = (typeof OPERATORS)[number];

/** The JSON Schema type of a queryable, as far as the builder cares. */
export type ValueType = 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'date-time';

export interface FilterRow {
  property: string;
  op: Operator;
  /** As typed; for IN, a comma-separated list. */
  value: string;
}

export type Bbox = [west: number, south: number, east: number, north: number];

/** A CQL2 string literal: single quotes, inner quotes doubled. */
export const quoteString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

const IDENTIFIER = /^[\p{L}_][\p{L}\p{M}\p{Nd}_]*$/u;
const RESERVED = new Set(['AND', 'OR', 'NOT', 'LIKE', 'BETWEEN', 'IN', 'IS', 'NULL', 'TRUE', 'FALSE']);

/** A property reference: bare when it is a plain identifier, else in double quotes (inner ones doubled). */
export function quoteProperty(name: string): string {
  return IDENTIFIER.test(name) && !RESERVED.has(name.toUpperCase()) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** One literal of the given type; numbers and booleans that do not parse are an error, for the form to show. */
export function literal(raw: string, type: ValueType): string {
  const v = raw.trim();
  if (type === 'number' || type === 'integer') {
    if (v === '' || !Number.isFinite(Number(v))) throw new Error(`“${raw}”不是数字`);
    if (type === 'integer' && !Number.isInteger(Number(v))) throw new Error(`“${raw}”不是整数`);
    return String(Number(v));
  }
  if (type === 'boolean') {
    if (/^(true|是)$/i.test(v)) return 'TRUE';
    if (/^(false|否)$/i.test(v)) return 'FALSE';
    throw new Error(`“${raw}”不是布尔值（true/false）`);
  }
  if (type === 'date') return `DATE(${quoteString(v)})`;
  if (type === 'date-time') return `TIMESTAMP(${quoteString(v)})`;
  return quoteString(raw);
}

/** Splits an IN list on commas (full-width ones too), dropping empty items. */
export const splitList = (raw: string): string[] =>
  raw
    .split(/[,，]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** One row as a CQL2 predicate. LIKE patterns are always strings; IN needs at least one item. */
export function rowToCql2(row: FilterRow, type: ValueType = 'string'): string {
  const prop = quoteProperty(row.property);
  if (row.op === 'LIKE') return `${prop} LIKE ${quoteString(row.value)}`;
  if (row.op === 'IN') {
    const items = splitList(row.value);
    if (!items.length) throw new Error(`“${row.property}”的 IN 列表为空`);
    return `${prop} IN (${items.map((i) => literal(i, type)).join(', ')})`;
  }
  return `${prop} ${row.op} ${literal(row.value, type)}`;
}

/**
 * All rows joined with AND, with the raw (advanced) CQL2 text ANDed on in parentheses. Rows without a property are
 * skipped. Returns '' when there is no condition.
 */
export function buildCql2(rows: FilterRow[], types: Record<string, ValueType> = {}, raw = ''): string {
  const parts = rows.filter((r) => r.property).map((r) => rowToCql2(r, types[r.property] ?? 'string'));
  const extra = raw.trim();
  if (extra) parts.push(parts.length ? `(${extra})` : extra);
  return parts.join(' AND ');
}

/** Where a CQL2 error of the combined filter belongs: the builder rows, or the typed CQL2 text. */
export interface FilterProblem {
  where: 'rows' | 'raw';
  /** The message, its positions ("第 N 个字符") counted inside the part it belongs to. */
  message: string;
  /**
   * 0-based range to select in that part (for `raw`, in the textarea's value as typed, leading spaces included);
   * absent when the error has no place.
   */
  start?: number;
  end?: number;
}

/** The prefix the OGC API puts before a filter's message; the form shows its own label instead. */
const SERVER_PREFIX = /^筛选条件（filter）有误：/;
const POSITION = /第 (\d+) 个字符/g;
/** One token of typed CQL2 at the start of a string, to select: a word or number, a quoted text, or one character. */
const TOKEN = /^(?:[\p{L}\p{N}_.+-]+|'(?:[^']|'')*'?|"[^"]*"?|<>|<=|>=|\S)/u;

/**
 * Places a CQL2 error of the filter `buildCql2(rows, types, raw)` made. `offset` is the server's 0-based offset into
 * that combined text: before the typed text it belongs to the rows (positions unchanged: the rows' CQL2 comes first),
 * else to the typed text, counted from the start of what was typed (leading spaces included). A place past the
 * typed text (the closing parenthesis buildCql2 adds, or the end) is the end of the typed text, and "而不是 ")""
 * becomes "但文本已结束". Every "第 N 个字符" in the message is renumbered the same way.
 */
export function locateFilterError(
  rows: FilterRow[],
  types: Record<string, ValueType>,
  raw: string,
  message: string,
  offset?: number,
): FilterProblem {
  let rowsText = '';
  try {
    rowsText = buildCql2(rows, types);
  } catch {
    // Rows that do not build are never sent; place everything in the typed text.
  }
  const typed = raw.trim();
  const lead = typed ? raw.length - raw.trimStart().length : 0;
  const rawStart = !typed ? Infinity : rowsText ? rowsText.length + ' AND ('.length : 0;
  const rawEnd = rawStart + typed.length;
  /** The part and the 0-based place in it of a combined offset; `past` when beyond the typed text. */
  const map = (o: number): { where: 'rows' | 'raw'; at: number; past: boolean } => {
    if (o < rawStart) return { where: 'rows', at: o, past: false };
    if (o >= rawEnd) return { where: 'raw', at: lead + typed.length, past: true };
    return { where: 'raw', at: lead + (o - rawStart), past: false };
  };
  const text = message.replace(SERVER_PREFIX, '');
  const where = offset !== undefined ? map(offset).where : typed ? 'raw' : 'rows';
  const renumbered = text.replace(POSITION, (all, n: string) => {
    const m = map(Number(n) - 1);
    return m.where === where ? `第 ${m.at + 1} 个字符` : all;
  });
  if (offset === undefined) return { where, message: renumbered };
  const place = map(offset);
  if (place.past)
    return { where, message: renumbered.replace(/，而不是 "\)"/, '，但文本已结束'), start: place.at, end: place.at };
  const part = where === 'raw' ? raw : rowsText;
  const token = TOKEN.exec(part.slice(place.at))?.[0] ?? '';
  return { where, message: renumbered, start: place.at, end: Math.min(part.length, place.at + Math.max(1, token.length)) };
}

/** A bbox parameter, rounded to 6 decimals (about 0.1 m) and clamped to longitude/latitude range. */
export function bboxParam([w, s, e, n]: Bbox): string {
  const r = (x: number, lim: number) => String(Math.round(Math.max(-lim, Math.min(lim, x)) * 1e6) / 1e6);
  return [r(w, 180), r(s, 90), r(e, 180), r(n, 90)].join(',');
}

export interface ItemsQuery {
  filter: string;
  bbox: Bbox | null;
  limit?: number;
}

/** The items URL of a collection for a query; `f` picks the format (geojson for the map, csv/gpkg/kml to download). */
export function itemsUrl(collection: string, q: ItemsQuery, f: string): string {
  const p = new URLSearchParams();
  p.set('f', f);
  if (q.limit !== undefined) p.set('limit', String(q.limit));
  if (q.bbox) p.set('bbox', bboxParam(q.bbox));
  if (q.filter) p.set('filter', q.filter);
  return `/ogc/collections/${encodeURIComponent(collection)}/items?${p.toString()}`;
}

/** The type of a queryable from its JSON Schema, or null for geometry (not offered as an attribute filter). */
export function valueTypeOf(schema: { type?: unknown; format?: unknown }): ValueType | null {
  if (typeof schema.format === 'string' && schema.format.startsWith('geometry')) return null;
  if (schema.format === 'date') return 'date';
  if (schema.format === 'date-time') return 'date-time';
  if (schema.type === 'number' || schema.type === 'integer' || schema.type === 'boolean') return schema.type;
  return 'string';
}
