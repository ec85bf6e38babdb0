import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import type { IssuedApiToken } from '../../contracts/identity';
import { freshScene, postFeed, report } from '../support/feeds';
import { CATALOG } from '../../geo/catalog/layers';
import { MAX_LIMIT } from '../../gateway/ogc/params';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

/**
 * The OGC API as the clients installed from Debian use it: GDAL 3.6 (ogr2ogr, ogrinfo), OWSLib and PyQGIS 3.22
 * (offscreen), against the real gateway on a port. The server records every URL it was asked for, so the tests see
 * what each client sent (page sizes, filters pushed down, credentials).
 */
const run = promisify(execFile);
/** Debian's python3-qgis and python3-owslib are built for the system interpreter. */
const PYTHON = '/usr/bin/python3';
const SCRIPTS = path.join(__dirname, 'ogc-clients');

let t: IdentityTestApp;
let server: http.Server;
let root: string;
let scratch: string;
let planner: { username: string };
let token: string;
const received: { url: string; authorization: string | undefined }[] = [];

beforeAll(async () => {
  t = await createIdentityTestApp();
  server = http.createServer((req, res) => {
    received.push({ url: req.url ?? '', authorization: req.headers.authorization });
    t.app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ogc`;
  const p = await createAccount(t.db, { role: 'planner' });
  planner = p;
  const cookie = await login(t.app, p.username, p.password);
  const issued = await request(t.app).post('/api/auth/tokens').set('Cookie', cookie).send({ label: 'QGIS', days: 1 });
  token = (issued.body as IssuedApiToken).token;
  scratch = await mkdtemp(path.join(tmpdir(), 'harbin-ogc-clients-'));
  // At least one incident for QGIS to read (and to learn the layer's fields from).
  const s = freshScene();
  expect((await postFeed(t.app, '110', report('110', 'traffic_crash', s, s.at).payload)).status).toBe(201);
}, 120_000);
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(scratch, { recursive: true, force: true });
  await t.close();
});

const count = async (sql: string) => Number((await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`))[0]!.n);
/** The URLs asked for while `fn` ran. */
async function requestsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; urls: URL[] }> {
  const from = received.length;
  const result = await fn();
  return { result, urls: received.slice(from).map((r) => new URL(r.url, root)) };
}
const python = async (script: string, args: object) =>
  JSON.parse(
    (
      await run(PYTHON, [path.join(SCRIPTS, script), JSON.stringify(args)], {
        timeout: 60_000,
        env: { ...process.env, QT_QPA_PLATFORM: 'offscreen', XDG_RUNTIME_DIR: scratch },
      })
    ).stdout,
  ) as Record<string, unknown>;

describe('GDAL 3.6 (OAPIF driver)', () => {
  it('copies the whole buildings layer with ogr2ogr, in pages of PAGE_SIZE', async () => {
    const total = await count('base_building');
    const out = path.join(scratch, 'buildings.gpkg');
    const { urls } = await requestsDuring(() =>
      run('ogr2ogr', ['-f', 'GPKG', out, `OAPIF:${root}`, 'buildings', '-oo', 'PAGE_SIZE=1000'], { timeout: 60_000 }),
    );
    const info = await run('ogrinfo', ['-ro', '-so', out, 'buildings'], { timeout: 30_000 });
    expect(Number(/Feature Count: (\d+)/.exec(info.stdout)?.[1])).toBe(total);
    const pages = urls.filter((u) => u.pathname.endsWith('/collections/buildings/items'));
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(total / 1000));
    expect(pages.length).toBeLessThanOrEqual(Math.ceil(total / 1000) + 2);
    expect(pages.every((u) => u.searchParams.get('limit') === '1000')).toBe(true);
  }, 60_000);

  it('pushes -where down to the server as a cql-text filter, read from the API definition, without errors', async () => {
    const where = "category = 'police' AND name LIKE '%派出所%'";
    const { result, urls } = await requestsDuring(() =>
      run('ogrinfo', ['-ro', '-al', '-so', `OAPIF:${root}`, 'poi', '-where', where], { timeout: 60_000 }),
    );
    expect(result.stderr).not.toMatch(/error|404/i);
    expect(Number(/Feature Count: (\d+)/.exec(result.stdout)?.[1])).toBe(
      await count("poi WHERE category = 'police' AND name LIKE '%派出所%'"),
    );
    expect(urls.some((u) => u.pathname === '/ogc/api')).toBe(true);
    const filtered = urls.filter((u) => u.pathname.endsWith('/collections/poi/items') && u.searchParams.has('filter'));
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered[0]!.searchParams.get('filter-lang')).toBe('cql-text');
    expect(filtered[0]!.searchParams.get('filter')).toBe("(category = 'police') AND (name LIKE '%派出所%')");
  }, 60_000);

  it('reads a non-public layer with the API token as USERPWD (Basic) and pushes a date comparison down', async () => {
    const where = "first_reported_at >= '2000-01-01'";
    const before = await count("incident WHERE first_reported_at >= '2000-01-01'");
    const { result, urls } = await requestsDuring(() =>
      run(
        'ogrinfo',
        ['-ro', '-al', '-so', '-oo', `USERPWD=${planner.username}:${token}`, `OAPIF:${root}`, 'incidents', '-where', where],
        { timeout: 60_000 },
      ),
    );
    const after = await count("incident WHERE first_reported_at >= '2000-01-01'");
    expect(result.stderr).not.toMatch(/error/i);
    const n = Number(/Feature Count: (\d+)/.exec(result.stdout)?.[1]);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeGreaterThanOrEqual(before);
    expect(n).toBeLessThanOrEqual(after);
    // GDAL 3.6 writes the date as '2000-01-01T'; the server reads it as the date.
    const filtered = urls.find((u) => u.pathname.endsWith('/collections/incidents/items') && u.searchParams.has('filter'));
    expect(filtered?.searchParams.get('filter')).toBe("first_reported_at >= '2000-01-01T'");
    expect(filtered?.searchParams.get('filter-lang')).toBe('cql-text');
  }, 60_000);
});

