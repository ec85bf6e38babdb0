import { z } from 'zod';

/**
 * Public warnings (预警): the four levels of the 突发事件应对法, the hazards, the publishing inputs and the wire
 * record. A warning is a sequence of CAP 1.2 messages: the first (Alert), replacements (Update, each referencing the
 * one it replaces) and a lifting (Cancel). Each message is one record with its own id; the one in force is `active`.
 */

export const WARNING_LEVELS = ['red', 'orange', 'yellow', 'blue'] as const;
export type WarningLevel = (typeof WARNING_LEVELS)[number];

export const WARNING_LEVEL_LABELS: Record<WarningLevel, string> = {
  red: '红色',
  orange: '橙色',
  yellow: '黄色',
  blue: '蓝色',
};

/** The warning colours as drawn on maps (RGB). */
export const WARNING_LEVEL_COLORS: Record<WarningLevel, readonly [number, number, number]> = {
  red: [230, 0, 18],
  orange: [255, 128, 0],
  yellow: [255, 214, 0],
  blue: [0, 112, 224],
};

/** The hazards a warning may name, with their Chinese label and the CAP 1.2 `category` they belong to. */
export const WARNING_HAZARDS = {
  rainstorm: { label: '暴雨', category: 'Met' },
  snowstorm: { label: '暴雪', category: 'Met' },
  cold_wave: { label: '寒潮', category: 'Met' },
  gale: { label: '大风', category: 'Met' },
  fog: { label: '大雾', category: 'Met' },
  heat: { label: '高温', category: 'Met' },
  road_icing: { label: '道路结冰', category: 'Met' },
  flood: { label: '洪水', category: 'Met' },
  urban_waterlogging: { label: '城市内涝', category: 'Met' },
  earthquake: { label: '地震', category: 'Geo' },
  forest_fire: { label: '森林火险', category: 'Fire' },
  hazmat: { label: '危化品', category: 'CBRNE' },
  power_outage: { label: '大面积停电', category: 'Infra' },
  air_raid: { label: '空袭', category: 'Security' },
} as const satisfies Record<string, { label: string; category: string }>;
export type WarningHazard = keyof typeof WARNING_HAZARDS;
export const WARNING_HAZARD_IDS = Object.keys(WARNING_HAZARDS) as [WarningHazard, ...WarningHazard[]];

/** CAP 1.2 `certainty`: how sure the sender is that the hazard will occur. */
export const WARNING_CERTAINTIES = ['Observed', 'Likely', 'Possible'] as const;
export type WarningCertainty = (typeof WARNING_CERTAINTIES)[number];
export const WARNING_CERTAINTY_LABELS: Record<WarningCertainty, string> = {
  Observed: '已发生',
  Likely: '很可能（> 50%）',
  Possible: '可能（≤ 50%）',
};

/** Positions a drawn polygon may have (its closing position included). */
const WARNING_POLYGON_MAX_POSITIONS = 2000;
/** Districts or streets one warning may name. */
const WARNING_MAX_AREAS = 40;
/** The longest a warning may stay in force. */
export const WARNING_MAX_DAYS = 30;

const text = (what: string, max: number) =>
  z
    .string({ error: `${what}必须是文字` })
    .trim()
    .min(1, { error: `请填写${what}` })
    .max(max, { error: `${what}不能超过 ${max} 个字` });

const time = (what: string) =>
  z.iso.datetime({ offset: true, error: `${what}必须是带时区的 ISO 8601 时间，例如 2026-12-07T20:00:00+08:00` });

const position = z.tuple([z.number({ error: '经度必须是数字' }), z.number({ error: '纬度必须是数字' })], {
  error: '多边形的每个点必须是 [经度, 纬度]',
});

/** Where a warning applies: whole districts (6-digit adcodes), streets (9-digit codes) or a drawn polygon. */
const warningAreaInput = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('districts'),
      codes: z
        .array(z.string().regex(/^\d{6}$/, { error: '区县代码必须是 6 位数字' }), { error: '请选择区县' })
        .min(1, { error: '请至少选择一个区县' })
        .max(WARNING_MAX_AREAS, { error: `一次最多选择 ${WARNING_MAX_AREAS} 个区县` }),
    }),
    z.strictObject({
      kind: z.literal('streets'),
      codes: z
        .array(z.string().regex(/^\d{9}$/, { error: '街道代码必须是 9 位数字' }), { error: '请选择街道' })
        .min(1, { error: '请至少选择一个街道' })
        .max(WARNING_MAX_AREAS, { error: `一次最多选择 ${WARNING_MAX_AREAS} 个街道` }),
    }),
    z.strictObject({
      kind: z.literal('polygon'),
      /** One closed ring of [longitude, latitude] on WGS-84: first and last positions equal, at least 4. */
      polygon: z
        .array(position, { error: '多边形必须是 [经度, 纬度] 点的数组' })
        .max(WARNING_POLYGON_MAX_POSITIONS, { error: `多边形最多 ${WARNING_POLYGON_MAX_POSITIONS} 个点` }),
      /** The area's name (区域描述); derived from the districts it touches when left out. */
      name: text('区域名称', 100).optional(),
    }),
  ],
  { error: '预警范围必须是 districts（区县）、streets（街道）或 polygon（多边形）之一' },
);
export type WarningAreaInput = z.infer<typeof warningAreaInput>;

