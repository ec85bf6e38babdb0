import { z } from 'zod';
import type { IncidentCategory } from '../../../contracts/incidents';
import { FeedRejection, type FeedAdapter } from '../adapter';
import {
  type AdapterProfile,
  type CodeEntry,
  lookup,
  oneLine,
  optionalText,
  readPoint,
  recordId,
  resolveLocation,
  tableChoices,
  text,
} from './fields';
import { parseIsoWithOffset } from './time';

/**
 * 消防 119 接警调度. A JSON web service in camelCase: `alarmTime` is ISO 8601 with the +08:00 offset, the disaster
 * type and fire level are Chinese labels, and the location is an object whose `coord` is one "lon,lat" string in
 * WGS-84 (the fire service's own GIS works in CGCS2000, which agrees with WGS-84 to centimetres).
 */

/** 灾情类型 (disasterType). */
export const FIRE119_CODES = {
  火灾: { label: '火灾', category: 'fire' },
  爆炸: { label: '爆炸', category: 'explosion' },
  危化品泄漏: { label: '危化品泄漏', category: 'hazmat' },
  交通事故: { label: '交通事故救援', category: 'traffic_crash' },
  抢险救援: { label: '抢险救援', category: 'injury' },
  排水排涝: { label: '排水排涝', category: 'waterlogging' },
  社会救助: { label: '社会救助', category: 'other' },
} as const satisfies Record<string, CodeEntry>;

/** 警情等级 (fireLevel), after the 突发事件 grading 一般/较大/重大/特别重大 → common priority. */
export const FIRE119_PRIORITY = { 一般: 5, 较大: 7, 重大: 9, 特别重大: 10 } as const satisfies Record<string, number>;

export const fire119Schema = z.object({
  alarmId: recordId,
  /** ISO 8601 with offset, e.g. 2026-01-08T03:41:27+08:00. */
  alarmTime: z.string(),
  disasterType: z.string(),
  fireLevel: z.string(),
  location: z.object({
    /** "lon,lat" in WGS-84 (checked by the adapter: a bad pair is `bad_coordinates`). */
    coord: z.string().nullish(),
    address: optionalText(400),
  }),
  /** 被困人数. */
  trappedCount: z.number().int().min(0).max(100_000).nullish(),
  description: optionalText(4000),
});
export type Fire119Native = z.infer<typeof fire119Schema>;

/** Splits "lon,lat" into its two halves; the halves are checked as coordinates by `readPoint`. */
function splitCoord(coord: string | null | undefined): [string | null, string | null] {
  const t = text(coord);
  if (t === null) return [null, null];
  const parts = t.split(',');
  if (parts.length !== 2) {
    throw new FeedRejection('bad_coordinates', `location.coord ${JSON.stringify(coord)} 应为 "lon,lat"（两个数字）`);
  }
  const [lon = '', lat = ''] = parts;
  // A blank half is "bad", not "absent": the pair was sent.
  if (lon.trim() === '' || lat.trim() === '') {
    throw new FeedRejection('bad_coordinates', `location.coord ${JSON.stringify(coord)} 有一半是空的`);
  }
  return [lon, lat];
}

export const fire119Adapter: FeedAdapter<Fire119Native> = {
  source: '119',
  system: '消防 119 接警调度系统',
  schema: fire119Schema,
  normalise(n) {
    const code: CodeEntry = lookup(FIRE119_CODES, n.disasterType, 'disasterType 灾情类型');
    const priority = lookup(FIRE119_PRIORITY, n.fireLevel, 'fireLevel 警情等级');
    const reportedAt = parseIsoWithOffset(n.alarmTime, 'alarmTime');
    const [lon, lat] = splitCoord(n.location.coord);
    const point = readPoint(
      { value: lon, field: 'location.coord (lon)' },
      { value: lat, field: 'location.coord (lat)' },
      'wgs84',
      'string',
    );
    const address = text(n.location.address);
    const description = text(n.description);
    return {
      source: '119',
      sourceId: n.alarmId,
      category: code.category,
      priority,
      nativePriority: n.fireLevel,
      title: oneLine(code.label, address ?? description),
      description,
      reportedAt,
      ...resolveLocation(point, 'wgs84', address, 'location.coord, location.address'),
      casualties: n.trappedCount ?? null,
    };
  },
};

export const fire119Profile: AdapterProfile = {
  codes: FIRE119_CODES,
  priorityChoices: (_category: IncidentCategory) => tableChoices(FIRE119_PRIORITY),
};
