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
import { parseEpochSeconds } from './time';

/**
 * 人防指挥信息系统 警报报知 (civil air defence): alarms, siren health and shelter (人防工程) status. Compact
 * machine messages: `ts` is Unix seconds, `level` an integer 1–3 (1 highest), `x`/`y` WGS-84 longitude/latitude
 * of the siren or shelter (surveyed positions), `sirenId`/`shelterId` the equipment or works concerned.
 */

/** 消息类别 (kind). */
export const AIRDEFENSE_CODES = {
  空袭警报: { label: '空袭警报', category: 'air_raid' },
  预先警报: { label: '预先警报', category: 'air_raid' },
  解除警报: { label: '解除警报', category: 'air_raid' },
  警报器故障: { label: '警报器故障', category: 'siren_fault' },
  警报器离线: { label: '警报器离线', category: 'siren_fault' },
  工程险情: { label: '人防工程险情', category: 'shelter' },
  工程进水: { label: '人防工程进水', category: 'shelter' },
  灾情警报: { label: '灾情警报', category: 'other' },
} as const satisfies Record<string, CodeEntry>;

/** 等级 (level) 1–3, 1 highest → common priority. */
export const AIRDEFENSE_PRIORITY = { '1': 10, '2': 7, '3': 4 } as const satisfies Record<string, number>;

export const airdefenseSchema = z.object({
  msgId: recordId,
  /** Unix time, seconds. */
  ts: z.number(),
  kind: z.string(),
  level: z.number().int(),
  /** 警报器编号, e.g. HRB-JB-0107. */
  sirenId: z.string().max(40).nullish(),
  /** 人防工程编号, e.g. RF-NG-0032. */
  shelterId: z.string().max(40).nullish(),
  /** WGS-84 longitude / latitude (checked by the adapter: a bad value is `bad_coordinates`). */
  x: z.unknown().optional(),
  y: z.unknown().optional(),
  /** 位置名称 of the siren point or works. */
  place: optionalText(400),
  text: optionalText(4000),
});
export type AirdefenseNative = z.infer<typeof airdefenseSchema>;

export const airdefenseAdapter: FeedAdapter<AirdefenseNative> = {
  source: 'airdefense',
  system: '人防指挥信息系统 警报报知',
  schema: airdefenseSchema,
  normalise(n) {
    const code: CodeEntry = lookup(AIRDEFENSE_CODES, n.kind, 'kind 消息类别');
    const nativeLevel = String(n.level);
    const priority = lookup(AIRDEFENSE_PRIORITY, nativeLevel, 'level 等级');
    const reportedAt = parseEpochSeconds(n.ts, 'ts');
    const point = readPoint({ value: n.x, field: 'x' }, { value: n.y, field: 'y' }, 'wgs84', 'number');
    const place = text(n.place);
    const siren = text(n.sirenId);
    const shelter = text(n.shelterId);
    const equipment = siren ? `警报器 ${siren}` : shelter ? `工程 ${shelter}` : null;
    return {
      source: 'airdefense',
      sourceId: n.msgId,
      category: code.category,
      priority,
      nativePriority: nativeLevel,
      title: oneLine(code.label, place, equipment),
      description: text(n.text),
      reportedAt,
      ...resolveLocation(point, 'wgs84', place, 'x/y, place'),
      casualties: null,
    };
  },
};

export const airdefenseProfile: AdapterProfile = {
  codes: AIRDEFENSE_CODES,
  priorityChoices: (_category: IncidentCategory) => tableChoices(AIRDEFENSE_PRIORITY),
};
