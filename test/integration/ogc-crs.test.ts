import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { CRS84 } from '../../geo/catalog/layers';
import { CGCS2000, CGCS2000_GK_CM126, CRS_URIS } from '../../gateway/ogc/crs';
import { createIdentityTestApp, type IdentityTestApp } from '../support/identity';

/**
 * OGC API – Features Part 2 for the coordinate systems Chinese planners use: CGCS2000 (EPSG:4490) and its 3°
 * Gauss–Krüger zone with central meridian 126°E (EPSG:4551), in EPSG axis order (north first), checked against
 * PROJ (GDAL's gdaltransform), on PostGIS and on the embedded backend.
 */
const run = promisify(execFile);
let t: IdentityTestApp;
let scratch: string;

beforeAll(async () => {
  t = await createIdentityTestApp();
  scratch = await mkdtemp(path.join(tmpdir(), 'harbin-ogc-crs-'));
}, 120_000);
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
  await t.close();
});

interface Feature {
  id: string;
  geometry: { type: string; coordinates: [number, number] };
}
const items = async (query: Record<string, string>) => {
  const res = await request(t.app).get('/ogc/collections/poi/items').query(query).expect(200);
  return { features: res.body.features as Feature[], matched: res.body.numberMatched as number, crs: res.headers['content-crs'] };
};

/**
 * PROJ's answer (through GDAL's gdaltransform) for lon/lat points in EPSG:4551, in that CRS's axis order:
 * [northing, easting] in metres.
 */
async function gaussKruger(points: [number, number][]): Promise<[number, number][]> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('gdaltransform', ['-s_srs', 'EPSG:4326', '-t_srs', 'EPSG:4551']);
    let s = '';
    child.stdout.on('data', (c: Buffer) => (s += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(s) : reject(new Error(`gdaltransform exited ${code}`))));
    // GDAL's utilities take and give coordinates east first.
    child.stdin.end(`${points.map(([lon, lat]) => `${lon} ${lat}`).join('\n')}\n`);
  });
  return out
    .trim()
    .split('\n')
    .map((line) => {
      const [e, n] = line.split(/\s+/).map(Number) as [number, number];
      return [n, e];
    });
}

describe('collections and conformance', () => {
  it('offer CRS84, EPSG:4326, EPSG:4490 and EPSG:4551 for every collection and claim Part 2', async () => {
    const conformance = await request(t.app).get('/ogc/conformance').expect(200);
    expect(conformance.body.conformsTo).toContain('http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs');
    const collections = await request(t.app).get('/ogc/collections').expect(200);
    expect(collections.body.crs).toEqual(CRS_URIS);
    for (const c of collections.body.collections as { crs: string[]; storageCrs: string }[]) {
      expect(c.crs).toEqual(expect.arrayContaining([CRS84, CGCS2000, CGCS2000_GK_CM126]));
      expect(c.storageCrs).toBe(CRS84);
    }
  });
});