describe('OWSLib', () => {
  it('reads the API definition, the collections, the queryables and a queryable parameter', async () => {
    const police = await count("poi WHERE category = 'police'");
    const got = await python('owslib_api.py', { url: root, collection: 'poi', queryable: ['category', 'police'] });
    expect(got.openapi).toMatch(/^3\.0\./);
    expect(got.paths).toEqual(
      expect.arrayContaining(['/collections', '/collections/{collectionId}/items', '/collections/poi/items']),
    );
    const params = got.itemsParameters as { name: string; in: string; schema: { maximum?: number } }[];
    expect(params.find((p) => p.name === 'limit')?.schema.maximum).toBe(MAX_LIMIT);
    expect(params.filter((p) => ['category', 'name', 'hotline'].includes(p.name)).map((p) => p.in)).toEqual([
      'query',
      'query',
      'query',
    ]);
    expect(got.collections).toEqual(CATALOG.filter((l) => l.public).map((l) => l.id));
    expect(got.queryables).toEqual(['category', 'geometry', 'hotline', 'id', 'name']);
    expect(got.numberMatched).toBe(police);
    expect(got.numberReturned).toBe(Math.min(5, police));
  }, 60_000);
});

describe('PyQGIS 3.22 (OAPIF provider, offscreen)', () => {
  it('adds public layers and counts their features like SQL, paging with the limits of the API definition', async () => {
    const [poi, district] = [await count('poi'), await count('district')];
    const { result, urls } = await requestsDuring(() => python('qgis_layers.py', { url: root, layers: ['poi', 'district'] }));
    expect(result.poi).toMatchObject({ valid: true, featureCount: poi, iterated: poi, crs: 'EPSG:4326' });
    expect(result.district).toMatchObject({ valid: true, featureCount: district, iterated: district });
    expect(urls.some((u) => u.pathname === '/ogc/api')).toBe(true);
    const limits = urls.filter((u) => u.pathname.endsWith('/items')).map((u) => Number(u.searchParams.get('limit')));
    expect(Math.max(...limits)).toBeGreaterThan(10);
  }, 60_000);

  it('adds the non-public incidents layer with the API token as a Basic password, as the token’s owner', async () => {
    const before = await count('incident');
    const { result, urls } = await requestsDuring(() =>
      python('qgis_layers.py', { url: root, layers: ['incidents', 'units'], token, username: planner.username }),
    );
    const after = await count('incident');
    const incidents = result.incidents as { valid: boolean; featureCount: number; iterated: number; fields: string[] };
    expect(incidents.valid).toBe(true);
    expect(incidents.featureCount).toBeGreaterThan(0);
    // Other suites may add incidents meanwhile: QGIS saw one of the counts in between.
    expect(incidents.iterated).toBeGreaterThanOrEqual(before);
    expect(incidents.iterated).toBeLessThanOrEqual(after);
    expect(incidents.fields).toEqual(expect.arrayContaining(['status', 'category', 'priority']));
    // Planners may not read units: QGIS cannot add that layer with the same token.
    expect((result.units as { valid: boolean }).valid).toBe(false);
    const sent = received.filter((r) => r.url.includes('/collections/incidents/items'));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((r) => r.authorization?.startsWith('Basic '))).toBe(true);
    expect(urls.length).toBeGreaterThan(0);
    // Without the token the server gives nothing of the layer.
    const anonymous = await fetch(`${root}/collections/incidents/items?limit=1`);
    expect(anonymous.status).toBe(401);
  }, 60_000);
});
