import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Stream } from 'node:stream';
import { VectorTile } from '@mapbox/vector-tile';
import fc from 'fast-check';
import { PbfReader } from 'pbf';
import request from 'supertest';
import type { Db } from '../../geo/db/types';
import { renderTileById } from '../../geo/tiles';
import { createTestApp, type TestApp } from '../support/app';
import { CITY_DATA_DIR } from '../support/env';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** Slippy-map tile containing a WGS-84 point (the OSM wiki formula, written here independently of the code). */
function tileOf(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z;
  const rad = (lat * Math.PI) / 180;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return { z, x, y };
}

/** Tile-space point (extent units, y down) back to WGS-84. */
function lonLatOf(tile: { z: number; x: number; y: number }, px: number, py: number, extent: number): [number, number] {
  const n = 2 ** tile.z;
  const lon = ((tile.x + px / extent) / n) * 360 - 180;
  const my = Math.PI * (1 - (2 * (tile.y + py / extent)) / n);
  return [lon, (Math.atan(Math.sinh(my)) * 180) / Math.PI];
}

interface Decoded {
  id: number | undefined;
  type: number;
  props: Record<string, string | number | boolean>;
  geometry: { x: number; y: number }[][];
}

function decode(bytes: Uint8Array, layer: string): { features: Decoded[]; extent: number } {
  const l = new VectorTile(new PbfReader(bytes)).layers[layer];
  if (!l)
    throw new Error(`tile has no layer ${layer}; it has ${Object.keys(new VectorTile(new PbfReader(bytes)).layers).join(', ')}`);
  const features: Decoded[] = [];
  for (let i = 0; i < l.length; i++) {
    const f = l.feature(i);
    features.push({ id: f.id, type: f.type, props: f.properties, geometry: f.loadGeometry() });
  }
  return { features, extent: l.extent };
}

/** Sign of a ring's area by the surveyor's formula in tile coordinates (y down). */
function windingOf(ring: { x: number; y: number }[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length - 1; i++) sum += ring[i]!.x * ring[i + 1]!.y - ring[i + 1]!.x * ring[i]!.y;
  return Math.sign(sum);
}

