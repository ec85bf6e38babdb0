import type { GeocodeCandidate, GeocodeKind, GeocodeMatch } from '../../contracts';
import type { NameEntry } from './entries';

/**
 * Ranking. Match type decides first (exact > prefix > contains): each type owns a band of the 0–1 score and the
 * bands do not overlap. Within a band, how much of the name the query covers counts most, then the kind (an
 * administrative area or a road named exactly like a shop is more likely meant), then whether the display name
 * or an alias matched.
 */
const BAND: Record<GeocodeMatch['type'], number> = { exact: 0.7, prefix: 0.4, contains: 0.1 };
const BAND_WIDTH = 0.3;
const KIND_WEIGHT = { district: 1, street: 0.9, road: 0.85, poi: 0.8, place: 0.6 } as const satisfies Record<GeocodeKind, number>;
const FIELD_WEIGHT = {
  name: 1,
  short_name: 0.9,
  name_zh: 0.9,
  osm_name: 0.8,
  alt_name: 0.7,
  name_en: 0.7,
  name_ru: 0.7,
} as const satisfies Record<GeocodeMatch['field'], number>;

export function scoreOf(type: GeocodeMatch['type'], coverage: number, kind: GeocodeKind, field: GeocodeMatch['field']): number {
  // coverage is < 1 for prefix and contains matches, so their scores stay strictly below the next band.
  const quality = 0.7 * coverage + 0.2 * KIND_WEIGHT[kind] + 0.1 * FIELD_WEIGHT[field];
  return BAND[type] + BAND_WIDTH * quality;
}

interface Hit {
  entry: number;
  variant: number;
  type: GeocodeMatch['type'];
  score: number;
}

/**
 * An in-memory name index: every comparison key (normalised name or alias) with, per character, the keys that
 * contain it. A query is checked only against the keys holding its rarest character, so a search touches tens or
 * hundreds of keys instead of all of them.
 */
export class NameIndex {
  private readonly keys: string[] = [];
  private readonly keyEntry: number[] = [];
  private readonly keyVariant: number[] = [];
  private readonly postings = new Map<string, number[]>();

  constructor(private readonly entries: readonly NameEntry[]) {
    entries.forEach((entry, e) => {
      entry.variants.forEach((variant, v) => {
        const id = this.keys.length;
        this.keys.push(variant.key);
        this.keyEntry.push(e);
        this.keyVariant.push(v);
        for (const ch of new Set(variant.key)) {
          const list = this.postings.get(ch);
          if (list) list.push(id);
          else this.postings.set(ch, [id]);
        }
      });
    });
  }

  get size(): { entries: number; keys: number } {
    return { entries: this.entries.length, keys: this.keys.length };
  }

  /** Ranked candidates for an already normalised query; an empty query matches nothing. */
  search(normalized: string, opts: { limit: number; kind?: GeocodeKind }): GeocodeCandidate[] {
    const keyIds = this.keysContainingEveryChar(normalized);
    const best = new Map<number, Hit>();
    for (const id of keyIds) {
      const key = this.keys[id]!;
      const type: GeocodeMatch['type'] | null =
        key === normalized ? 'exact' : key.startsWith(normalized) ? 'prefix' : key.includes(normalized) ? 'contains' : null;
      if (!type) continue;
      const e = this.keyEntry[id]!;
      const entry = this.entries[e]!;
      if (opts.kind && entry.kind !== opts.kind) continue;
      const v = this.keyVariant[id]!;
      const score = scoreOf(type, normalized.length / key.length, entry.kind, entry.variants[v]!.field);
      const previous = best.get(e);
      if (!previous || score > previous.score) best.set(e, { entry: e, variant: v, type, score });
    }
    return [...best.values()]
      .sort((a, b) => this.compare(a, b))
      .slice(0, opts.limit)
      .map((hit) => this.toCandidate(hit));
  }

  /** Keys holding the query's rarest character (a superset of the matches), or none if a character is unknown. */
  private keysContainingEveryChar(normalized: string): number[] {
    if (!normalized) return [];
    let rarest: number[] | undefined;
    for (const ch of new Set(normalized)) {
      const list = this.postings.get(ch);
      if (!list) return [];
      if (!rarest || list.length < rarest.length) rarest = list;
    }
    return rarest ?? [];
  }

  /** Higher score first; ties go to the shorter name, then to a stable order by name and kind. */
  private compare(a: Hit, b: Hit): number {
    if (a.score !== b.score) return b.score - a.score;
    const ea = this.entries[a.entry]!;
    const eb = this.entries[b.entry]!;
    if (ea.name.length !== eb.name.length) return ea.name.length - eb.name.length;
    if (ea.name !== eb.name) return ea.name < eb.name ? -1 : 1;
    if (ea.kind !== eb.kind) return ea.kind < eb.kind ? -1 : 1;
    return a.entry - b.entry;
  }

  private toCandidate(hit: Hit): GeocodeCandidate {
    const entry = this.entries[hit.entry]!;
    const variant = entry.variants[hit.variant]!;
    const candidate: GeocodeCandidate = {
      name: entry.name,
      kind: entry.kind,
      lon: round(entry.lon, 7),
      lat: round(entry.lat, 7),
      score: round(hit.score, 3),
      matched: { text: variant.text, field: variant.field, type: hit.type },
    };
    if (entry.category) candidate.category = entry.category;
    if (entry.district) candidate.district = entry.district;
    if (entry.bbox) candidate.bbox = entry.bbox.map((v) => round(v, 7)) as [number, number, number, number];
    return candidate;
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
