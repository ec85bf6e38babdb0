import { z } from 'zod';

/** Harbin's administrative extent (all 18 districts and counties) with a small margin, in WGS-84. */
export const HARBIN_BOUNDS = { west: 125.3, south: 44.0, east: 130.2, north: 46.7 } as const;

const finite = (what: string) =>
  z.coerce
    .number({ error: `${what} 须为有限数（不能为空、NaN 或 Infinity）` })
    .refine((v) => Number.isFinite(v), { message: `${what} 须为有限数（不能为空、NaN 或 Infinity）` });

export const lonSchema = finite('lon').refine((v) => v >= -180 && v <= 180, { message: 'lon 须在 -180 到 180 之间' });
export const latSchema = finite('lat').refine((v) => v >= -90 && v <= 90, { message: 'lat 须在 -90 到 90 之间' });

/** A WGS-84 point given as `lon` and `lat` query parameters. */
export const pointQuery = z.object({ lon: lonSchema, lat: latSchema });
export type PointQuery = z.infer<typeof pointQuery>;

/** Largest bbox edge accepted for listing queries, in degrees (about 110 km north-south). */
export const MAX_BBOX_DEGREES = 1;

/** `bbox=west,south,east,north` in WGS-84; inverted or oversized boxes are rejected with a reason. */
export const bboxSchema = z.string({ error: 'bbox 必填：west,south,east,north' }).transform((s, ctx) => {
  const parts = s.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 4 || parts.some((p) => !Number.isFinite(p))) {
    ctx.addIssue({ code: 'custom', message: 'bbox 须为四个有限数：west,south,east,north' });
    return z.NEVER;
  }
  const [west, south, east, north] = parts as [number, number, number, number];
  if (west < -180 || east > 180 || south < -90 || north > 90) {
    ctx.addIssue({ code: 'custom', message: 'bbox 须在经度 -180..180、纬度 -90..90 之内' });
    return z.NEVER;
  }
  if (west >= east || south >= north) {
    ctx.addIssue({ code: 'custom', message: 'bbox 颠倒或为空：须 west < east 且 south < north' });
    return z.NEVER;
  }
  if (east - west > MAX_BBOX_DEGREES || north - south > MAX_BBOX_DEGREES) {
    ctx.addIssue({ code: 'custom', message: `bbox 过大：每边至多 ${MAX_BBOX_DEGREES} 度` });
    return z.NEVER;
  }
  return { west, south, east, north };
});
export type Bbox = { west: number; south: number; east: number; north: number };

export const namedCodeSchema = z.object({ code: z.string(), name: z.string() });
export type NamedCode = z.infer<typeof namedCodeSchema>;

/** Point → administrative units and unit-grid cell (`GET /api/geo/locate`). */
export const locateResultSchema = z.object({
  lon: z.number(),
  lat: z.number(),
  /** `grid`: inside a unit-grid cell; `district`: inside Harbin but outside the gridded streets; `outside`: not in Harbin. */
  coverage: z.enum(['grid', 'district', 'outside']),
  district: namedCodeSchema.nullable(),
  street: namedCodeSchema.nullable(),
  gridCode: z.string().nullable(),
  community: z.string().nullable(),
  owner: z.string().nullable(),
  message: z.string().optional(),
});
export type LocateResult = z.infer<typeof locateResultSchema>;

export interface GridCellSummary {
  code: string;
  streetCode: string;
  districtAdcode: string;
  owner: string;
  areaM2: number;
}

/** Kinds of facility that `nearest` and the map know, mapped to the POI categories of the base data. */
export const FACILITY_KINDS = {
  hospital: ['medical_hospital'],
  fire_station: ['fire_station'],
  police: ['police'],
  shelter: ['shelter_small', 'shelter_bunker_civil_defence', 'open_space_stadium'],
  school: ['education_school', 'education_college', 'education_university', 'education_kindergarten'],
  government: ['government'],
  fuel_station: ['hazard_fuel_station'],
} as const satisfies Record<string, readonly string[]>;
export type FacilityKind = keyof typeof FACILITY_KINDS;
export const facilityKindSchema = z.enum(Object.keys(FACILITY_KINDS) as [FacilityKind, ...FacilityKind[]], {
  error: `kind 须为 ${Object.keys(FACILITY_KINDS).join('、')} 之一`,
});
