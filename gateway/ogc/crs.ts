import { CRS84, EPSG4326 } from '../../geo/catalog/layers';
import { invalidParameter } from './params';

/**
 * A coordinate reference system the OGC API answers in (OGC API – Features Part 2): its URI, its SRID in PostGIS
 * (spatial_ref_sys, present on both backends) and whether its first axis points north (EPSG's latitude/longitude
 * and northing/easting orders: coordinates are written that way, as Part 2 requires).
 */
export interface OutputCrs {
  uri: string;
  srid: number;
  northFirst: boolean;
  /** Longitude/latitude (checked against their ranges) rather than projected metres. */
  geographic: boolean;
  /** Degrees (7 decimals ≈ 1 cm) or metres (3 decimals = 1 mm). */
  decimals: number;
  title: string;
}

export const CGCS2000 = 'http://www.opengis.net/def/crs/EPSG/0/4490';
export const CGCS2000_GK_CM126 = 'http://www.opengis.net/def/crs/EPSG/0/4551';

export const OUTPUT_CRS: readonly OutputCrs[] = [
  { uri: CRS84, srid: 4326, northFirst: false, geographic: true, decimals: 7, title: 'WGS 84 经度/纬度（默认）' },
  { uri: EPSG4326, srid: 4326, northFirst: true, geographic: true, decimals: 7, title: 'WGS 84 纬度/经度' },
  { uri: CGCS2000, srid: 4490, northFirst: true, geographic: true, decimals: 7, title: 'CGCS2000 纬度/经度' },
  {
    uri: CGCS2000_GK_CM126,
    srid: 4551,
    northFirst: true,
    geographic: false,
    decimals: 3,
    title: 'CGCS2000 高斯–克吕格 3 度带（中央经线 126°E），北/东坐标（米）',
  },
];

export const CRS_URIS = OUTPUT_CRS.map((c) => c.uri);
const BY_URI = new Map(OUTPUT_CRS.map((c) => [c.uri, c]));
const DEFAULT_CRS = OUTPUT_CRS[0]!;

/**
 * `crs` / `bbox-crs`: one of the offered CRS, by its URI (or the `[EPSG:4490]` safe CURIE and `EPSG:4490` forms
 * people type); CRS84 when absent.
 */
export function parseOutputCrs(name: string, raw: string | undefined): OutputCrs {
  if (raw === undefined) return DEFAULT_CRS;
  const curie = /^\[?EPSG:(\d{4,5})\]?$/i.exec(raw.trim());
  const uri = curie ? `http://www.opengis.net/def/crs/EPSG/0/${curie[1]}` : raw.trim();
  const crs = BY_URI.get(uri);
  if (!crs) throw invalidParameter(name, `不提供坐标参照系 ${JSON.stringify(raw.slice(0, 80))}；可用 ${CRS_URIS.join(', ')}`);
  return crs;
}

/** The `Content-Crs` header of a response in `crs`. */
export const contentCrs = (crs: OutputCrs) => `<${crs.uri}>`;
