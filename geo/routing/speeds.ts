/**
 * The speed table of the drive-time model, kept as data.
 *
 * `classId` is the barefoot road class of `road_edge.class_id`; the OSM `highway` value beside it was checked
 * against the imported OSM roads (joining `road_edge.osm_id` to `road.id`). Default speeds are free-flow
 * speeds for an emergency vehicle in a Chinese city, taken from the design speeds of CJJ 37-2012
 * 《城市道路工程设计规范》 (快速路 60–100, 主干路 40–60, 次干路 30–50, 支路 20–40 km/h), at the middle of each range;
 * a `maxspeed` tagged on the way (`speed_fwd` / `speed_bwd`) wins over the default.
 */
export interface RoadClassSpeed {
  classId: number;
  highway: string;
  /** The CJJ 37 road grade the OSM class mostly corresponds to in Harbin. */
  grade: string;
  kmh: number;
}

export const ROAD_CLASS_SPEEDS: readonly RoadClassSpeed[] = [
  { classId: 101, highway: 'motorway', grade: '高速公路/快速路', kmh: 80 },
  { classId: 102, highway: 'motorway_link', grade: '匝道', kmh: 40 },
  { classId: 104, highway: 'trunk', grade: '快速路/主干路', kmh: 60 },
  { classId: 105, highway: 'trunk_link', grade: '匝道', kmh: 40 },
  { classId: 106, highway: 'primary', grade: '主干路', kmh: 50 },
  { classId: 107, highway: 'primary_link', grade: '匝道', kmh: 35 },
  { classId: 108, highway: 'secondary', grade: '次干路', kmh: 40 },
  { classId: 109, highway: 'secondary_link', grade: '匝道', kmh: 30 },
  { classId: 110, highway: 'tertiary', grade: '支路', kmh: 30 },
  { classId: 111, highway: 'tertiary_link', grade: '匝道', kmh: 25 },
  { classId: 112, highway: 'residential', grade: '小区道路', kmh: 20 },
  { classId: 113, highway: 'living_street', grade: '生活街区道路', kmh: 10 },
  { classId: 114, highway: 'service', grade: '内部道路', kmh: 15 },
  { classId: 117, highway: 'unclassified', grade: '支路', kmh: 25 },
];

/** A class missing from the table (a future re-import with new classes) drives at this speed. */
export const FALLBACK_KMH = 20;

/** Tagged speeds outside this range are treated as tagging errors and replaced by the class default. */
export const TAGGED_KMH_RANGE = { min: 5, max: 130 } as const;

/** The access leg between a point and the road it is snapped to (a yard, a compound, a field) is slow. */
export const ACCESS_KMH = 10;

/** A point farther than this from every usable road is not routable. */
export const MAX_SNAP_M = 2000;

const byClass = new Map(ROAD_CLASS_SPEEDS.map((s) => [s.classId, s.kmh]));

/** Speed of one direction of an edge in km/h: the tagged maxspeed when plausible, else the class default. */
export function edgeSpeedKmh(classId: number, tagged: number | null): number {
  if (tagged !== null && tagged >= TAGGED_KMH_RANGE.min && tagged <= TAGGED_KMH_RANGE.max) return tagged;
  return byClass.get(classId) ?? FALLBACK_KMH;
}

export const kmhToMs = (kmh: number): number => kmh / 3.6;
