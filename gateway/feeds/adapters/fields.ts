import { z } from 'zod';
import { HARBIN_BOUNDS } from '../../../contracts/geo';
import type { IncidentCategory, NormalisedReport } from '../../../contracts/incidents';
import { gcj02ToWgs84 } from '../../../geo/coords/gcj02';
import { FeedRejection } from '../adapter';

/**
 * Helpers every adapter shares for the parts of a native record that are not time: code tables, coordinates and
 * location, free text. Each throws a FeedRejection whose message names the agency's own field.
 */

/** One entry of an agency's incident-type table: its own label and the common category it maps to. */
export interface CodeEntry {
  label: string;
  category: IncidentCategory;
}

/** A priority the agency can express for a category: its native value and the common 0–10 priority it maps to. */
export interface PriorityChoice {
  /** As the agency writes it; '' when the agency sends no priority field and the category decides. */
  native: string;
  priority: number;
}

/** What the registry needs from each adapter beyond the FeedAdapter itself: its tables, for docs and the simulator. */
export interface AdapterProfile {
  /** The agency's incident-type codes; several may map to one category, the first is the canonical one. */
  codes: Readonly<Record<string, CodeEntry>>;
  /** The priorities the agency can send for a category (always at least one). */
  priorityChoices(category: IncidentCategory): readonly PriorityChoice[];
}

/** Looks a value up in an agency table; anything outside it is `unknown_code`, never a default. */
export function lookup<T>(table: Readonly<Record<string, T>>, value: string, field: string): T {
  if (Object.hasOwn(table, value)) return table[value] as T;
  const known = Object.keys(table).join(', ');
  throw new FeedRejection('unknown_code', `${field} ${JSON.stringify(value)} 不在该单位的代码表中（可用：${known}）`);
}

/** The choices of a table mapping native values to common priorities, in table order. */
export const tableChoices = (table: Readonly<Record<string, number>>): PriorityChoice[] =>
  Object.entries(table).map(([native, priority]) => ({ native, priority }));

