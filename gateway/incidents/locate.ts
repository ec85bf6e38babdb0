import type { IncidentPlace, NormalisedReport } from '../../contracts/incidents';
import type { GeocodeService } from '../../geo/geocode/service';
import type { Locator } from '../../geo/grid/locate';
import { FeedRejection } from '../feeds/adapter';

/** A geocoded address must match at least this well (exact or prefix matches; see contracts/geocode.ts). */
export const MIN_GEOCODE_SCORE = 0.4;

/** Pieces of an agency address worth geocoding on their own ("红军街与果戈里大街交口" → 红军街, 果戈里大街). */
function addressPieces(address: string): string[] {
  const pieces = address
    .split(/与|和|交口|交叉口|路口|附近|门前|对面|东侧|西侧|南侧|北侧|[0-9０-９]+号|[,，、\s()（）]/)
    .map((p) => p.trim())
    .filter((p) => p.length >= 2);
  return [address, ...pieces];
}

/**
 * Where a report lies: its own WGS-84 point, or else its address geocoded against the city's names; then
 * district, street and grid cell from the unit grid. A point outside Harbin, or an address no name matches,
 * is refused.
 */
export function locateReport(report: NormalisedReport, locator: Locator, geocoder: GeocodeService): IncidentPlace {
  let lon: number;
  let lat: number;
  let via: IncidentPlace['via'];
  if (report.point) {
    ({ lon, lat } = report.point);
    via = 'reported';
  } else {
    if (!report.address) throw new FeedRejection('missing_location', 'the record has neither coordinates nor an address');
    let best: { lon: number; lat: number; score: number } | null = null;
    for (const piece of addressPieces(report.address)) {
      const hit = geocoder.search(piece, { limit: 1 }).candidates[0];
      if (hit && hit.score >= MIN_GEOCODE_SCORE && (!best || hit.score > best.score)) best = hit;
      if (best && best.score >= 0.7) break;
    }
    if (!best) {
      throw new FeedRejection('missing_location', `the address "${report.address}" matches no place, road or landmark of Harbin`);
    }
    ({ lon, lat } = best);
    via = 'geocoded';
  }
  const at = locator.locate(lon, lat);
  if (at.coverage === 'outside') throw new FeedRejection('outside_area', `(${lon}, ${lat}) is outside Harbin`);
  return { lon, lat, district: at.district, street: at.street, gridCode: at.gridCode, via };
}
