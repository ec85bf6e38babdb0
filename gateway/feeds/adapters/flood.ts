import { z } from 'zod';
import type { IncidentCategory } from '../../../contracts/incidents';
import type { FeedAdapter } from '../adapter';
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
import { parseIsoUtc } from './time';

/**
 * 防汛抗旱指挥系统 险情上报 (danger reports from dyke patrols and district flood offices, not the gauge stream).
 * Times are ISO 8601 UTC; positions are CGCS2000 from field GPS, taken as WGS-84 (they agree to centimetres);
 * the warning level is the colour of 突发事件应对法 (红 一级 highest).
 */

/** 险情类型 (type). */
export const FLOOD_CODES = {
  堤防险情: { label: '堤防险情', category: 'flood' },
  管涌: { label: '管涌', category: 'flood' },
  漫溢: { label: '漫溢', category: 'flood' },
  山洪: { label: '山洪', category: 'flood' },
  城市内涝: { label: '城市内涝', category: 'waterlogging' },
  积水点: { label: '道路积水', category: 'waterlogging' },
  水位超警: { label: '水位超警', category: 'gauge_alarm' },
  雨量超警: { label: '雨量超警', category: 'gauge_alarm' },
} as const satisfies Record<string, CodeEntry>;

/** 预警等级 (warnLevel) 蓝/黄/橙/红 (四级…一级) → common priority. */
export const FLOOD_PRIORITY = { 蓝: 4, 黄: 6, 橙: 8, 红: 10 } as const satisfies Record<string, number>;

export const floodSchema = z.object({
  reportNo: recordId,
  /** ISO 8601 UTC, ending in Z. */
  time: z.string(),
  type: z.string(),
  warnLevel: z.string(),
  /** WGS-84/CGCS2000 (checked by the adapter: a bad value is `bad_coordinates`). */
  lng: z.unknown().optional(),
  lat: z.unknown().optional(),
  /** 险情地点. */
  site: optionalText(400),
  /** 险情描述. */
  detail: optionalText(4000),
  /** 上报单位, e.g. 道里区防汛办. */
  reporter: optionalText(100),
  /** 被困人数. */
  trapped: z.number().int().min(0).max(100_000).nullish(),
});
export type FloodNative = z.infer<typeof floodSchema>;

export const floodAdapter: FeedAdapter<FloodNative> = {
  source: 'flood',
  system: '防汛抗旱指挥系统 险情上报',
  schema: floodSchema,
  normalise(n) {
    const code: CodeEntry = lookup(FLOOD_CODES, n.type, 'type 险情类型');
    const priority = lookup(FLOOD_PRIORITY, n.warnLevel, 'warnLevel 预警等级');
    const reportedAt = parseIsoUtc(n.time, 'time');
    const point = readPoint({ value: n.lng, field: 'lng' }, { value: n.lat, field: 'lat' }, 'wgs84', 'number');
    const site = text(n.site);
    const detail = text(n.detail);
    return {
      source: 'flood',
      sourceId: n.reportNo,
      category: code.category,
      priority,
      nativePriority: n.warnLevel,
      title: oneLine(`${code.label}（${n.warnLevel}色预警）`, site ?? detail),
      description: detail,
      reportedAt,
      ...resolveLocation(point, 'wgs84', site, 'lng/lat, site'),
      casualties: n.trapped ?? null,
    };
  },
};

export const floodProfile: AdapterProfile = {
  codes: FLOOD_CODES,
  priorityChoices: (_category: IncidentCategory) => tableChoices(FLOOD_PRIORITY),
};
