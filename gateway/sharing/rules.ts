import type { SharingArea } from '../../contracts/sharing';
import type { CatalogLayer } from '../../geo/catalog/layers';
import { Cql2Error, parseCql2 } from '../../geo/ogc/cql2';

/** An approved 条件共享 request in force: what the requesting department may read, and until when. */
export interface SharingGrant {
  requestId: string;
  fields: readonly string[];
  area: SharingArea;
  validFrom: Date;
  validUntil: Date;
  conditions: string | null;
}

const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

/** Is `inner` inside `outer` (both `[west, south, east, north]`)? */
export const areaWithin = (inner: readonly number[], outer: readonly number[]): boolean =>
  inner[0]! >= outer[0]! && inner[1]! >= outer[1]! && inner[2]! <= outer[2]! && inner[3]! <= outer[3]!;

/** The lon/lat bounds of a web-mercator tile. */
export function tileBounds(z: number, x: number, y: number): SharingArea {
  const n = 2 ** z;
  const lon = (i: number) => (i / n) * 360 - 180;
  const lat = (j: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * j) / n))) * 180) / Math.PI;
  return [lon(x), lat(y + 1), lon(x + 1), lat(y)];
}

const areaText = (a: readonly number[]) => a.map((v) => v.toFixed(4)).join(',');

/** Every property a CQL2 tree names (any node of kind `property`), the geometry among them. */
function propertiesOf(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) propertiesOf(n, out);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.kind === 'property' && typeof o.name === 'string') out.add(o.name);
    else if (o.kind !== 'geometry') for (const v of Object.values(o)) propertiesOf(v, out);
  }
  return out;
}

const single = (v: unknown): string | undefined | null => (v === undefined ? undefined : typeof v === 'string' ? v : null);

/**
 * Does an OGC API – Features request stay inside a grant? The collection's description and queryables are open to
 * a grantee; items only with `properties` among the granted fields and a `bbox` inside the granted area, filters,
 * sorting, datetime and queryable parameters only on granted fields (so a hidden field cannot be probed); a single
 * feature (all its fields) and anything else not at all. Null when it stays inside, else the reason, in words.
 */
export function ogcScopeProblem(
  grant: SharingGrant,
  layer: CatalogLayer,
  pathname: string,
  query: Record<string, unknown>,
): string | null {
  const rest = pathname.split('/').filter(Boolean).slice(3);
  const granted = new Set(grant.fields);
  const hint = `properties=${grant.fields.join(',')}&bbox=${areaText(grant.area)}`;
  if (rest.length === 0 || (rest.length === 1 && rest[0] === 'queryables')) return null;
  if (rest.length !== 1 || rest[0] !== 'items') {
    return `共享授权只开放要素查询：请使用 /ogc/collections/${layer.id}/items?${hint}`;
  }
  const names = new Set(layer.properties.map((p) => p.name));
  const outside = (list: Iterable<string>) => [...list].filter((n) => names.has(n) && !granted.has(n));
  const properties = single(query.properties);
  if (!properties) return `共享授权只含字段 ${grant.fields.join('、')}：请求须带 properties（如 ${hint}）`;
  const asked = properties.split(',').map((s) => s.trim());
  const notGranted = asked.filter((n) => !granted.has(n));
  if (notGranted.length) return `字段 ${notGranted.join('、')} 不在共享授权内（授权字段：${grant.fields.join('、')}）`;
  const bbox = single(query.bbox);
  const crs = single(query['bbox-crs']);
  if (crs !== undefined && crs !== CRS84) return '按共享授权查询时 bbox 须为 CRS84 经纬度';
  const box = bbox?.split(',').map(Number);
  if (!box || box.length !== 4 || box.some((v) => !Number.isFinite(v)) || !areaWithin(box, grant.area)) {
    return `共享授权的范围为 ${areaText(grant.area)}：请求须带位于其内的 bbox`;
  }
  const probes = outside(Object.keys(query));
  const sortby = single(query.sortby);
  if (sortby) probes.push(...outside(sortby.split(',').map((s) => s.trim().replace(/^[+-]/, ''))));
  const filter = single(query.filter);
  if (filter) {
    let refs: Set<string>;
    try {
      refs = propertiesOf(parseCql2(filter), new Set());
    } catch (err) {
      const why = err instanceof Cql2Error ? `：${err.message}` : '';
      return `按共享授权查询时 filter 须为可解析的 CQL2 文本${why}`;
    }
    probes.push(...outside(refs));
  }
  const temporal = layer.temporalColumn && layer.properties.find((p) => p.column === layer.temporalColumn)?.name;
  if (query.datetime !== undefined && temporal && !granted.has(temporal)) probes.push(temporal);
  if (probes.length) return `不能按未授权的字段 ${[...new Set(probes)].join('、')} 筛选或排序`;
  if (Object.values(query).some((v) => typeof v !== 'string')) return '每个查询参数只能给一次';
  return null;
}

/**
 * Does a vector-tile request stay inside a grant? The tile layer's descriptions are open; a tile only when it lies inside
 * the granted area and every field the tile carries was granted (a tile cannot be cut to a grant).
 */
export function tileScopeProblem(grant: SharingGrant, tileFields: readonly string[], pathname: string): string | null {
  const parts = pathname.split('/').filter(Boolean);
  // Descriptions without data: TileJSON (`/tiles/{layer}.json`), the OGC API – Tiles tileset documents.
  if (parts[0] === 'tiles' && parts.length === 2) return null;
  if (parts[0] === 'ogc' && parts[3] === 'tiles' && (parts.length === 4 || parts.length === 5)) return null;
  const m =
    parts[0] === 'tiles' && parts.length === 5 ? /^(\d{1,2})\/(\d{1,8})\/(\d{1,8})\.mvt$/.exec(parts.slice(2).join('/')) : null;
  if (!m) return '共享授权只开放矢量瓦片与其说明';
  const missing = tileFields.filter((f) => !grant.fields.includes(f));
  if (missing.length) return `该图层的瓦片含未授权的字段 ${missing.join('、')}：请改用 OGC API 要素查询`;
  const bounds = tileBounds(Number(m[1]), Number(m[2]), Number(m[3]));
  if (!areaWithin(bounds, grant.area)) return `瓦片超出共享授权的范围 ${areaText(grant.area)}`;
  return null;
}
