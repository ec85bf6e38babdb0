import { z } from 'zod';

/**
 * Civil air defence (人防) sirens: the registry, the commands that sound them (全控 / 群控 / 单控) under the
 * two-person rule, and each siren's answer over MQTT. Signals are data (data/airdefense/signals.json).
 */

export const SIREN_KINDS = ['motor', 'electronic', 'multimedia'] as const;
export type SirenKind = (typeof SIREN_KINDS)[number];

export const SIREN_STATES = ['idle', 'sounding', 'fault', 'offline'] as const;
export type SirenState = (typeof SIREN_STATES)[number];
export const SIREN_STATE_LABELS: Record<SirenState, string> = {
  idle: '待命',
  sounding: '鸣响中',
  fault: '故障',
  offline: '离线',
};

export interface Siren {
  id: string;
  name: string;
  kind: SirenKind;
  ratedPowerW: number;
  /** Audible radius in metres (the circle drawn on the map and used for coverage). */
  radiusM: number;
  lon: number;
  lat: number;
  /** Where it is mounted, e.g. the rooftop of a named school. */
  site: string;
  district: string;
  districtName: string;
  street: string;
  streetName: string;
  /** The 群控 group: the street (9-digit code) the siren belongs to. */
  group: string;
  state: SirenState;
  fault: string | null;
  lastPollAt: string | null;
  /** True for the generated demonstration layout (no open data has real sites). */
  demo: boolean;
  /** Change-log sequence of this version. */
  seq: number;
}

export const SIREN_SIGNALS = ['warning', 'air_raid', 'all_clear', 'test'] as const;
export type SirenSignal = (typeof SIREN_SIGNALS)[number];

/** One signal pattern: `cycles` times `onS` sounding then `offS` silent (the last silence is not sounded). */
export interface SignalPattern {
  id: SirenSignal;
  label: string;
  onS: number;
  offS: number;
  cycles: number;
  /** Tone frequency the wall's drill playback uses (a siren's own tone rises and falls; this is its centre). */
  toneHz: number;
}

const sirenId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, '警报器编号须为 1–40 位字母、数字、"_" 或 "-"');

/** GeoJSON Polygon in WGS-84 (a drawn 群控 area). */
const polygon = z
  .object({
    type: z.literal('Polygon', { error: '范围多边形须为 GeoJSON Polygon' }),
    coordinates: z
      .array(
        z
          .array(z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]), { error: '坐标须为 [经度, 纬度]' })
          .min(4, '多边形的环至少需要 4 个点')
          .max(2000, '多边形的环至多 2000 个点'),
      )
      .min(1, '多边形至少需要一个环')
      .max(20, '多边形至多 20 个环'),
  })
  .strict();

/** Which sirens a command addresses: all (全控), a district, street or drawn polygon (群控), or named ones (单控). */
export const sirenScopeSchema = z
  .object({
    all: z.literal(true, { error: 'all 只能为 true' }).optional(),
    district: z
      .string()
      .regex(/^\d{6}$/, '区县代码为 6 位数字')
      .optional(),
    street: z
      .string()
      .regex(/^\d{9}$/, '街道代码为 9 位数字')
      .optional(),
    polygon: polygon.optional(),
    sirenIds: z.array(sirenId).min(1, '至少指定一台警报器').max(2000, '单控至多 2000 台').optional(),
  })
  .strict()
  .refine((s) => Object.values(s).filter((v) => v !== undefined).length === 1, {
    error: '范围须且只须为 all、district、street、polygon、sirenIds 之一',
  });
export type SirenScope = z.infer<typeof sirenScopeSchema>;

export const sirenCommandInput = z
  .object({
    scope: sirenScopeSchema,
    signal: z.enum(SIREN_SIGNALS, { error: `信号须为 ${SIREN_SIGNALS.join('、')} 之一` }),
    drill: z.boolean({ error: 'drill 须为 true 或 false' }).default(false),
    reason: z.string({ error: '请填写理由' }).trim().min(2, '请填写理由（至少 2 个字）').max(300, '理由至多 300 字'),
  })
  .strict();
export type SirenCommandInput = z.infer<typeof sirenCommandInput>;

export const sirenCommandIdParam = z.object({ id: z.uuid({ error: '命令编号须为 UUID' }) });

export const COMMAND_STATES = ['pending', 'expired', 'dispatched', 'completed'] as const;
export type CommandState = (typeof COMMAND_STATES)[number];
export const COMMAND_STATE_LABELS: Record<CommandState, string> = {
  pending: '待确认',
  expired: '已过期',
  dispatched: '执行中',
  completed: '已完成',
};

export const TARGET_STATES = ['sent', 'acked', 'sounding', 'completed', 'failed', 'no_answer'] as const;
export type TargetState = (typeof TARGET_STATES)[number];

/** A street left without sound by the sirens that failed or did not answer. */
export interface CoverageGap {
  street: string;
  streetName: string;
  /** Share of the street's area no working siren of the command reaches (0–1). */
  uncoveredShare: number;
}

export interface SirenCommandSummary {
  id: string;
  scope: SirenScope;
  scopeLabel: string;
  signal: SirenSignal;
  drill: boolean;
  reason: string;
  state: CommandState;
  proposedBy: string;
  proposedAt: string;
  expiresAt: string;
  confirmedBy: string | null;
  confirmedAt: string | null;
  completedAt: string | null;
  /** Sirens addressed, and how many are in each state. */
  sirenCount: number;
  counts: Record<TargetState, number>;
  /** From confirmation to the last acknowledgement, when every siren has answered (null until then, or never). */
  fullAckMs: number | null;
  gaps: CoverageGap[];
  seq: number;
}

export interface SirenCommandTarget {
  sirenId: string;
  state: TargetState;
  sentAt: string | null;
  ackedAt: string | null;
  completedAt: string | null;
  fault: string | null;
}

export interface SirenCommandDetail extends SirenCommandSummary {
  targets: SirenCommandTarget[];
}

export const sirenImportInput = z
  .object({
    csv: z.string({ error: '请提供 CSV 文本（csv 字段）' }).min(1, 'CSV 为空').max(900_000, 'CSV 至多 900,000 个字符'),
  })
  .strict();

export interface SirenImportResult {
  imported: number;
  updated: number;
  /** Per-siren MQTT passwords of newly registered sirens: shown once, stored only as hashes. */
  credentials: { sirenId: string; username: string; password: string }[];
}
