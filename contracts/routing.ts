import type { LineString } from 'geojson';
import { z } from 'zod';
import { facilityKindSchema, latSchema, lonSchema, type FacilityKind } from './geo';

/** Most facilities one `nearest` query may ask for. */
export const MAX_NEAREST_K = 20;

/** `drive`: by drive time on the road network; `straight`: by straight-line distance. */
export const NEAREST_BY = ['drive', 'straight'] as const;
export type NearestBy = (typeof NEAREST_BY)[number];

/** `GET /api/geo/nearest` query, split by the error code each part is rejected with. */
export const nearestKindQuery = z.object({ kind: facilityKindSchema });
export const nearestOptionsQuery = z.object({
  k: z.coerce
    .number({ error: 'k 须为整数' })
    .int({ error: 'k 须为整数' })
    .min(1, { error: 'k 至少为 1' })
    .max(MAX_NEAREST_K, { error: `k 至多为 ${MAX_NEAREST_K}` })
    .default(3),
  by: z.enum(NEAREST_BY, { error: `by 须为 ${NEAREST_BY.join('、')} 之一` }).default('drive'),
});

/** `lon,lat` in one query parameter (e.g. `from=126.63,45.76`). */
export const lonLatParam = (name: string) =>
  z.string({ error: `${name} 必填：lon,lat` }).transform((s, ctx) => {
    const parts = s.split(',');
    if (parts.length !== 2 || parts.some((p) => p.trim() === '')) {
      ctx.addIssue({ code: 'custom', message: `${name} 须为两个数：lon,lat` });
      return z.NEVER;
    }
    const lon = lonSchema.safeParse(parts[0]!.trim());
    const lat = latSchema.safeParse(parts[1]!.trim());
    if (!lon.success || !lat.success) {
      const why = [lon, lat].flatMap((r) => (r.success ? [] : r.error.issues.map((i) => i.message)));
      ctx.addIssue({ code: 'custom', message: `${name} 有误：${why.join('；')}` });
      return z.NEVER;
    }
    return { lon: lon.data, lat: lat.data };
  });

export const routeQuery = z.object({ from: lonLatParam('from'), to: lonLatParam('to') });

/**
 * A road condition (路面积水 waterlogging, 道路塌陷 collapse, 冰雪 snow and ice…) on one road edge: either
 * by `gid` or by a point snapped to the nearest edge, and either a travel-time `factor` (≥ 1) or a closure.
 */
export const roadConditionInput = z
  .object({
    gid: z.number({ error: 'gid 须为数字' }).int({ error: 'gid 须为整数' }).positive().optional(),
    lon: lonSchema.optional(),
    lat: latSchema.optional(),
    factor: z
      .number({ error: 'factor 须为数字' })
      .refine((v) => Number.isFinite(v) && v >= 1, { message: 'factor 须为不小于 1 的有限数' })
      .refine((v) => v <= 100, { message: 'factor 至多为 100；道路无法通行时请用 closed: true' })
      .optional(),
    closed: z.literal(true, { error: 'closed 如给出，只能为 true' }).optional(),
    reason: z
      .string({ error: 'reason 必填，如路面积水、道路塌陷、冰雪' })
      .trim()
      .min(1, { error: 'reason 不能为空' })
      .max(200, { error: 'reason 不能超过 200 个字' }),
  })
  .strict()
  .superRefine((v, ctx) => {
    const byPoint = v.lon !== undefined || v.lat !== undefined;
    if (v.gid === undefined && !byPoint) ctx.addIssue({ code: 'custom', message: '请给出 gid，或给出 lon 和 lat' });
    if (v.gid !== undefined && byPoint) ctx.addIssue({ code: 'custom', message: 'gid 与 lon、lat 只能给出其一，不能同时给出' });
    if (byPoint && (v.lon === undefined || v.lat === undefined))
      ctx.addIssue({ code: 'custom', message: 'lon 和 lat 须同时给出' });
    if ((v.factor === undefined) === (v.closed === undefined))
      ctx.addIssue({ code: 'custom', message: 'factor（≥ 1）与 closed: true 须给出其一，且只能给出其一' });
  });
export type RoadConditionInput = z.infer<typeof roadConditionInput>;

export const roadConditionIdParam = z.object({
  id: z.coerce
    .number({ error: '道路状况编号 id 须为正整数' })
    .int({ error: '道路状况编号 id 须为正整数' })
    .positive({ error: '道路状况编号 id 须为正整数' })
    .max(Number.MAX_SAFE_INTEGER, { error: '道路状况编号 id 过大' }),
});

/** Where a point was attached to the road network. */
export interface SnapInfo {
  lon: number;
  lat: number;
  distanceM: number;
  gid: number;
}

export interface NearestFacility {
  id: string;
  name: string;
  kind: FacilityKind;
  category: string;
  lon: number;
  lat: number;
  /** Null when the facility cannot reach the point by road (too far from a road, or cut off by closures). */
  driveTimeS: number | null;
  distanceM: number | null;
  straightLineM: number;
}

export interface NearestResponse {
  origin: { lon: number; lat: number; snap: SnapInfo | null };
  kind: FacilityKind;
  by: NearestBy;
  results: NearestFacility[];
}

export interface RouteResponse {
  driveTimeS: number;
  /** Metres driven, including the partial edges and the access legs to and from the road. */
  distanceM: number;
  geometry: LineString;
  /** gids of the road edges driven along, in order (for closing one of them, or highlighting). */
  edges: number[];
  from: SnapInfo;
  to: SnapInfo;
}

export interface RoadCondition {
  id: number;
  gid: number;
  /** Travel-time multiplier; null when the edge is closed. */
  factor: number | null;
  closed: boolean;
  reason: string;
  createdAt: string;
  clearedAt: string | null;
  geometry: LineString | null;
}
