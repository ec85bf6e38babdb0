import { z } from 'zod';

/** Evacuation and sheltering plans (疏散掩蔽方案): the request and the answer. */

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)], { error: '坐标须为 [经度, 纬度]' });

/** GeoJSON Polygon in WGS-84 (an area drawn on the map). */
const polygon = z
  .object({
    type: z.literal('Polygon', { error: '范围须为 GeoJSON Polygon' }),
    coordinates: z
      .array(z.array(position).min(4, '多边形的环至少需要 4 个点').max(5000, '多边形的环至多 5000 个点'))
      .min(1, '多边形至少需要一个环')
      .max(20, '多边形至多 20 个环'),
  })
  .strict();

export const evacuationAreaSchema = z.union(
  [
    z.object({ district: z.string().regex(/^\d{6}$/, '区县代码须为 6 位数字') }).strict(),
    z.object({ street: z.string().regex(/^\d{9}$/, '街道代码须为 9 位数字') }).strict(),
    polygon,
  ],
  { error: '范围须为 {"district": 6 位区县代码}、{"street": 9 位街道代码} 或 GeoJSON Polygon 之一' },
);
export type EvacuationArea = z.infer<typeof evacuationAreaSchema>;

export const evacuationPlanInput = z
  .object({
    area: evacuationAreaSchema,
    /** Night (residents) or day population of the cells. */
    variant: z.enum(['night', 'day'], { error: '人口口径须为 night（夜间）或 day（日间）' }).default('night'),
    /** Underground works only (air raid), or every shelter (other emergencies). */
    shelters: z.enum(['all', 'underground'], { error: '场所范围须为 all 或 underground' }).default('all'),
    /** Leave out the walking routes (for a quick summary). */
    routes: z.boolean({ error: 'routes 须为 true 或 false' }).default(true),
  })
  .strict();
export type EvacuationPlanInput = z.input<typeof evacuationPlanInput>;

export interface PlanTotals {
  population: number;
  unassigned: number;
  /** Sum of everyone's walk, person-seconds. */
  totalWalkS: number;
  /** The longest walk anyone is sent on, seconds. */
  maxWalkS: number;
}

export interface EvacuationPlan extends PlanTotals {
  area: { kind: 'district' | 'street' | 'polygon'; code: string | null; name: string };
  variant: 'night' | 'day';
  walkSpeedMs: number;
  maxWalkLimitS: number;
  computeMs: number;
  shelters: {
    id: string;
    name: string;
    kind: string;
    lon: number;
    lat: number;
    capacity: number;
    /** Capacity left for this plan: capacity less people already inside. */
    available: number;
    assigned: number;
    /** What nearest-shelter assignment would send there. */
    baselineAssigned: number;
  }[];
  cells: {
    gridCode: string;
    street: string;
    lon: number;
    lat: number;
    population: number;
    unassigned: number;
    to: { shelterId: string; people: number; walkS: number }[];
  }[];
  /** Per street (街道): which shelters its people go to. */
  streets: { code: string; name: string; population: number; unassigned: number; to: { shelterId: string; people: number }[] }[];
  /** Walking routes of the flows (cell → shelter), when asked for. */
  routes: { gridCode: string; shelterId: string; people: number; coordinates: [number, number][] }[];
  baseline: PlanTotals & { overloaded: number };
}
