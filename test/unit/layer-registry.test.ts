import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CATALOG, CATALOG_BY_ID } from '../../geo/catalog/layers';
import { TILE_LAYERS, TILE_LAYERS_BY_ID } from '../../geo/tiles';
import { assertValidRegistry } from '../../geo/tiles/layers';

/** One registry: a layer's OGC facts, tile facts and access facts are one catalogue entry. */
describe('the layer registry', () => {
  it('draws every tile layer from the tiles of a catalogue entry, in catalogue order', () => {
    expect(TILE_LAYERS.map((l) => l.id)).toEqual(CATALOG.filter((l) => l.tiles).map((l) => l.id));
    expect(TILE_LAYERS.map((l) => l.id)).toEqual([
      'district',
      'street',
      'grid',
      'poi',
      'roads',
      'railways',
      'bridges',
      'waterways',
      'water',
      'flood_features',
      'buildings',
      'landuse',
      'incidents',
      'cases',
      'units',
      'population',
    ]);
    for (const tiles of TILE_LAYERS) {
      const entry = CATALOG_BY_ID.get(tiles.id)!;
      expect([tiles.id, tiles.table, tiles.public, tiles.policyLayer, tiles.title]).toEqual([
        entry.id,
        entry.table,
        entry.public,
        entry.policyLayer,
        entry.tiles!.title,
      ]);
    }
  });

  it('guards the operational layers by one policy key each, whichever way they are read', () => {
    const keys = (id: string) => [CATALOG_BY_ID.get(id)!.policyLayer, TILE_LAYERS_BY_ID.get(id)!.policyLayer];
    expect(keys('incidents')).toEqual(['incidents', 'incidents']);
    expect(keys('units')).toEqual(['units', 'units']);
    expect(keys('cases')).toEqual(['case_statistics', 'case_statistics']);
    expect(TILE_LAYERS.filter((l) => l.live).map((l) => [l.id, l.public])).toEqual([
      ['incidents', false],
      ['cases', false],
      ['units', false],
    ]);
  });

  it('refuses a live tile layer on an entry that is public', () => {
    const district = TILE_LAYERS_BY_ID.get('district')!;
    expect(() => assertValidRegistry([{ ...district, live: true }])).toThrow(
      'tile layer "district": a live layer is read under the policy, so its entry cannot be public',
    );
  });

  it('refuses a tile property its table does not allow', () => {
    const poi = TILE_LAYERS_BY_ID.get('poi')!;
    expect(() => assertValidRegistry([{ ...poi, properties: ['id', 'secret'] as never }])).toThrow(
      'tile layer "poi": column secret is not allowed for table poi',
    );
  });
});

describe('the layer rule of the policy', () => {
  const gateway = path.join(__dirname, '../../gateway');
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );

  it('is asked only by gateway/policy/layer-access.ts, for HTTP, tiles and sockets alike', () => {
    const callers = sources(gateway)
      .filter((f) => /\bpolicy\.layer\(/.test(readFileSync(f, 'utf8')))
      .map((f) => path.relative(gateway, f));
    expect(callers).toEqual(['policy/layer-access.ts']);
  });
});
