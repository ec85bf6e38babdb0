import fc from 'fast-check';
import type { GeocodeKind, GeocodeMatch } from '../../contracts';
import type { NameEntry, NameVariant } from '../../geo/geocode/entries';
import { NameIndex, scoreOf } from '../../geo/geocode/name-index';
import { normalizeName } from '../../geo/geocode/normalize';

/** A small hand-made gazetteer: the expected rankings below follow from the rules, not from running the code. */
function entry(
  kind: GeocodeKind,
  name: string,
  aliases: [NameVariant['field'], string][] = [],
  lon = 126.6,
  lat = 45.75,
): NameEntry {
  const variants = [['name', name] as [NameVariant['field'], string], ...aliases].map(([field, text]) => ({
    field,
    text,
    key: normalizeName(text),
  }));
  return { name, kind, lon, lat, variants };
}

const ENTRIES: NameEntry[] = [
  entry('road', '中央大街', [['name_en', 'Central Street']]),
  entry('poi', '中央大街', [['name_en', 'Zhongyang Street']]),
  entry('place', '松花江', [['name_en', 'Songhua River']]),
  entry('road', '松花江街'),
  entry('street', '松花江街道'),
  entry('road', '老滨洲线松花江大桥'),
  entry('street', '哈西街道办事处', [['short_name', '哈西街道']]),
  entry('poi', '哈尔滨', [
    ['alt_name', '哈尔滨站'],
    ['alt_name', 'Harbin Railway Station'],
    ['name_en', 'Harbin'],
  ]),
  entry('district', '南岗区'),
];
const index = new NameIndex(ENTRIES);
const search = (q: string, opts: { limit?: number; kind?: GeocodeKind } = {}) =>
  index.search(normalizeName(q), { limit: opts.limit ?? 10, ...(opts.kind ? { kind: opts.kind } : {}) });
const summary = (q: string, opts?: { limit?: number; kind?: GeocodeKind }) =>
  search(q, opts).map((c) => `${c.kind}:${c.name}:${c.matched.type}`);

describe('NameIndex ranking', () => {
  it('puts the exact match first, then prefixes, then names that merely contain the query', () => {
    expect(summary('松花江')).toEqual([
      'place:松花江:exact',
      'road:松花江街:prefix',
      'street:松花江街道:prefix',
      'road:老滨洲线松花江大桥:contains',
    ]);
  });

  it('among prefixes prefers the name the query covers more of', () => {
    const [first, second] = search('松花江街');
    expect(first).toMatchObject({ name: '松花江街', matched: { type: 'exact' } });
    expect(second).toMatchObject({ name: '松花江街道', matched: { type: 'prefix' } });
  });

  it('breaks an exact tie by kind: a road named like a metro station comes first', () => {
    expect(summary('中央大街')).toEqual(['road:中央大街:exact', 'poi:中央大街:exact']);
  });

  it('finds aliases and says which one matched', () => {
    const [station] = search('哈尔滨站');
    expect(station).toMatchObject({
      name: '哈尔滨',
      kind: 'poi',
      matched: { text: '哈尔滨站', field: 'alt_name', type: 'exact' },
    });
    const [haxi] = search('哈西街道');
    expect(haxi).toMatchObject({ name: '哈西街道办事处', matched: { field: 'short_name', type: 'exact' } });
  });

  it('returns each place once, with its best-matching name', () => {
    const hits = search('harbin');
    expect(hits).toHaveLength(1);
    expect(hits[0]!.matched).toEqual({ text: 'Harbin', field: 'name_en', type: 'exact' });
  });

  it('matches traditional characters, Latin in any case, and ignores spaces and punctuation', () => {
    expect(summary('哈爾濱')[0]).toBe('poi:哈尔滨:exact');
    expect(summary('CENTRAL street')).toEqual(['road:中央大街:exact']);
    expect(summary('中央 · 大街')).toEqual(['road:中央大街:exact', 'poi:中央大街:exact']);
  });

  it('filters by kind and honours the limit', () => {
    expect(summary('松花江', { kind: 'road' })).toEqual(['road:松花江街:prefix', 'road:老滨洲线松花江大桥:contains']);
    expect(summary('松花江', { limit: 2 })).toEqual(['place:松花江:exact', 'road:松花江街:prefix']);
  });

  it('returns nothing for an unknown name, an unknown character or an empty query', () => {
    expect(search('江松花')).toEqual([]);
    expect(search('鬱')).toEqual([]);
    expect(index.search('', { limit: 10 })).toEqual([]);
  });

  it('reports positions and scores rounded for the wire', () => {
    const [hit] = search('南岗区');
    expect(hit).toMatchObject({ kind: 'district', lon: 126.6, lat: 45.75, score: 1 });
  });
});

describe('scoreOf', () => {
  const kinds: GeocodeKind[] = ['poi', 'road', 'street', 'district', 'place'];
  const fields: GeocodeMatch['field'][] = ['name', 'short_name', 'alt_name', 'name_zh', 'name_en', 'name_ru', 'osm_name'];
  const kind = fc.constantFrom(...kinds);
  const field = fc.constantFrom(...fields);
  // A partial match covers at most n of n + 1 characters; queries are at most 100 characters.
  const partial = fc.integer({ min: 1, max: 100 }).chain((n) => fc.integer({ min: n + 1, max: 400 }).map((len) => n / len));

  it('keeps the bands apart: any exact > any prefix > any contains, all within 0..1', () => {
    fc.assert(
      fc.property(kind, field, kind, field, partial, partial, (k1, f1, k2, f2, c1, c2) => {
        const exact = scoreOf('exact', 1, k1, f1);
        const prefix = scoreOf('prefix', c1, k2, f2);
        const contains = scoreOf('contains', c2, k1, f1);
        return exact <= 1 && exact > prefix && prefix >= 0.4 && prefix < 0.7 && prefix > contains && contains > 0.1;
      }),
    );
  });
});