/** Trimmed text, or null when absent or blank. */
export function text(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

const TITLE_MAX = 80;

/** A one-line queue title from its non-empty parts, whitespace collapsed, cut at 80 characters with an ellipsis. */
export function oneLine(...parts: (string | null | undefined)[]): string {
  const line = parts
    .map((p) => p?.replace(/\s+/g, ' ').trim() ?? '')
    .filter((p) => p !== '')
    .join(' · ');
  return line.length > TITLE_MAX ? `${line.slice(0, TITLE_MAX - 1)}…` : line;
}

/** A head count sent as a decimal string (e.g. the 110 platform's "2"); anything else is malformed. */
export function countFromString(value: string | null | undefined, field: string): number | null {
  const t = text(value);
  if (t === null) return null;
  if (!/^\d{1,6}$/.test(t) || Number(t) > 100_000) {
    throw new FeedRejection('malformed', `${field} ${JSON.stringify(value)} 应为人数（0–100000 的整数）`);
  }
  return Number(t);
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * One coordinate as the agency sent it. `number`: a JSON number is expected; `string`: a decimal string is the
 * native form (systems that export every column as text). Returns null when absent (undefined, null, or '' for
 * text systems); anything present but not a finite number is `bad_coordinates`.
 */
export function readCoordinate(value: unknown, field: string, form: 'number' | 'string'): number | null {
  if (value === undefined || value === null) return null;
  if (form === 'string' && typeof value === 'string') {
    const t = value.trim();
    if (t === '') return null;
    if (DECIMAL.test(t) && Number.isFinite(Number(t))) return Number(t);
    throw new FeedRejection('bad_coordinates', `${field} ${JSON.stringify(value)} 不是十进制数字`);
  }
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new FeedRejection('bad_coordinates', `${field} 为 ${value}，不是有限数值`);
  }
  const expected = form === 'string' ? '文本形式的十进制数字' : 'JSON 数字';
  throw new FeedRejection('bad_coordinates', `${field} ${JSON.stringify(value)} 的类型是 ${typeof value}，应为${expected}`);
}

/** True when a WGS-84 point lies inside Harbin's administrative extent. */
export const insideHarbin = (lon: number, lat: number) =>
  lon >= HARBIN_BOUNDS.west && lon <= HARBIN_BOUNDS.east && lat >= HARBIN_BOUNDS.south && lat <= HARBIN_BOUNDS.north;

/**
 * Checks a pair of coordinates and returns the WGS-84 point: both or neither must be present, each within the
 * globe's ranges (a latitude of 126 usually means swapped fields), converted from GCJ-02 when that is the agency's
 * system, and inside Harbin. Returns null when neither is present.
 */
export function readPoint(
  lon: { value: unknown; field: string },
  lat: { value: unknown; field: string },
  crs: 'wgs84' | 'gcj02',
  form: 'number' | 'string',
): { lon: number; lat: number } | null {
  const x = readCoordinate(lon.value, lon.field, form);
  const y = readCoordinate(lat.value, lat.field, form);
  if (x === null && y === null) return null;
  if (x === null || y === null) {
    const [given, missing] = x === null ? [lat.field, lon.field] : [lon.field, lat.field];
    throw new FeedRejection('bad_coordinates', `只发送了 ${given}，没有 ${missing}：两者要么都发送，要么都不发送`);
  }
  if (x < -180 || x > 180 || y < -90 || y > 90) {
    const hint = Math.abs(y) > 90 && Math.abs(x) <= 90 ? '（经度和纬度写反了？）' : '';
    throw new FeedRejection('bad_coordinates', `${lon.field}/${lat.field} ${x},${y} 不是地球上的位置${hint}`);
  }
  const [wLon, wLat] = crs === 'gcj02' ? gcj02ToWgs84(x, y) : [x, y];
  if (!insideHarbin(wLon, wLat)) {
    const shown = `${wLon.toFixed(5)},${wLat.toFixed(5)}`;
    const where = crs === 'gcj02' ? `（GCJ-02）换算为 WGS-84 后是 ${shown}，` : `${shown}（WGS-84）`;
    const b = HARBIN_BOUNDS;
    throw new FeedRejection(
      'outside_area',
      `${lon.field}/${lat.field} ${where}在哈尔滨范围之外（东经 ${b.west}–${b.east}，北纬 ${b.south}–${b.north}）`,
    );
  }
  return { lon: wLon, lat: wLat };
}

/**
 * The location part of a report: the point if coordinates were sent (in the agency's system), the address if one
 * was sent; `missing_location` when neither, since the pipeline could not place the report at all.
 */
export function resolveLocation(
  point: { lon: number; lat: number } | null,
  crs: 'wgs84' | 'gcj02',
  address: string | null,
  fields: string,
): Pick<NormalisedReport, 'coordSystem' | 'point' | 'address'> {
  if (point === null && address === null) {
    throw new FeedRejection('missing_location', `这条记录既没有坐标也没有地址（${fields}）：请补上其一后重新发送`);
  }
  return { coordSystem: point ? crs : 'address', point, address };
}

/** A zod error as one readable line: each failing field path with its message. */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.map(String).join('.') : '（记录）';
      const missing = /^Invalid input: expected (\w+), received undefined$/.exec(issue.message);
      return `${where}: ${missing ? `必填（${missing[1]}）` : issue.message}`;
    })
    .join('; ');
}

/** An agency's record id: the key of the record in its own system, unique per source. */
export const recordId = z.string().trim().min(1, '不能为空').max(64, '最多 64 个字符');

/** Optional free text (null, absent and blank all mean "not given"), bounded by the common report's limits. */
export const optionalText = (max: number) => z.string().max(max, `最多 ${max} 个字符`).nullish();
