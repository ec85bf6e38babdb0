import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { tileFraction } from '../../geo/tiles';
import { createIdentityTestApp, type IdentityTestApp } from '../support/identity';

/**
 * QGIS 3.22 (Debian 12's PyQGIS, offscreen) as the planners use it: the offline basemap as plain XYZ vector tiles
 * styled from `/basemap/style.json`, and an operational layer's tiles, both drawn, both fetched gzip-encoded.
 */
const run = promisify(execFile);
/** Debian's python3-qgis is built for the system interpreter. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'tiles-clients', 'qgis_tiles.py');

let t: IdentityTestApp;
let server: http.Server;
let root: string;
let scratch: string;
/** What the gateway answered to each request, as a client on the wire saw it. */
const seen: { url: string; acceptEncoding: string; status: number; contentEncoding: string }[] = [];

beforeAll(async () => {
  t = await createIdentityTestApp();
  server = http.createServer((req, res) => {
    res.on('finish', () =>
      seen.push({
        url: req.url ?? '',
        acceptEncoding: String(req.headers['accept-encoding'] ?? ''),
        status: res.statusCode,
        contentEncoding: String(res.getHeader('content-encoding') ?? ''),
      }),
    );
    t.app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  scratch = await mkdtemp(path.join(tmpdir(), 'harbin-qgis-tiles-'));
}, 120_000);
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(scratch, { recursive: true, force: true });
  await t.close();
});

interface QgisResult {
  sampled: number;
  layers: Record<string, { valid: boolean; styleLoaded?: boolean; styleMessage?: string; drawn: number; colours: number }>;
}

/** 4 km around 中央大街 in Web Mercator metres. */
function extentAroundCentre(): number[] {
  const R = 6378137;
  const x = (126.6177 * Math.PI * R) / 180;
  const y = R * Math.log(Math.tan(Math.PI / 4 + (45.7786 * Math.PI) / 360));
  return [x - 2000, y - 2000, x + 2000, y + 2000];
}

test('QGIS draws the basemap with its style from the URL and the roads tiles, fetched gzip-encoded', async () => {
  const layers = [
    {
      name: 'basemap',
      uri: `type=xyz&url=${root}/basemap/harbin_central/{z}/{x}/{y}.mvt&zmin=8&zmax=14&styleUrl=${root}/basemap/style.json`,
    },
    { name: 'roads', uri: `type=xyz&url=${root}/tiles/roads/{z}/{x}/{y}.mvt&zmin=10&zmax=16` },
  ];
  const { stdout } = await run(PYTHON, [SCRIPT, JSON.stringify({ extent: extentAroundCentre(), layers })], {
    timeout: 120_000,
    env: { ...process.env, QT_QPA_PLATFORM: 'offscreen', XDG_RUNTIME_DIR: scratch },
  });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as QgisResult;
  const basemap = result.layers.basemap!;
  expect(basemap.valid).toBe(true);
  expect(basemap.styleLoaded).toBe(true);
  // Water, land use and streets cover most of the view; the roads alone a smaller share.
  expect(basemap.drawn).toBeGreaterThan(result.sampled / 2);
  // The style's background alone would be one colour: land, water, roads and labels are the tiles drawn.
  expect(basemap.colours).toBeGreaterThan(20);
  const roads = result.layers.roads!;
  expect(roads.valid).toBe(true);
  expect(roads.drawn).toBeGreaterThan(result.sampled / 50);

  // QGIS asked for the style and for tiles of both layers, accepted gzip and got it.
  expect(seen.some((r) => r.url === '/basemap/style.json' && r.status === 200)).toBe(true);
  for (const prefix of ['/basemap/harbin_central/', '/tiles/roads/']) {
    const tiles = seen.filter((r) => r.url.startsWith(prefix) && r.status === 200);
    expect(tiles.length).toBeGreaterThan(0);
    for (const r of tiles) {
      expect(r.acceptEncoding).toMatch(/gzip/);
      expect(r.contentEncoding).toBe('gzip');
    }
  }
  // Every basemap tile QGIS asked for lies around the view it drew, at the zoom it chose for it.
  const asked = seen.filter((r) => r.url.startsWith('/basemap/harbin_central/')).map((r) => r.url.split('/').slice(3, 6));
  for (const [z, x, file] of asked) {
    const f = tileFraction(126.6177, 45.7786, Number(z));
    expect(Math.abs(Number(x) - Math.floor(f.x))).toBeLessThanOrEqual(2);
    expect(Math.abs(parseInt(file!, 10) - Math.floor(f.y))).toBeLessThanOrEqual(2);
  }
});