/** `POST /api/warnings` and `POST /api/warnings/:id/update`: the whole warning (an update replaces it). */
export const publishWarningInput = z.strictObject({
  hazard: z.enum(WARNING_HAZARD_IDS, { error: `预警类型必须是 ${WARNING_HAZARD_IDS.join('、')} 之一` }),
  level: z.enum(WARNING_LEVELS, { error: '预警级别必须是 red、orange、yellow、blue 之一' }),
  area: warningAreaInput,
  /** Left out: 「<area>发布<hazard><level>预警」. */
  headline: text('标题', 160).optional(),
  description: text('预警内容', 4000),
  /** 防御指南: what people should do. */
  instruction: text('防御指南', 4000),
  certainty: z.enum(WARNING_CERTAINTIES, { error: '确定性必须是 Observed、Likely、Possible 之一' }).default('Likely'),
  /** When the warning takes effect; left out: now. */
  effectiveAt: time('生效时间').optional(),
  /** When the hazard is expected to begin; left out: the effective time. */
  onsetAt: time('开始时间').optional(),
  expiresAt: time('解除（失效）时间'),
  /** A drill (演练): CAP status Exercise. */
  drill: z.boolean({ error: 'drill 必须是 true 或 false' }).default(false),
});
export type PublishWarningInput = z.infer<typeof publishWarningInput>;

export const cancelWarningInput = z.strictObject({
  reason: text('解除原因', 500),
});
export type CancelWarningInput = z.infer<typeof cancelWarningInput>;

export type WarningMsgType = 'Alert' | 'Update' | 'Cancel';

/**
 * `active`: in force (or, for a Cancel, announcing the lifting) until it expires; `superseded`: replaced by an
 * Update; `cancelled`: lifted by a Cancel; `expired`: its expiry passed.
 */
export type WarningState = 'active' | 'superseded' | 'cancelled' | 'expired';

export type WarningAreaKind = 'districts' | 'streets' | 'polygon';

/** One message of a warning, as the list, the change log and the wall carry it. */
export interface PublicWarning {
  id: string;
  /** The CAP identifier. */
  identifier: string;
  msgType: WarningMsgType;
  /** The message this one replaces or cancels. */
  referencesId: string | null;
  state: WarningState;
  drill: boolean;
  hazard: WarningHazard;
  level: WarningLevel;
  headline: string;
  description: string;
  instruction: string;
  certainty: WarningCertainty;
  areaKind: WarningAreaKind;
  /** District adcodes or street codes named (for a polygon: the districts it touches). */
  areaCodes: string[];
  areaDesc: string;
  /** The area on WGS-84, simplified for drawing. */
  geometry: { type: 'MultiPolygon'; coordinates: number[][][][] };
  sentAt: string;
  effectiveAt: string;
  onsetAt: string;
  expiresAt: string;
  /** Who published it (login name) and the issuing body's name. */
  sender: string;
  senderName: string;
  /** Change-log sequence of this state. */
  seq: number;
}

export interface WarningListResponse {
  /** Warnings in force now (Cancel notices excluded), most severe first. */
  warnings: PublicWarning[];
  /** Change-log head when the list was read. */
  seq: number;
}

/** `GET /api/warnings/areas`: what a warning may name. */
export interface WarningAreasResponse {
  districts: { code: string; name: string }[];
  streets: { code: string; name: string; districtCode: string }[];
}

/** `POST /api/warnings/:id/update`: the new message and the one it replaced. */
export interface UpdateWarningResponse {
  warning: PublicWarning;
  replaced: PublicWarning;
}

/** `POST /api/warnings/:id/cancel`: the cancel notice and the message it lifted. */
export interface CancelWarningResponse {
  notice: PublicWarning;
  cancelled: PublicWarning;
}

/** Is the warning in force at `now` (epoch ms)? The list and the wall decide alike. */
export const warningInForce = (w: Pick<PublicWarning, 'state' | 'msgType' | 'expiresAt'>, now: number): boolean =>
  w.state === 'active' && w.msgType !== 'Cancel' && Date.parse(w.expiresAt) > now;

/** The standard Chinese name of a warning: 「暴雪橙色预警」. */
export const warningName = (w: Pick<PublicWarning, 'hazard' | 'level'>): string =>
  `${WARNING_HAZARDS[w.hazard].label}${WARNING_LEVEL_LABELS[w.level]}预警`;
