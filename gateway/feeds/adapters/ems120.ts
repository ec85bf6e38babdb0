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
import { parseEpochMillis } from './time';

/**
 * 120 急救指挥调度. snake_case JSON; `call_ts` is Unix time in milliseconds; `triage` is the 急诊预检分级 level
 * Ⅰ–Ⅳ (Ⅰ 濒危 most critical), which dispatch consoles write in several ways (Ⅰ级, I, 1). The caller's position,
 * when the phone shared one, is GCJ-02 (`gcj_lng`/`gcj_lat`); most calls carry only the pickup address.
 */

/** 呼救类型 (call_type). Keys stay non-numeric-looking ('09', not '99') so object order is table order. */
export const EMS120_CODES = {
  '01': { label: '急病', category: 'medical' },
  '02': { label: '创伤', category: 'injury' },
  '03': { label: '交通事故伤', category: 'traffic_crash' },
  '04': { label: '中毒', category: 'medical' },
  '05': { label: '烧烫伤', category: 'injury' },
  '06': { label: '坠落伤', category: 'injury' },
  '09': { label: '其他', category: 'other' },
} as const satisfies Record<string, CodeEntry>;

/** 分级 (triage) Ⅰ–Ⅳ → common priority: Ⅰ 濒危, Ⅱ 危重, Ⅲ 急症, Ⅳ 非急症. */
export const EMS120_PRIORITY = { Ⅰ级: 10, Ⅱ级: 8, Ⅲ级: 5, Ⅳ级: 2 } as const satisfies Record<string, number>;

/** Each spelling a console sends (without the trailing 级, case-insensitive) → the canonical level. */
const TRIAGE_SPELLINGS: Record<string, keyof typeof EMS120_PRIORITY> = {
  Ⅰ: 'Ⅰ级',
  I: 'Ⅰ级',
  '1': 'Ⅰ级',
  Ⅱ: 'Ⅱ级',
  II: 'Ⅱ级',
  '2': 'Ⅱ级',
  Ⅲ: 'Ⅲ级',
  III: 'Ⅲ级',
  '3': 'Ⅲ级',
  Ⅳ: 'Ⅳ级',
  IV: 'Ⅳ级',
  '4': 'Ⅳ级',
};

/** The canonical triage level of a sent value ("Ⅱ级", "II", "ii级", "2", 2 …); `unknown_code` otherwise. */
export function canonicalTriage(value: string | number): keyof typeof EMS120_PRIORITY {
  const key = String(value).trim().replace(/级$/, '').toUpperCase();
  const level = Object.hasOwn(TRIAGE_SPELLINGS, key) ? TRIAGE_SPELLINGS[key] : undefined;
  if (level === undefined) {
    throw new FeedRejection('unknown_code', `triage ${JSON.stringify(value)} 不是分级（应为 Ⅰ级–Ⅳ级、I–IV 或 1–4）`);
  }
  return level;
}

export const ems120Schema = z.object({
  call_no: recordId,
  /** Unix time, milliseconds. */
  call_ts: z.number(),
  /** Ⅰ级–Ⅳ级, I–IV or 1–4. */
  triage: z.union([z.string(), z.number()]),
  call_type: z.string(),
  /** 主诉, e.g. 胸痛2小时伴大汗. */
  complaint: optionalText(4000),
  pickup_address: optionalText(400),
  /** GCJ-02 (checked by the adapter: a bad value is `bad_coordinates`). */
  gcj_lng: z.unknown().optional(),
  gcj_lat: z.unknown().optional(),
  /** 患者人数. */
  patients: z.number().int().min(0).max(100_000).nullish(),
});
export type Ems120Native = z.infer<typeof ems120Schema>;

export const ems120Adapter: FeedAdapter<Ems120Native> = {
  source: '120',
  system: '120 急救指挥调度系统',
  schema: ems120Schema,
  normalise(n) {
    const code: CodeEntry = lookup(EMS120_CODES, n.call_type, 'call_type 呼救类型');
    const level = canonicalTriage(n.triage);
    const reportedAt = parseEpochMillis(n.call_ts, 'call_ts');
    const point = readPoint({ value: n.gcj_lng, field: 'gcj_lng' }, { value: n.gcj_lat, field: 'gcj_lat' }, 'gcj02', 'number');
    const address = text(n.pickup_address);
    const complaint = text(n.complaint);
    return {
      source: '120',
      sourceId: n.call_no,
      category: code.category,
      priority: EMS120_PRIORITY[level],
      nativePriority: String(n.triage),
      title: oneLine(`${code.label}（${level}）`, address ?? complaint),
      description: complaint,
      reportedAt,
      ...resolveLocation(point, 'gcj02', address, 'gcj_lng/gcj_lat, pickup_address'),
      casualties: n.patients ?? null,
    };
  },
};

export const ems120Profile: AdapterProfile = {
  codes: EMS120_CODES,
  priorityChoices: (_category: IncidentCategory) => tableChoices(EMS120_PRIORITY),
};