describe('crs on PostGIS', () => {
  it('writes Gauss–Krüger northing/easting in metres as PROJ computes them, and says so in Content-Crs', async () => {
    const lonLat = await items({ limit: '50', properties: '' });
    const gk = await items({ limit: '50', properties: '', crs: CGCS2000_GK_CM126 });
    expect(lonLat.crs).toBe(`<${CRS84}>`);
    expect(gk.crs).toBe(`<${CGCS2000_GK_CM126}>`);
    expect(gk.features.map((f) => f.id)).toEqual(lonLat.features.map((f) => f.id));
    const expected = await gaussKruger(lonLat.features.map((f) => f.geometry.coordinates));
    gk.features.forEach((f, i) => {
      const [n, e] = f.geometry.coordinates;
      // Harbin's centre lies about 50 km east of 126°E: eastings just above the 500 km false easting.
      expect(e).toBeGreaterThan(500_000);
      expect(n).toBeGreaterThan(5_000_000);
      expect(Math.abs(n - expected[i]![0])).toBeLessThan(0.002);
      expect(Math.abs(e - expected[i]![1])).toBeLessThan(0.002);
    });
  });

  it('writes CGCS2000 and EPSG:4326 latitude first, and one feature in the asked CRS too', async () => {
    const lonLat = await items({ limit: '20', properties: '' });
    for (const uri of [CGCS2000, 'http://www.opengis.net/def/crs/EPSG/0/4326']) {
      const got = await items({ limit: '20', properties: '', crs: uri });
      expect(got.crs).toBe(`<${uri}>`);
      got.features.forEach((f, i) => {
        const [lon, lat] = lonLat.features[i]!.geometry.coordinates;
        expect(f.geometry.coordinates[0]).toBeCloseTo(lat, 6);
        expect(f.geometry.coordinates[1]).toBeCloseTo(lon, 6);
      });
    }
    const first = lonLat.features[0]!;
    const one = await request(t.app)
      .get(`/ogc/collections/poi/items/${encodeURIComponent(first.id)}`)
      .query({ crs: '[EPSG:4551]' })
      .expect(200);
    expect(one.headers['content-crs']).toBe(`<${CGCS2000_GK_CM126}>`);
    const [[n, e]] = (await gaussKruger([first.geometry.coordinates])) as [[number, number]];
    expect(one.body.geometry.coordinates[0]).toBeCloseTo(n, 2);
    expect(one.body.geometry.coordinates[1]).toBeCloseTo(e, 2);
  });

  it('takes bbox in EPSG:4551 and EPSG:4490 (their axis order) and finds what PostGIS finds in that CRS', async () => {
    // A 2 km box around the centre of Harbin, drawn in the Gauss–Krüger plane.
    const [[n0, e0]] = (await gaussKruger([[126.63, 45.76]])) as [[number, number]];
    const box: [number, number, number, number] = [n0 - 1000, e0 - 1000, n0 + 1000, e0 + 1000];
    const got = await items({ bbox: box.join(','), 'bbox-crs': CGCS2000_GK_CM126, limit: '10000', properties: '' });
    const [sql] = await t.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM poi WHERE ST_Intersects(ST_Transform(geom, 4551), ST_MakeEnvelope($1, $2, $3, $4, 4551))',
      [box[1], box[0], box[3], box[2]],
    );
    expect(got.matched).toBeGreaterThan(0);
    expect(got.matched).toBe(sql!.n);
    // The same area's lon/lat box, latitude first, in CGCS2000.
    const lat = await items({ bbox: '45.75,126.62,45.77,126.64', 'bbox-crs': '[EPSG:4490]', limit: '1', properties: '' });
    const lon = await items({ bbox: '126.62,45.75,126.64,45.77', limit: '1', properties: '' });
    expect(lat.matched).toBe(lon.matched);
    // In the wrong axis order the box is off the globe, and said so.
    const wrong = await request(t.app)
      .get('/ogc/collections/poi/items')
      .query({ bbox: '126.62,45.75,126.64,45.77', 'bbox-crs': CGCS2000 })
      .expect(400);
    expect(wrong.body).toMatchObject({ code: 'InvalidParameterValue' });
    expect(wrong.body.description).toMatch(/^参数 bbox 有误：/);
    await request(t.app).get('/ogc/collections/poi/items').query({ crs: 'EPSG:3857' }).expect(400);
    await request(t.app).get('/ogc/collections/poi/items').query({ 'bbox-crs': 'EPSG:2000', bbox: '1,2,3,4' }).expect(400);
  });

  it('exports a GeoPackage in EPSG:4551 that GDAL reads as that CRS', async () => {
    const res = await request(t.app)
      .get('/ogc/collections/poi/items')
      .query({ f: 'gpkg', crs: CGCS2000_GK_CM126, category: 'police' })
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const file = path.join(scratch, 'police.gpkg');
    await writeFile(file, res.body as Buffer);
    const info = await run('ogrinfo', ['-ro', '-so', file, 'poi'], { timeout: 30_000 });
    expect(info.stdout).toMatch(/ID\["EPSG",4551\]/);
    const extent = /Extent: \(([\d.]+), ([\d.]+)\) - \(([\d.]+), ([\d.]+)\)/.exec(info.stdout);
    expect(Number(extent?.[1])).toBeGreaterThan(500_000);
    expect(Number(extent?.[2])).toBeGreaterThan(5_000_000);
  });
});

describe('crs on the embedded backend (PGlite + PostGIS in WASM)', () => {
  it('reprojects and filters by a Gauss–Krüger bbox exactly as PostGIS does', async () => {
    const rows = await t.db.query<{ id: string; name: string; category: string; hotline: string; lon: number; lat: number }>(
      'SELECT id, name, category, hotline, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM poi ORDER BY id LIMIT 200',
    );
    const [[n0, e0]] = (await gaussKruger([[rows[0]!.lon, rows[0]!.lat]])) as [[number, number]];
    const bbox = { box: [e0 - 3000, n0 - 3000, e0 + 3000, n0 + 3000], srid: 4551 };
    const crs = [
      { srid: 4551, flip: true, decimals: 3 },
      { srid: 4490, flip: true, decimals: 7 },
    ];
    const tsx = path.join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const child = spawn(tsx, [path.join(__dirname, 'ogc-crs', 'embedded-items.ts')], { cwd: process.cwd() });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdin.end(JSON.stringify({ rows, bbox, crs }));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
    const embedded = JSON.parse(out) as { srids: number; outputs: Feature[][]; inBbox: string[] };
    expect(embedded.srids).toBe(2);
    const ids = new Set(rows.map((r) => r.id));
    // PostGIS, through the gateway, for the same rows.
    const gk = (await items({ crs: CGCS2000_GK_CM126, limit: '10000', properties: '' })).features.filter((f) => ids.has(f.id));
    const cgcs = (await items({ crs: CGCS2000, limit: '10000', properties: '' })).features.filter((f) => ids.has(f.id));
    // Compared by id (the two databases may collate ids differently).
    const byId = (fs: Feature[]) =>
      fs.map((f) => [f.id, f.geometry.coordinates] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    expect(gk).toHaveLength(rows.length);
    expect(byId(embedded.outputs[0]!)).toEqual(byId(gk));
    expect(byId(embedded.outputs[1]!)).toEqual(byId(cgcs));
    const box = [bbox.box[1], bbox.box[0], bbox.box[3], bbox.box[2]].join(',');
    const inBox = (await items({ bbox: box, 'bbox-crs': CGCS2000_GK_CM126, limit: '10000', properties: '' })).features
      .map((f) => f.id)
      .filter((id) => ids.has(id))
      .sort();
    expect(embedded.inBbox.length).toBeGreaterThan(0);
    expect(embedded.inBbox).toEqual(inBox);
  }, 120_000);
});
