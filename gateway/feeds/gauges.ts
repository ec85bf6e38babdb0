import { z } from 'zod';
import type { GaugeReading } from '../../contracts/incidents';
import { FeedRejection } from './adapter';
import { assertStorable } from './payload';
import { formatZodIssues, insideHarbin } from './adapters/fields';
import { parseBeijingDashed } from './adapters/time';

/**
 * Flood-control gauge readings over MQTT, one message per reading on `harbin/flood/gauge/{stcd}`. The payload uses
 * the field names of SL 323 (实时雨水情数据库表结构与标识符): `stcd` 测站编码 (8 characters), `tm` 时间 (Beijing
 * time, yyyy-MM-dd HH:mm:ss), `z` 水位 (m, above the station's datum) and `drp` 时段降水量 (mm). A station sends
 * either or both. Station positions and warning levels come from data/feeds/gauge-stations.json, not the payload.
 */

export const GAUGE_TOPIC_PREFIX = 'harbin/flood/gauge/';
/** The MQTT subscription covering every station. */
export const GAUGE_TOPIC_FILTER = `${GAUGE_TOPIC_PREFIX}+`;
export const gaugeTopic = (stcd: string) => `${GAUGE_TOPIC_PREFIX}${stcd}`;

const stcdSchema = z.string().regex(/^[0-9A-Z]{8}$/, '应为 SL 323 测站编码：8 位数字或大写字母');

/** One gauge station as configured (data/feeds/gauge-stations.json). */
export const gaugeStationSchema = z
  .object({
    stcd: stcdSchema,
    name: z.string().min(1),
    river: z.string().min(1),
    lon: z.number(),
    lat: z.number(),
    /** 警戒水位 and 保证水位 (m, same datum as `z`); null where not known. */
    warningLevelM: z.number().nullable(),
    guaranteeLevelM: z.number().nullable(),
    note: z.string().optional(),
  })
  .refine((s) => insideHarbin(s.lon, s.lat), { message: 'station lies outside Harbin', path: ['lon'] });
export type GaugeStation = z.infer<typeof gaugeStationSchema>;

export const gaugeStationsFileSchema = z.object({
  source: z.string(),
  note: z.string(),
  stations: z.array(gaugeStationSchema).min(1),
});

export const gaugeNativeSchema = z
  .object({
    stcd: stcdSchema,
    /** yyyy-MM-dd HH:mm:ss, Beijing time. */
    tm: z.string(),
    /** 水位, m. */
    z: z.number().min(-100).max(9000).nullish(),
    /** 时段降水量, mm. */
    drp: z.number().min(0, '降水量不能为负数').max(2000).nullish(),
  })
  .refine((r) => r.z != null || r.drp != null, { message: '读数应带有 z（水位）、drp（降水量）或两者', path: ['z'] });
export type GaugeNative = z.infer<typeof gaugeNativeSchema>;

/** The configured station of a code; `unknown_code` for a station the platform does not know. */
export function findGaugeStation(stations: readonly GaugeStation[], stcd: string): GaugeStation {
  const station = stations.find((s) => s.stcd === stcd);
  if (!station) throw new FeedRejection('unknown_code', `stcd ${JSON.stringify(stcd)} 不是已配置的水文测站：请核对测站编码`);
  return station;
}

/** A parsed payload → the common reading. Reaching the warning level counts as over it (达到或超过警戒水位). */
export function normaliseGauge(native: GaugeNative, station: GaugeStation): GaugeReading {
  if (native.stcd !== station.stcd) {
    throw new FeedRejection('unknown_code', `stcd ${native.stcd} 的读数被对应到了测站 ${station.stcd}`);
  }
  const at = parseBeijingDashed(native.tm, 'tm');
  const waterLevelM = native.z ?? null;
  return {
    stationId: station.stcd,
    name: station.name,
    river: station.river,
    lon: station.lon,
    lat: station.lat,
    waterLevelM,
    rainfallMm: native.drp ?? null,
    warningLevelM: station.warningLevelM,
    at,
    overWarning: waterLevelM !== null && station.warningLevelM !== null && waterLevelM >= station.warningLevelM,
  };
}

/** One MQTT message: the topic's station must be the payload's, and known. */
export function parseGaugeMessage(topic: string, body: unknown, stations: readonly GaugeStation[]): GaugeReading {
  assertStorable(body, '水文读数');
  const parsed = gaugeNativeSchema.safeParse(body);
  if (!parsed.success) throw new FeedRejection('malformed', `水文读数格式有误：${formatZodIssues(parsed.error)}`);
  const expected = gaugeTopic(parsed.data.stcd);
  if (topic !== expected) {
    throw new FeedRejection('malformed', `stcd ${parsed.data.stcd} 的读数发到了主题 ${topic}，应发到 ${expected}`);
  }
  return normaliseGauge(parsed.data, findGaugeStation(stations, parsed.data.stcd));
}
