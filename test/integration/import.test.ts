import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listMigrations, migrate } from '../../geo/db/migrate';
import { openPostgres } from '../../geo/db/postgres';
import type { Db } from '../../geo/db/types';
import { importCity } from '../../geo/import/importer';
import { loadManifest, type Manifest } from '../../geo/import/manifest';
import { createScratchDb } from '../support/db';
import { CITY_DATA_DIR } from '../support/env';

const LAYERS = ['district', 'street', 'poi', 'building'];
let scratch: Awaited<ReturnType<typeof createScratchDb>>;
let db: Db;
const manifest = loadManifest();

beforeAll(async () => {
  scratch = await createScratchDb('import');
  db = await openPostgres(scratch.url);
  await migrate(db);
});
afterAll(async () => {
  await db.close();
  await scratch.drop();
});

const counts = async () => {
  const [row] = await db.query<Record<string, number>>(`SELECT
    (SELECT count(*)::int FROM district) AS district, (SELECT count(*)::int FROM street) AS street,
    (SELECT count(*)::int FROM poi) AS poi, (SELECT count(*)::int FROM base_feature WHERE layer = 'building') AS building`);
  return row!;
};

describe('city data import', () => {
  it('applies migrations once, in order', async () => {
    const versions = listMigrations().map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect(await migrate(db)).toEqual([]);
  });

  it('imports each layer with the manifest count, reporting invalid geometries by id and reason', async () => {
    const reports = await importCity(db, manifest, CITY_DATA_DIR, { only: LAYERS });
    const expected = Object.fromEntries(
      manifest.layers.filter((l) => LAYERS.includes(l.layer)).map((l) => [l.layer, l.features]),
    );
    const building = reports.find((r) => r.layer === 'building')!;
    expect(building.rejected).toEqual([{ id: 'way/970577904', reason: expect.stringMatching(/^Self-intersection/) }]);
    expect(await counts()).toEqual({ ...expected, building: expected.building! - 1 });
    const issues = await db.query<{ layer: string; source_id: string }>('SELECT layer, source_id FROM import_issue');
    expect(issues).toEqual([{ layer: 'building', source_id: 'way/970577904' }]);
  });

  it('skips unchanged files and re-imports idempotently when forced', async () => {
    const before = await counts();
    const again = await importCity(db, manifest, CITY_DATA_DIR, { only: LAYERS });
    expect(again.map((r) => r.status)).toEqual(LAYERS.map(() => 'unchanged'));
    const forced = await importCity(db, manifest, CITY_DATA_DIR, { only: LAYERS, force: true });
    expect(forced.map((r) => r.status)).toEqual(LAYERS.map(() => 'imported'));
    expect(await counts()).toEqual(before);
  });

  it('stores true geodesic edge lengths for the road graph, not the Web Mercator lengths of the export', async () => {
    await importCity(db, manifest, CITY_DATA_DIR, { only: ['road_edge'] });
    const [row] = await db.query<{ worst: number; mercator_ratio: number }>(`
      SELECT max(abs(length_m - ST_Length(geom::geography))) AS worst,
             sum(ST_Length(ST_Transform(geom, 3857))) / sum(length_m) AS mercator_ratio FROM road_edge`);
    expect(row!.worst).toBeLessThan(0.01);
    // 1 / cos(45.75°) ≈ 1.43: the factor the export's own column carried
    expect(row!.mercator_ratio).toBeCloseTo(1 / Math.cos((45.75 * Math.PI) / 180), 1);
  });

  describe('with a tampered copy of the city data', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'harbin-city-'));
      cpSync(path.join(CITY_DATA_DIR, 'layers', 'admin'), path.join(dir, 'layers', 'admin'), { recursive: true });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('fails loudly on a checksum mismatch and writes nothing', async () => {
      const file = path.join(dir, 'layers', 'admin', 'harbin_districts_wgs84.geojson');
      writeFileSync(file, readFileSync(file, 'utf8').replace('南岗区', '南岗区X'));
      const before = await counts();
      await expect(importCity(db, manifest, dir, { only: ['district'], force: true })).rejects.toThrow(
        /district: checksum mismatch for layers\/admin\/harbin_districts_wgs84.geojson/,
      );
      expect(await counts()).toEqual(before);
    });

    it('fails loudly when the feature count differs from the manifest', async () => {
      const wrong: Manifest = {
        ...manifest,
        layers: manifest.layers.map((l) => (l.layer === 'street' ? { ...l, features: l.features + 1 } : l)),
      };
      await expect(importCity(db, wrong, CITY_DATA_DIR, { only: ['street'], force: true })).rejects.toThrow(
        /street: .* has 77 features, manifest expects 78/,
      );
    });

    it('fails loudly when a file is missing', async () => {
      await expect(importCity(db, manifest, dir, { only: ['poi'], force: true })).rejects.toThrow(/poi: cannot read/);
    });
  });
});
