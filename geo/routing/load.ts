import type { LineString } from 'geojson';
import type { Queryable } from '../db/types';
import { RoadGraph, type EdgeInput } from './graph';

interface EdgeRow {
  gid: number;
  class_id: number;
  source: number;
  target: number;
  length_m: number;
  two_way: boolean;
  speed_fwd: number | null;
  speed_bwd: number | null;
  g: string;
}

/**
 * Reads the directed road graph from `road_edge` (present on both backends). OSM node ids exceed 32 bits
 * but stay far below 2^53, so they travel as float8 and are exact as JavaScript numbers.
 * `length_m` is the geodesic length computed at import (the export's own column is a Web Mercator length).
 */
export async function loadRoadGraph(db: Queryable): Promise<RoadGraph> {
  const rows = await db.query<EdgeRow>(
    `SELECT gid, class_id, source::float8 AS source, target::float8 AS target, length_m,
            two_way, speed_fwd, speed_bwd,
            ST_AsGeoJSON(geom) AS g
     FROM road_edge ORDER BY gid`,
  );
  const edges: EdgeInput[] = rows.map((r) => ({
    gid: r.gid,
    classId: r.class_id,
    source: r.source,
    target: r.target,
    lengthM: r.length_m,
    twoWay: r.two_way,
    speedFwd: r.speed_fwd,
    speedBwd: r.speed_bwd,
    coords: (JSON.parse(r.g) as LineString).coordinates.map(([lon, lat]) => [lon!, lat!] as const),
  }));
  return new RoadGraph(edges);
}
