import type { GeocodeKind, GeocodeResponse, ReverseGeocodeResult } from '../../contracts';
import type { Queryable } from '../db/types';
import type { Locator } from '../grid/locate';
import { loadNameEntries } from './entries';
import { NameIndex } from './name-index';
import { normalizeName } from './normalize';
import { ReverseGeocoder } from './reverse';

/**
 * Forward geocoding (name → ranked places) from an in-memory index built once at start-up, and reverse geocoding
 * (point → road, 街道, district, grid cell, landmark). The base data changes only on re-import, after which the
 * service is rebuilt with the other in-memory services.
 */
export class GeocodeService {
  private constructor(
    private readonly index: NameIndex,
    private readonly reverser: ReverseGeocoder,
  ) {}

  static async load(db: Queryable, locator: Locator): Promise<GeocodeService> {
    const entries = await loadNameEntries(db, locator);
    return new GeocodeService(new NameIndex(entries), new ReverseGeocoder(db, locator));
  }

  get size(): { entries: number; keys: number } {
    return this.index.size;
  }

  /** `q` as typed; an empty result means no name matched. */
  search(q: string, opts: { limit: number; kind?: GeocodeKind }): GeocodeResponse {
    const normalized = normalizeName(q);
    return { query: q, normalized, candidates: this.index.search(normalized, opts) };
  }

  /** Null when the point lies outside Harbin. */
  reverse(lon: number, lat: number): Promise<ReverseGeocodeResult | null> {
    return this.reverser.reverse(lon, lat);
  }
}
