import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { io as connect, type Socket } from 'socket.io-client';
import { tileFraction } from '../../geo/tiles';
import { createAccount, createIdentityTestApp, freshIp, login, type IdentityTestApp } from '../support/identity';
import { CITY_DATA_DIR } from '../support/env';
import { listenWithRealtime, type ListeningApp } from '../support/listen';

/**
 * Compressed answers (issue 17 item 5): vector tiles, GeoJSON and HTML go out gzip- or brotli-encoded when the
 * request accepts it and exactly as before when it does not; basemap tiles stored gzipped in their archive are sent
 * as stored (one gzip layer, never two); byte ranges of archives and Socket.IO are left alone. Checked with raw HTTP
 * (no client-side decoding), curl --compressed and GDAL's MVT driver.
 */
const run = promisify(execFile);

let t: IdentityTestApp;
let served: ListeningApp;
let webDir: string;
let scratch: string;
let cookie: string;
const previousWebDist = process.env.WEB_DIST;

/** A page big enough to be worth compressing, in the place the gateway serves the web build from. */
const INDEX_HTML = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>哈尔滨指挥一张图</title></head><body>${'<p>城市运行指挥中心</p>'.repeat(300)}</body></html>`;

beforeAll(async () => {
  webDir = await mkdtemp(path.join(tmpdir(), 'harbin-web-gzip-'));
  scratch = await mkdtemp(path.join(tmpdir(), 'harbin-tiles-gzip-'));
  await writeFile(path.join(webDir, 'index.html'), INDEX_HTML);
  process.env.WEB_DIST = webDir;
  t = await createIdentityTestApp();
  served = await listenWithRealtime(t.app, t.deps);
  const c = await createAccount(t.db, { role: 'commander' });
  cookie = await login(t.app, c.username, c.password);
}, 120_000);
afterAll(async () => {
  if (previousWebDist === undefined) delete process.env.WEB_DIST;
  else process.env.WEB_DIST = previousWebDist;
  await served.close();
  await t.close();
  await rm(webDir, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A GET whose body is kept exactly as it arrived on the wire: no client-side decoding of Content-Encoding. */
function raw(pathAndQuery: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${served.url}${pathAndQuery}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const isGzip = (b: Buffer) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;
const layersOf = (b: Buffer) => Object.keys(new VectorTile(new PbfReader(b)).layers);
const tileAt = (lon: number, lat: number, z: number) => {
  const f = tileFraction(lon, lat, z);
  return `${z}/${Math.floor(f.x)}/${Math.floor(f.y)}`;
};
/** 中央大街 by the Songhua river: the densest road network of the extract. */
const CENTRE = [126.6177, 45.7786] as const;

/** The largest roads tile around the centre at zooms 11–14: the one the issue measured (tens of kilobytes). */
async function biggestRoadsTile(): Promise<{ id: string; plain: Buffer }> {
  let best: { id: string; plain: Buffer } | null = null;
  for (const z of [11, 12, 13, 14]) {
    const id = tileAt(CENTRE[0], CENTRE[1], z);
    const res = await raw(`/tiles/roads/${id}.mvt`);
    expect(res.status).toBe(200);
    if (!best || res.body.length > best.plain.length) best = { id, plain: res.body };
  }
  return best!;
}

describe('operational vector tiles', () => {
  test('gzip when accepted: smaller, and byte-identical to the plain tile after gunzip', async () => {
    const { id, plain } = await biggestRoadsTile();
    expect(plain.length).toBeGreaterThan(20_000);
    const gz = await raw(`/tiles/roads/${id}.mvt`, { 'Accept-Encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toMatch(/^application\/vnd\.mapbox-vector-tile/);
    expect(gz.headers.vary).toMatch(/Accept-Encoding/i);
    expect(isGzip(gz.body)).toBe(true);
    expect(gunzipSync(gz.body).equals(plain)).toBe(true);
    expect(gz.body.length).toBeLessThan(plain.length * 0.7);
    expect(layersOf(gunzipSync(gz.body))).toEqual(['roads']);
  });

  test('brotli when preferred; nothing encoded without Accept-Encoding or with identity only', async () => {
    const { id, plain } = await biggestRoadsTile();
    const br = await raw(`/tiles/roads/${id}.mvt`, { 'Accept-Encoding': 'br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain)).toBe(true);
    const variants: Record<string, string>[] = [{}, { 'Accept-Encoding': 'identity' }, { 'Accept-Encoding': 'gzip;q=0, br;q=0' }];
    for (const headers of variants) {
      const res = await raw(`/tiles/roads/${id}.mvt`, headers);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.body.equals(plain)).toBe(true);
      expect(layersOf(res.body)).toEqual(['roads']);
    }
  });

  test('a compressed tile is still revalidated by its ETag (304, no body)', async () => {
    const { id } = await biggestRoadsTile();
    const first = await raw(`/tiles/roads/${id}.mvt`, { 'Accept-Encoding': 'gzip' });
    const etag = first.headers.etag;
    expect(etag).toBeTruthy();
    const again = await raw(`/tiles/roads/${id}.mvt`, { 'Accept-Encoding': 'gzip', 'If-None-Match': etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  test('curl --compressed asks for it, gets gzip or brotli and the same tile; GDAL reads the tile over HTTP', async () => {
    const { id, plain } = await biggestRoadsTile();
    const out = path.join(scratch, 'roads.mvt');
    const { stdout } = await run('curl', ['-sS', '--compressed', '-D', '-', '-o', out, `${served.url}/tiles/roads/${id}.mvt`]);
    expect(stdout).toMatch(/^content-encoding: (gzip|br)\r?$/im);
    expect((await readFile(out)).equals(plain)).toBe(true);
    // GDAL's MVT driver (Debian's GDAL 3.6) over HTTP; its curl accepts gzip and the driver takes z/x/y from the URL.
    const [z, x, y] = id.split('/');
    const info = await run('ogrinfo', ['-ro', '-al', '-so', `MVT:${served.url}/tiles/roads/${z}/${x}/${y}.mvt`], {
      env: { ...process.env, GDAL_HTTP_HEADERS: 'Accept-Encoding: gzip' },
    });
    expect(info.stdout).toMatch(/Layer name: roads/);
    const count = Number(/Feature Count: (\d+)/.exec(info.stdout)?.[1]);
    expect(count).toBe(new VectorTile(new PbfReader(plain)).layers.roads!.length);
  });
});

describe('offline basemap', () => {
  const tile = () => tileAt(CENTRE[0], CENTRE[1], 14);

  test('a tile stored gzipped in the archive is sent as stored: one gzip layer, Content-Encoding gzip', async () => {
    const gz = await raw(`/basemap/harbin_central/${tile()}.mvt`, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toMatch(/Accept-Encoding/i);
    expect(isGzip(gz.body)).toBe(true);
    const once = gunzipSync(gz.body);
    expect(isGzip(once)).toBe(false);
    expect(layersOf(once)).toEqual(expect.arrayContaining(['roads_major', 'buildings']));
    // Without gzip the server decodes it: plain protobuf, the same bytes.
    const variants: Record<string, string>[] = [{}, { 'Accept-Encoding': 'identity' }];
    for (const headers of variants) {
      const plain = await raw(`/basemap/harbin_central/${tile()}.mvt`, headers);
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.equals(once)).toBe(true);
    }
  });

  test('outside the archive: 204; a malformed address: 400; an unknown archive: 404', async () => {
    expect((await raw('/basemap/harbin_central/3/6/2.mvt')).status).toBe(204);
    expect((await raw('/basemap/harbin_central/14/99999/1.mvt')).status).toBe(400);
    expect((await raw('/basemap/harbin_central/14/1/1.png')).status).toBe(400);
    expect((await raw('/basemap/nowhere/14/1/1.mvt')).status).toBe(404);
    expect((await raw('/basemap/..%2Fstyle/14/1/1.mvt')).status).toBe(404);
  });

  test('byte ranges of the archive are never compressed: the exact bytes of the file', async () => {
    const file = await readFile(path.join(CITY_DATA_DIR, 'tiles', 'harbin_central.pmtiles'));
    const res = await raw('/basemap/harbin_central.pmtiles', { Range: 'bytes=0-16383', 'Accept-Encoding': 'gzip, br' });
    expect(res.status).toBe(206);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['content-range']).toBe(`bytes 0-16383/${file.length}`);
    expect(res.body.equals(file.subarray(0, 16384))).toBe(true);
  });
});

describe('GeoJSON, JSON and HTML', () => {
  test('OGC API items (GeoJSON) are gzip-encoded when accepted and parse after gunzip', async () => {
    const q = '/ogc/collections/roads/items?limit=200';
    const gz = await raw(q, { 'Accept-Encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toMatch(/^application\/geo\+json/);
    const body = JSON.parse(gunzipSync(gz.body).toString('utf8')) as { type: string; features: unknown[] };
    expect(body.type).toBe('FeatureCollection');
    expect(body.features.length).toBeGreaterThan(0);
    const plain = await raw(q);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(gz.body.length).toBeLessThan(plain.body.length / 2);
  });

  test("the basemap style's GeoJSON source is compressed too", async () => {
    const gz = await raw('/basemap/sources/districts.geojson', { 'Accept-Encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect((JSON.parse(gunzipSync(gz.body).toString('utf8')) as { type: string }).type).toBe('FeatureCollection');
  });

  test('the web page (HTML) is compressed when accepted and sent as it is otherwise', async () => {
    const gz = await raw('/map', { 'Accept-Encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-type']).toMatch(/^text\/html/);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).toString('utf8')).toBe(INDEX_HTML);
    const plain = await raw('/map');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString('utf8')).toBe(INDEX_HTML);
  });

  test('a small answer is not worth compressing and goes out plain', async () => {
    const res = await raw('/api/health', { 'Accept-Encoding': 'gzip' });
    expect(res.body.length).toBeLessThan(1024);
    expect(res.headers['content-encoding']).toBeUndefined();
  });
});

describe('Socket.IO', () => {
  const sockets: Socket[] = [];
  afterAll(() => sockets.forEach((s) => s.close()));

  test.each([['polling'], ['websocket']])('still connects over %s with compression in front of the app', async (transport) => {
    const socket = connect(served.url, {
      transports: [transport],
      extraHeaders: { cookie, 'x-forwarded-for': freshIp(), 'accept-encoding': 'gzip, deflate, br' },
      reconnection: false,
    });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    expect(socket.connected).toBe(true);
  });
});