/** supertest leaves unknown binary types unparsed; this collects the raw bytes. */
const binary = (res: Stream, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

function getTile(layer: string, tile: { z: number; x: number; y: number }) {
  return request(t.app).get(`/tiles/${layer}/${tile.z}/${tile.x}/${tile.y}.mvt`).buffer(true).parse(binary);
}

/** Names of the rows of `table` whose geometry meets the tile (not its buffer), straight from PostGIS. */
async function namesInTile(table: 'district' | 'street', tile: { z: number; x: number; y: number }): Promise<string[]> {
  const rows = await t.db.query<{ name: string }>(
    `SELECT name FROM ${table} WHERE ST_Intersects(geom, ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)) ORDER BY name`,
    [tile.z, tile.x, tile.y],
  );
  return rows.map((r) => r.name);
}

const CENTRAL = { lon: 126.63, lat: 45.76 };

describe('GET /tiles/{layer}/{z}/{x}/{y}.mvt on PostGIS', () => {
  it('serves the district tile over central Harbin with 南岗区 (230103) and every district that meets it', async () => {
    const tile = tileOf(CENTRAL.lon, CENTRAL.lat, 10);
    const res = await getTile('district', tile).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.mapbox-vector-tile');
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
    const { features } = decode(res.body as Buffer, 'district');
    const nangang = features.find((f) => f.props.name === '南岗区');
    expect(nangang).toMatchObject({ id: 230103, type: 3, props: { adcode: '230103', kind: '市辖区' } });
    const names = features.map((f) => String(f.props.name));
    for (const name of await namesInTile('district', tile)) expect(names).toContain(name);
  });

  it('serves the streets of a z12 tile, named as in the street table, with their district', async () => {
    const tile = tileOf(CENTRAL.lon, CENTRAL.lat, 12);
    const { features } = decode((await getTile('street', tile).expect(200)).body as Buffer, 'street');
    const expected = await namesInTile('street', tile);
    expect(expected.length).toBeGreaterThan(5);
    expect(features.map((f) => String(f.props.name)).sort()).toEqual(expect.arrayContaining(expected));
    const [zhaolin] = await t.db.query<{ code: string; district_name: string }>(
      `SELECT code, district_name FROM street WHERE name = '兆麟街道'`,
    );
    expect(features.find((f) => f.props.name === '兆麟街道')?.props).toMatchObject({
      code: zhaolin!.code,
      district_name: zhaolin!.district_name,
    });
  });

  it('serves z15 grid cells whose codes extend the street code of a real street, including the cell under a point', async () => {
    const tile = tileOf(CENTRAL.lon, CENTRAL.lat, 15);
    const { features } = decode((await getTile('grid', tile).expect(200)).body as Buffer, 'grid');
    expect(features.length).toBeGreaterThan(20);
    const streets = new Set((await t.db.query<{ code: string }>('SELECT code FROM street')).map((r) => r.code));
    for (const f of features) {
      const code = String(f.props.code);
      expect(code).toMatch(/^\d{15}$/);
      expect(code.startsWith(String(f.props.street_code))).toBe(true);
      expect(streets.has(String(f.props.street_code))).toBe(true);
      expect(f.id).toBe(Number(code));
      expect(f.type).toBe(3);
    }
    const [cell] = await t.db.query<{ code: string; owner: string }>(
      `SELECT code, owner FROM grid_cell WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))`,
      [CENTRAL.lon, CENTRAL.lat],
    );
    expect(features.find((f) => f.props.code === cell!.code)?.props.owner).toBe(cell!.owner);
  });

  it('puts a known hospital at its own position in the POI tile', async () => {
    const [hospital] = await t.db.query<{ id: string; name: string; hotline: string; lon: number; lat: number }>(
      `SELECT id, name, hotline, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM poi
       WHERE category = 'medical_hospital' AND name <> ''
         AND ST_Intersects(geom, ST_MakeEnvelope(126.6, 45.73, 126.7, 45.79, 4326))
       ORDER BY id LIMIT 1`,
    );
    expect(hospital).toBeDefined();
    const tile = tileOf(hospital!.lon, hospital!.lat, 14);
    const { features, extent } = decode((await getTile('poi', tile).expect(200)).body as Buffer, 'poi');
    const found = features.find((f) => f.props.id === hospital!.id);
    expect(found?.props).toMatchObject({ name: hospital!.name, category: 'medical_hospital' });
    const point = found!.geometry[0]![0]!;
    const [lon, lat] = lonLatOf(tile, point.x, point.y, extent);
    // One tile unit at z14 is about 1.7 m here; rounding to the unit grid moves a point by less than that.
    expect(Math.abs(lon - hospital!.lon)).toBeLessThan(3e-5);
    expect(Math.abs(lat - hospital!.lat)).toBeLessThan(3e-5);
  });

  it('answers an ETag revalidation with 304', async () => {
    const tile = tileOf(CENTRAL.lon, CENTRAL.lat, 14);
    const first = await getTile('grid', tile).expect(200);
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    await request(t.app).get(`/tiles/grid/${tile.z}/${tile.x}/${tile.y}.mvt`).set('If-None-Match', etag).expect(304);
  });

  it.each([
    ['a zoom below the layer range', 'grid', tileOf(CENTRAL.lon, CENTRAL.lat, 12)],
    ['a zoom above the layer range', 'poi', tileOf(CENTRAL.lon, CENTRAL.lat, 20)],
    ['a tile far from Harbin', 'poi', { z: 14, x: 0, y: 0 }],
  ])('answers %s with an empty 204 that is still cacheable', async (_what, layer, tile) => {
    const res = await request(t.app).get(`/tiles/${layer}/${tile.z}/${tile.x}/${tile.y}.mvt`).expect(204);
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
  });
});

describe('the Node encoder used on the embedded backend', () => {
  it.each([
    ['district', 10],
    ['street', 12],
    ['grid', 14],
    ['grid', 15],
    ['poi', 12],
  ] as const)('encodes the same %s features at z%i as ST_AsMVT does on the same database', async (layer, z) => {
    const tile = tileOf(CENTRAL.lon, CENTRAL.lat, z);
    // The same PostGIS, told to take the embedded path: clip and project in SQL, encode with vt-pbf.
    const nodeEncoded: Db = { ...t.db, backend: 'embedded' };
    const viaPostgis = decode(await renderTileById(t.db, layer, tile.z, tile.x, tile.y), layer);
    const viaNode = decode(await renderTileById(nodeEncoded, layer, tile.z, tile.x, tile.y), layer);
    // The exterior ring's winding is what tells a renderer outer ring from hole: it must match too.
    const key = (f: Decoded) => `${f.id}|${JSON.stringify(f.props)}|${f.type}|${f.type === 3 ? windingOf(f.geometry[0]!) : ''}`;
    expect(viaNode.features.map(key).sort()).toEqual(viaPostgis.features.map(key).sort());
    expect(viaNode.extent).toBe(viaPostgis.extent);
  });
});

describe('tile requests that are wrong', () => {
  it('names the known layers when the layer is unknown', async () => {
    const res = await request(t.app).get('/tiles/nosuch/14/13955/5844.mvt').expect(404);
    expect(res.body.error.code).toBe('unknown_layer');
    expect(res.body.error.message).toContain('district, street, grid, poi');
    expect(res.body.error.details.known).toEqual(expect.arrayContaining(['district', 'street', 'grid', 'poi']));
  });

  it.each([
    ['/tiles/grid/23/0/0.mvt', 'z must be an integer from 0 to 22'],
    ['/tiles/grid/-1/0/0.mvt', 'z must be'],
    ['/tiles/grid/1.5/0/0.mvt', 'z must be'],
    ['/tiles/grid/014/0/0.mvt', 'z must be'],
    ['/tiles/grid/abc/0/0.mvt', 'z must be'],
    ['/tiles/grid/2/4/0.mvt', 'x must be an integer from 0 to 3 at zoom 2'],
    ['/tiles/grid/2/0/4.mvt', 'y must be an integer from 0 to 3 at zoom 2'],
    ['/tiles/grid/14/1e3/0.mvt', 'x must be'],
    ['/tiles/grid/14/99999999999999999999999/0.mvt', 'x must be'],
    ['/tiles/grid/14/0/0x10.mvt', 'y must be'],
    ['/tiles/grid/14/0/0.png', 'must be requested as {z}/{x}/{y}.mvt'],
    ['/tiles/grid/14/0/0', 'must be requested as {z}/{x}/{y}.mvt'],
    ['/tiles/grid/14/0', '瓦片地址应为 /tiles/{layer}/{z}/{x}/{y}.mvt'],
    ['/tiles/grid/14/0/0/0.mvt', '瓦片地址应为 /tiles/{layer}/{z}/{x}/{y}.mvt'],
  ])('rejects %s with 400 invalid_tile', async (url, text) => {
    const res = await request(t.app).get(url).expect(400);
    expect(res.body.error.code).toBe('invalid_tile');
    expect(res.body.error.message).toContain(text);
  });

  it('rejects a path segment with broken percent-encoding at the edge, before any tile code, naming the segment', async () => {
    const res = await request(t.app).get('/tiles/grid/14/%E0%A4%A/0.mvt').expect(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.message).toBe('路径段 %E0%A4%A 不是有效的 UTF-8 百分号编码');
  });

  it('never answers a 5xx, whatever the path segments', async () => {
    const segment = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('grid', 'poi', 'district', '__proto__', 'constructor', '..', '%', '0', '22', '4194303'),
      fc.integer({ min: -5, max: 5_000_000 }).map(String),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 5 }), async (parts) => {
        const last = parts.length === 4 ? `${encodeURIComponent(parts[3]!)}.mvt` : null;
        const url = `/tiles/${parts
          .slice(0, last ? 3 : parts.length)
          .map(encodeURIComponent)
          .concat(last ? [last] : [])
          .join('/')}`;
        const res = await request(t.app).get(url);
        expect([200, 204, 400, 404]).toContain(res.status);
      }),
      { numRuns: 150 },
    );
  });
});

