import type { IncidentPlace, NormalisedReport } from '../../contracts/incidents';
import type { Queryable } from '../../geo/db/types';
import type { GeocodeService } from '../../geo/geocode/service';
import type { Locator } from '../../geo/grid/locate';
import { FeedRejection } from '../feeds/adapter';

/** A geocoded address must match at least this well (exact or prefix matches; see contracts/geocode.ts). */
export const MIN_GEOCODE_SCORE = 0.4;

/** "黑龙江省哈尔滨市南岗区" and the like in front of an address: the place names come after it. */
const ADMIN_PREFIX = /^(黑龙江省)?(哈尔滨市?)?([\u4e00-\u9fa5]{1,4}区)?/;
const ROAD = '[\\u4e00-\\u9fa5]{1,12}?(?:大街|大道|道街|路|街|巷|胡同)';
/** "友谊路与经纬街交口", "红军街和西大直街路口": two named roads that meet. */
const JUNCTION = new RegExp(`(${ROAD})(?:与|和|、|/)(${ROAD})(?:交叉口|交口|路口|口|附近|$)`);

/** Pieces of an agency address worth geocoding on their own ("红军街与西大直街交口" → 红军街, 西大直街). */
function addressPieces(address: string): string[] {
  const split = (text: string) =>
    text
      .split(/与|交口|交叉口|路口|附近|门前|对面|东侧|西侧|南侧|北侧|[0-9０-９]+号|[,，、\s]/)
      .map((p) => p.trim())
      .filter((p) => p.length >= 2);
  // Names often carry the city themselves ("哈尔滨市第一医院"): pieces with and without the prefix are both tried.
  const bare = address.replace(ADMIN_PREFIX, '');
  return [...new Set([address, bare, ...split(address), ...split(bare)])];
}

/**
 * Where two named roads meet (the closest points of their lines, within about 30 m), or null. The first name may
 * carry a landmark in front ("人民广场东侧友谊路"): every ending of it is tried, the longest road name that meets the
 * second road wins.
 */
async function junctionOf(db: Queryable, address: string): Promise<{ lon: number; lat: number } | null> {
  const m = JUNCTION.exec(address.replace(ADMIN_PREFIX, ''));
  if (!m) return null;
  const first = m[1]!;
  const endings = Array.from({ length: first.length - 1 }, (_, i) => first.slice(i));
  const [row] = await db.query<{ lon: number; lat: number }>(
    `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (
       SELECT ST_ClosestPoint(a.geom, b.geom) AS p, length(a.name) AS n, ST_Distance(a.geom, b.geom) AS d
         FROM road a JOIN road b ON ST_DWithin(a.geom, b.geom, 0.0003)
        WHERE a.name = ANY($1::text[]) AND b.name = $2 ORDER BY n DESC, d LIMIT 1) j`,
    [endings, m[2]!],
  );
  return row ?? null;
}

/**
 * The point of a written address: where its two named roads meet, otherwise the best match of the address or one of
 * its pieces against the city's names (at least MIN_GEOCODE_SCORE); null when nothing matches well enough.
 */
export async function geocodeAddress(
  address: string,
  geocoder: GeocodeService,
  db: Queryable,
): Promise<{ lon: number; lat: number } | null> {
  let best: { lon: number; lat: number; score: number } | null = null;
  const junction = await junctionOf(db, address);
  if (junction) best = { ...junction, score: 1 };
  for (const piece of best ? [] : addressPieces(address)) {
    const hit = geocoder.search(piece, { limit: 1 }).candidates[0];
    if (hit && hit.score >= MIN_GEOCODE_SCORE && (!best || hit.score > best.score)) best = hit;
    if (best && best.score >= 0.7) break;
  }
  return best && { lon: best.lon, lat: best.lat };
}

/**
 * Where a report lies: its own WGS-84 point, or else its address — a junction of two named roads where they meet,
 * otherwise geocoded against the city's names; then district, street and grid cell from the unit grid. A point
 * outside Harbin, or an address no name matches, is refused.
 */
export async function locateReport(
  report: NormalisedReport,
  locator: Locator,
  geocoder: GeocodeService,
  db: Queryable,
): Promise<IncidentPlace> {
  let lon: number;
  let lat: number;
  let via: IncidentPlace['via'];
  if (report.point) {
    ({ lon, lat } = report.point);
    via = 'reported';
  } else {
    if (!report.address)
      throw new FeedRejection('missing_location', '这条记录既没有坐标也没有地址：请在来源系统中补上坐标或地址后重新发送');
    const best = await geocodeAddress(report.address, geocoder, db);
    if (!best) {
      throw new FeedRejection(
        'missing_location',
        `地址 "${report.address}" 与哈尔滨的任何地点、道路或地标都对不上：请在来源系统中核对地址或补上坐标后重新发送`,
      );
    }
    ({ lon, lat } = best);
    via = 'geocoded';
  }
  const at = locator.locate(lon, lat);
  if (at.coverage === 'outside')
    throw new FeedRejection(
      'outside_area',
      `(${lon}, ${lat}) 在哈尔滨范围之外：请在来源系统中核对坐标（经度 lon、纬度 lat 是否写反）`,
    );
  return { lon, lat, district: at.district, street: at.street, gridCode: at.gridCode, via };
}
