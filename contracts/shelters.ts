import { z } from 'zod';

/** Shelters (人防工程 and 应急避难场所): wire types shared by the gateway and the web app. */

export const SHELTER_KINDS = [
  'civil_defence',
  'metro',
  'underground_parking',
  'park',
  'square',
  'stadium',
  'school_ground',
] as const;
export type ShelterKind = (typeof SHELTER_KINDS)[number];
export const SHELTER_KIND_LABELS: Record<ShelterKind, string> = {
  civil_defence: '人防工事',
  metro: '地铁站',
  underground_parking: '地下停车场',
  park: '公园绿地',
  square: '广场',
  stadium: '体育场馆',
  school_ground: '学校操场',
};
/** Underground works shelter from air raids; open spaces take people in other emergencies. */
export const UNDERGROUND_KINDS: readonly ShelterKind[] = ['civil_defence', 'metro', 'underground_parking'];

export const SHELTER_OPENINGS = ['standby', 'open', 'full', 'closed'] as const;
export type ShelterOpening = (typeof SHELTER_OPENINGS)[number];
export const SHELTER_OPENING_LABELS: Record<ShelterOpening, string> = {
  standby: '待启用',
  open: '已开放',
  full: '已满员',
  closed: '停用',
};

export interface Shelter {
  id: string;
  name: string;
  kind: ShelterKind;
  category: 'underground' | 'open_space';
  /** `derived`: estimated from the city data by the written rules (估算); `register`: from a real register. */
  origin: 'derived' | 'register';
  capacity: number;
  /** How the capacity was obtained, in words. */
  capacityRule: string;
  areaM2: number | null;
  opening: ShelterOpening;
  occupancy: number;
  occupancyAt: string | null;
  occupancySource: 'feed' | 'manual' | 'register' | null;
  district: string | null;
  street: string | null;
  lon: number;
  lat: number;
  /** Change-log sequence of the latest change. */
  seq: number;
}

const shelterId = z.string().regex(/^[A-Za-z0-9_.:-]{1,80}$/, '避难场所编号须为 1–80 位字母、数字或 "_" "." ":" "-"');
export const shelterIdParam = z.object({ id: shelterId });

/** One registered shelter (API or one CSV line): capacity as the register states it. */
export const shelterRegisterInput = z
  .object({
    id: shelterId.refine((v) => !v.startsWith('osm-'), '以 osm- 开头的编号留给由城市数据估算的场所'),
    name: z.string().trim().min(1, '须填写名称').max(120, '名称至多 120 字'),
    kind: z.enum(SHELTER_KINDS, { error: `类型须为 ${SHELTER_KINDS.join('、')} 之一` }),
    capacity: z
      .number({ error: '容量须为数字' })
      .int('容量须为整数')
      .min(0, '容量不能为负')
      .max(1_000_000, '容量至多 1,000,000 人'),
    lon: z.number({ error: '经度须为数字' }).min(-180).max(180),
    lat: z.number({ error: '纬度须为数字' }).min(-90).max(90),
    opening: z.enum(SHELTER_OPENINGS, { error: `开放状态须为 ${SHELTER_OPENINGS.join('、')} 之一` }).optional(),
  })
  .strict();
export type ShelterRegisterInput = z.infer<typeof shelterRegisterInput>;

/** A register as CSV text: id,name,kind,capacity,lon,lat[,opening], one header line. */
export const shelterImportInput = z
  .object({ csv: z.string({ error: '须提供 csv 文本' }).min(1, 'CSV 为空').max(2_000_000, 'CSV 至多 2 MB') })
  .strict();

/** A live occupancy report (air-defence feed or by hand). */
export const shelterOccupancyInput = z
  .object({
    occupancy: z.number({ error: '在避人数须为数字' }).int('在避人数须为整数').min(0, '在避人数不能为负').max(1_000_000),
    opening: z.enum(SHELTER_OPENINGS, { error: `开放状态须为 ${SHELTER_OPENINGS.join('、')} 之一` }).optional(),
    source: z.enum(['feed', 'manual'], { error: '来源须为 feed（人防信息系统）或 manual（人工）' }).default('manual'),
  })
  .strict();
export type ShelterOccupancyInput = z.infer<typeof shelterOccupancyInput>;

export interface ShelterImportResult {
  imported: number;
}
