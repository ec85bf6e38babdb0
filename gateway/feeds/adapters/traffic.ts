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
import { parseBeijingDashed } from './time';

/**
 * 公安交通集成指挥平台 (traffic police command): accidents, congestion, closures. `occurTime` is
 * `yyyy-MM-dd HH:mm:ss` in Beijing time; positions come from the platform's AMap-based map and are GCJ-02
 * (`gcjLon`/`gcjLat`, optional); the road is always named (`roadName`, plus `crossRoad` at a junction, giving
 * the address "roadName与crossRoad交口").
 */

/** 事件类型 (eventType). */
export const TRAFFIC_CODES = {
  事故: { label: '交通事故', category: 'traffic_crash' },
  拥堵: { label: '交通拥堵', category: 'congestion' },
  施工封闭: { label: '施工封闭', category: 'road_closure' },
  管制: { label: '交通管制', category: 'road_closure' },
  冰雪路面: { label: '冰雪路面', category: 'road_closure' },
  积水: { label: '路面积水', category: 'waterlogging' },
} as const satisfies Record<string, CodeEntry>;
type TrafficCode = keyof typeof TRAFFIC_CODES;

/** 事故等级 (accidentGrade) → common priority; required for 事故, optional for the rest. */
export const TRAFFIC_GRADE_PRIORITY = { 轻微: 3, 一般: 5, 重大: 8, 特大: 10 } as const satisfies Record<string, number>;

/** The priority of an event sent without a grade, by event type. */
export const TRAFFIC_UNGRADED_PRIORITY = {
  拥堵: 3,
  施工封闭: 2,
  管制: 4,
  冰雪路面: 4,
  积水: 5,
} as const satisfies Record<Exclude<TrafficCode, '事故'>, number>;

export const trafficSchema = z
  .object({
    eventCode: recordId,
    /** yyyy-MM-dd HH:mm:ss, Beijing time. */
    occurTime: z.string(),
    eventType: z.string(),
    accidentGrade: z.string().nullish(),
    roadName: z.string().max(150),
    crossRoad: z.string().max(150).nullish(),
    /** 方向, e.g. 由东向西. */
    direction: z.string().max(40).nullish(),
    /** GCJ-02 (checked by the adapter: a bad value is `bad_coordinates`). */
    gcjLon: z.unknown().optional(),
    gcjLat: z.unknown().optional(),
    /** 受伤人数. */
    injured: z.number().int().min(0).max(100_000).nullish(),
    remark: optionalText(4000),
  })
  .superRefine((v, ctx) => {
    if (v.eventType === '事故' && !text(v.accidentGrade)) {
      ctx.addIssue({ code: 'custom', path: ['accidentGrade'], message: 'eventType 为事故时必填' });
    }
  });
export type TrafficNative = z.infer<typeof trafficSchema>;

export const trafficAdapter: FeedAdapter<TrafficNative> = {
  source: 'traffic',
  system: '公安交通集成指挥平台',
  schema: trafficSchema,
  normalise(n) {
    const code: CodeEntry = lookup(TRAFFIC_CODES, n.eventType, 'eventType 事件类型');
    const grade = text(n.accidentGrade);
    const priority =
      grade !== null
        ? lookup(TRAFFIC_GRADE_PRIORITY, grade, 'accidentGrade 事故等级')
        : lookup(TRAFFIC_UNGRADED_PRIORITY, n.eventType, 'eventType（无等级事件）');
    const reportedAt = parseBeijingDashed(n.occurTime, 'occurTime');
    const point = readPoint({ value: n.gcjLon, field: 'gcjLon' }, { value: n.gcjLat, field: 'gcjLat' }, 'gcj02', 'number');
    const road = text(n.roadName);
    const cross = text(n.crossRoad);
    const address = road && cross ? `${road}与${cross}交口` : (road ?? cross);
    return {
      source: 'traffic',
      sourceId: n.eventCode,
      category: code.category,
      priority,
      nativePriority: grade ?? '',
      title: oneLine(code.label, address, text(n.direction)),
      description: text(n.remark),
      reportedAt,
      ...resolveLocation(point, 'gcj02', address, 'gcjLon/gcjLat, roadName'),
      casualties: n.injured ?? null,
    };
  },
};

/** The canonical event type of each category the platform sends (the first in table order). */
function canonicalType(category: IncidentCategory): TrafficCode | undefined {
  return (Object.keys(TRAFFIC_CODES) as TrafficCode[]).find((k) => TRAFFIC_CODES[k].category === category);
}

export const trafficProfile: AdapterProfile = {
  codes: TRAFFIC_CODES,
  priorityChoices(category) {
    const graded = tableChoices(TRAFFIC_GRADE_PRIORITY);
    const type = canonicalType(category);
    if (type === undefined || type === '事故') return graded;
    return [...graded, { native: '', priority: TRAFFIC_UNGRADED_PRIORITY[type] }];
  },
};