describe('TileJSON', () => {
  it('describes a layer with its zoom range and an absolute tile URL', async () => {
    const res = await request(t.app).get('/tiles/grid.json').expect(200);
    expect(res.body).toMatchObject({ tilejson: '3.0.0', minzoom: 13, vector_layers: [{ id: 'grid' }] });
    expect(res.body.tiles[0]).toMatch(/^http:\/\/[^/]+\/tiles\/grid\/\{z\}\/\{x\}\/\{y\}\.mvt$/);
    expect((await request(t.app).get('/tiles/nosuch.json').expect(404)).body.error.code).toBe('unknown_layer');
  });
});

describe('GET /basemap/*.pmtiles', () => {
  const file = path.join(CITY_DATA_DIR, 'tiles', 'harbin_central.pmtiles');

  it('answers a Range request with 206, Content-Range and the PMTiles magic', async () => {
    const size = statSync(file).size;
    const res = await request(t.app)
      .get('/basemap/harbin_central.pmtiles')
      .set('Range', 'bytes=0-6')
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(res.headers['content-range']).toBe(`bytes 0-6/${size}`);
    expect((res.body as Buffer).toString('latin1')).toBe('PMTiles');
  });

  it('serves a range from the middle byte for byte', async () => {
    const expected = readFileSync(file).subarray(100_000, 100_512);
    const res = await request(t.app)
      .get('/basemap/harbin_central.pmtiles')
      .set('Range', 'bytes=100000-100511')
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(Buffer.compare(res.body as Buffer, expected)).toBe(0);
  });

  it.each([
    '/basemap/theme.css',
    '/basemap/nosuch.pmtiles',
    '/basemap/..%2FREADME.md',
    '/basemap/%2e%2e%2fREADME.pmtiles',
    '/basemap/.hidden.pmtiles',
    '/basemap/',
  ])('serves nothing else: %s is 404', async (url) => {
    const res = await request(t.app).get(url).expect(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
