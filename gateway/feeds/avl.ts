import { z } from 'zod';
import { UNIT_STATUSES, type UnitStatus } from '../../contracts/incidents';
import { FeedRejection } from './adapter';
import { assertStorable } from './payload';
import { formatZodIssues, readPoint } from './adapters/fields';
import { parseIsoUtc } from './adapters/time';

/**
 * Unit positions (AVL) as Cursor-on-Target-like JSON on MQTT topic `harbin/avl/{unitId}`: the event's `uid`,
 * `type` (CoT type, e.g. a-f-G-E-V for a friendly ground vehicle), `time` (generated), `start`/`stale` (validity
 * window), all ISO 8601 UTC, and `point` {lat, lon (WGS-84), hae (m above the ellipsoid), ce/le (circular /
 * linear error, m)}; CoT writes 9999999 for "unknown". `status` is the platform's own extension.
 */

export const AVL_TOPIC_PREFIX = 'harbin/avl/';
export const AVL_TOPIC_FILTER = `${AVL_TOPIC_PREFIX}+`;
export const avlTopic = (unitId: string) => `${AVL_TOPIC_PREFIX}${unitId}`;

/** CoT's value for an unknown height or error. */
export const COT_UNKNOWN = 9999999;

export const avlNativeSchema = z.object({
  uid: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, '应为力量编号：字母、数字、"."、"_" 和 "-"，最多 64 个字符'),
  type: z.string().regex(/^[a-z](-[A-Za-z0-9]+)+$/, '应为 CoT 类型，如 a-f-G-E-V'),
  time: z.string(),
  start: z.string(),
  stale: z.string(),
  point: z.object({
    /** WGS-84 (checked by the normaliser: a bad value is `bad_coordinates`). */
    lat: z.unknown(),
    lon: z.unknown(),
    hae: z.number(),
    ce: z.number().min(0),
    le: z.number().min(0),
  }),
  status: z.enum(UNIT_STATUSES, { error: `status 应为以下之一：${UNIT_STATUSES.join(', ')}` }).nullish(),
});
export type AvlNative = z.infer<typeof avlNativeSchema>;

/** One position fix of a unit, in the platform's terms. */
export interface AvlFix {
  unitId: string;
  lon: number;
  lat: number;
  /** CoT `time`: when the fix was made. */
  at: string;
  /** CoT `stale`: after this the position is shown as stale. */
  staleAt: string;
  /** CoT `ce` in metres; null when the device reported it unknown. */
  accuracyM: number | null;
  status: UnitStatus | null;
}

export function normaliseAvl(native: AvlNative): AvlFix {
  const at = parseIsoUtc(native.time, 'time');
  const start = parseIsoUtc(native.start, 'start');
  const staleAt = parseIsoUtc(native.stale, 'stale');
  if (Date.parse(staleAt) <= Date.parse(at)) {
    throw new FeedRejection('bad_time', `stale ${native.stale} 应晚于 time ${native.time}`);
  }
  if (Date.parse(start) >= Date.parse(staleAt)) {
    throw new FeedRejection('bad_time', `start ${native.start} 应早于 stale ${native.stale}`);
  }
  const point = readPoint(
    { value: native.point.lon, field: 'point.lon' },
    { value: native.point.lat, field: 'point.lat' },
    'wgs84',
    'number',
  );
  if (point === null) throw new FeedRejection('bad_coordinates', '缺少 point.lat 和 point.lon');
  return {
    unitId: native.uid,
    lon: point.lon,
    lat: point.lat,
    at,
    staleAt,
    accuracyM: native.point.ce >= COT_UNKNOWN ? null : native.point.ce,
    status: native.status ?? null,
  };
}

/** One MQTT message: the topic's unit must be the payload's `uid`. */
export function parseAvlMessage(topic: string, body: unknown): AvlFix {
  assertStorable(body, 'AVL 定位');
  const parsed = avlNativeSchema.safeParse(body);
  if (!parsed.success) throw new FeedRejection('malformed', `AVL 定位格式有误：${formatZodIssues(parsed.error)}`);
  const expected = avlTopic(parsed.data.uid);
  if (topic !== expected) {
    throw new FeedRejection('malformed', `${parsed.data.uid} 的定位发到了主题 ${topic}，应发到 ${expected}`);
  }
  return normaliseAvl(parsed.data);
}
