import request from 'supertest';
import { aboutResponseSchema, facilitiesResponseSchema, FACILITY_KINDS } from '../../contracts';
import { CATALOG } from '../../geo/catalog/layers';
import { loadManifest } from '../../geo/import/manifest';
import { createTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('GET /api/about', () => {
  it('lists every manifest layer with its source, licence and attribution, and the distinct credits', async () => {
    const res = await request(t.app).get('/api/about').expect(200);
    const about = aboutResponseSchema.parse(res.body);
    const manifest = loadManifest();
    for (const entry of manifest.layers) {
      expect(about.layers).toContainEqual(
        expect.objectContaining({
          layer: entry.layer,
          title: entry.title,
          source: entry.source,
          licence: entry.licence,
          attribution: entry.attribution,
          features: entry.features,
        }),
      );
    }
    expect(about.product).toMatchObject({ city: manifest.city, cityAdcode: manifest.cityAdcode });
    expect(about.attributions).toEqual(expect.arrayContaining(['© OpenStreetMap contributors', 'DataV.GeoAtlas / 高德']));
    expect(new Set(about.attributions).size).toBe(about.attributions.length);
  });
});

describe('GET /api/about: imported and rejected features per layer', () => {
  it('counts what OGC serves for every imported collection, and the building refused for an invalid geometry', async () => {
    const about = aboutResponseSchema.parse((await request(t.app).get('/api/about').expect(200)).body);
    const byLayer = new Map(about.layers.map((l) => [l.layer, l]));
    // The city data has 16,054 buildings, one of them with a self-intersecting outline that the import refuses.
    expect(byLayer.get('building')).toMatchObject({ features: 16054, imported: 16053, rejected: 1 });
    const imported = CATALOG.filter((c) => c.importLayer !== undefined);
    expect(imported.length).toBeGreaterThanOrEqual(10);
    for (const collection of imported) {
      const res = await request(t.app).get(`/ogc/collections/${collection.id}/items`).query({ limit: 1 }).expect(200);
      const layer = byLayer.get(collection.importLayer!)!;
      expect({ collection: collection.id, imported: layer.imported }).toEqual({
        collection: collection.id,
        imported: res.body.numberMatched,
      });
      expect(layer.imported! + layer.rejected!).toBe(layer.features);
    }
    // Data served as it is (the basemap tiles) is not imported: no counts.
    expect(byLayer.get('basemap')).toMatchObject({ features: null, imported: null, rejected: null });
  });
});

describe('GET /api/facilities', () => {
  it('returns the facilities of the asked kinds with positions, matching the poi table', async () => {
    const res = await request(t.app).get('/api/facilities').query({ kinds: 'hospital,fire_station' }).expect(200);
    const { facilities } = facilitiesResponseSchema.parse(res.body);
    const [truth] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM poi WHERE category = ANY($1::text[])', [
      [...FACILITY_KINDS.hospital, ...FACILITY_KINDS.fire_station],
    ]);
    expect(facilities).toHaveLength(truth!.n);
    expect(new Set(facilities.map((f) => f.kind))).toEqual(new Set(['hospital', 'fire_station']));
    for (const f of facilities) {
      expect(f.lon).toBeGreaterThan(125);
      expect(f.lat).toBeGreaterThan(44);
    }
  });

  it('returns every kind when none is asked for', async () => {
    const res = await request(t.app).get('/api/facilities').expect(200);
    const kinds = new Set(facilitiesResponseSchema.parse(res.body).facilities.map((f) => f.kind));
    expect(kinds).toEqual(new Set(['hospital', 'fire_station', 'police', 'shelter', 'school', 'government', 'fuel_station']));
  });

  it.each([['helicopter'], ['hospital,'], ['hospital,,police']])('rejects kinds=%j and names the known kinds', async (kinds) => {
    const res = await request(t.app).get('/api/facilities').query({ kinds }).expect(400);
    expect(res.body.error.code).toBe('unknown_kind');
    expect(res.body.error.message).toContain('hospital');
  });
});
