import type { WarningAreaInput, WarningAreaKind } from '../../contracts/warnings';
import type { Queryable } from '../../geo/db/types';
import { HARBIN_EXTENT } from '../../geo/ogc/cql2/geometry';
import { AppError } from '../http/errors';
import { warningSql } from './sql';

const DISTRICTS_SQL = warningSql('area-districts.sql');
const STREETS_SQL = warningSql('area-streets.sql');
const POLYGON_SQL = warningSql('area-polygon.sql');

/** One CAP `area` block: its description, polygons ("lat,lon" pairs, closed rings) and geocodes. */
export interface CapArea {
  desc: string;
  polygons: string[];
  geocodes: { valueName: string; value: string }[];
}

/** Where a warning applies, resolved against the city's districts and streets. */
export interface ResolvedArea {
  kind: WarningAreaKind;
  codes: string[];
  desc: string;
  /** The whole area as GeoJSON (MultiPolygon, WGS-84), as stored. */
  geojson: string;
  capAreas: CapArea[];
}

/** The geocode value names of CAP areas: GB/T 2260 district codes, GB/T 10114 codes below the county level. */
const GEOCODE_DISTRICT = 'GB/T 2260';
const GEOCODE_STREET = 'GB/T 10114';

const bad = (message: string) => new AppError('bad_request', message);

/**
 * Checks a drawn ring before it reaches PostGIS: finite [lon, lat] pairs inside Harbin, at least 4 positions,
 * first equal to last. Self-intersection and the like are PostGIS's to find (`ST_IsValidReason`).
 */
function checkRing(ring: readonly (readonly number[])[]): void {
  if (ring.length < 4) throw bad(`多边形至少需要 4 个点（首尾相同的闭合环），收到 ${ring.length} 个`);
  ring.forEach(([lon, lat], i) => {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw bad(`多边形第 ${i + 1} 个点不是有限的经纬度数值`);
    const e = HARBIN_EXTENT;
    if (lon! < e.minLon || lon! > e.maxLon || lat! < e.minLat || lat! > e.maxLat) {
      throw bad(
        `多边形第 ${i + 1} 个点 (${lon}, ${lat}) 不在哈尔滨市范围内（东经 ${e.minLon}–${e.maxLon}°，北纬 ${e.minLat}–${e.maxLat}°）；点的顺序是 [经度, 纬度]`,
      );
    }
  });
  const [first, last] = [ring[0]!, ring[ring.length - 1]!];
  if (first[0] !== last[0] || first[1] !== last[1]) throw bad('多边形不闭合：最后一个点必须与第一个点相同');
}

interface PartRow {
  code: string;
  name: string;
  district_code: string;
  district_name: string;
  /** GeoJSON MultiPolygon, simplified for CAP. */
  cap_geojson: string;
}

/** The exterior rings of a GeoJSON (Multi)Polygon as CAP polygons: "lat,lon" pairs, the ring closed, ≥ 4 pairs. */
function capPolygons(geojson: string): string[] {
  const g = JSON.parse(geojson) as { type: string; coordinates: number[][][] | number[][][][] };
  const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][];
  const out: string[] = [];
  for (const rings of polygons) {
    const ring = rings[0] ?? [];
    const pairs = ring.map(([lon, lat]) => `${lat!.toFixed(6)},${lon!.toFixed(6)}`);
    if (pairs.length >= 4 && pairs[0] === pairs[pairs.length - 1]) out.push(pairs.join(' '));
  }
  return out;
}

/** Resolves the area named in a warning input: known codes only, a valid polygon inside Harbin. */
export async function resolveArea(tx: Queryable, area: WarningAreaInput): Promise<ResolvedArea> {
  if (area.kind === 'polygon') return resolvePolygon(tx, area.polygon, area.name);
  const codes = [...new Set(area.codes)].sort();
  const rows = await tx.query<PartRow & { geojson: string; whole: string }>(
    area.kind === 'districts' ? DISTRICTS_SQL : STREETS_SQL,
    [codes],
  );
  const found = new Set(rows.map((r) => r.code));
  const unknown = codes.filter((c) => !found.has(c));
  if (unknown.length) {
    throw new AppError('bad_request', `未知的${area.kind === 'districts' ? '区县' : '街道'}代码：${unknown.join('、')}`);
  }
  const capAreas: CapArea[] = rows.map((r) => ({
    desc: area.kind === 'districts' ? r.name : `${r.district_name}${r.name}`,
    polygons: capPolygons(r.cap_geojson),
    geocodes:
      area.kind === 'districts'
        ? [{ valueName: GEOCODE_DISTRICT, value: r.code }]
        : [
            { valueName: GEOCODE_STREET, value: r.code },
            { valueName: GEOCODE_DISTRICT, value: r.district_code },
          ],
  }));
  return {
    kind: area.kind,
    codes,
    desc: capAreas.map((a) => a.desc).join('、'),
    geojson: rows[0]!.whole,
    capAreas,
  };
}

async function resolvePolygon(tx: Queryable, ring: readonly (readonly number[])[], name?: string): Promise<ResolvedArea> {
  checkRing(ring);
  const geojson = JSON.stringify({ type: 'Polygon', coordinates: [ring] });
  const [row] = await tx.query<{ reason: string | null; geojson: string; districts: { code: string; name: string }[] }>(
    POLYGON_SQL,
    [geojson],
  );
  if (row?.reason) throw bad(`多边形无效（例如边自相交）：${row.reason}`);
  const districts = row?.districts ?? [];
  if (!districts.length) throw bad('多边形与哈尔滨市任何区县都不相交');
  const desc = name ?? `${districts.map((d) => d.name).join('、')}部分区域`;
  return {
    kind: 'polygon',
    codes: districts.map((d) => d.code),
    desc,
    geojson: row!.geojson,
    capAreas: [
      {
        desc,
        polygons: capPolygons(geojson),
        geocodes: districts.map((d) => ({ valueName: GEOCODE_DISTRICT, value: d.code })),
      },
    ],
  };
}
