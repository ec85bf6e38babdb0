import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { CATALOG } from '../../geo/catalog/layers';
import { EXPORT_TMP_PREFIX } from '../../gateway/ogc/export';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

const run = promisify(execFile);

let t: IdentityTestApp;
let server: http.Server;
let port: number;
let commander: string;
let scratch: string;

beforeAll(async () => {
  t = await createIdentityTestApp();
  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const c = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
  commander = await login(t.app, c.username, c.password);
  scratch = await mkdtemp(path.join(tmpdir(), 'harbin-gdal-test-'));
}, 120_000);
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(scratch, { recursive: true, force: true });
  await t.close();
});

const exportDirs = async () => (await readdir(tmpdir())).filter((n) => n.startsWith(EXPORT_TMP_PREFIX)).length;
const count = async (sql: string) => Number((await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`))[0]!.n);

/** Reads any response body as bytes (supertest only buffers text types by itself). */
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};
const download = (collection: string, query: Record<string, string>, cookie?: string) => {
  const req = request(t.app).get(`/ogc/collections/${collection}/items`).query(query).buffer(true).parse(binary);
  return cookie ? req.set('Cookie', cookie) : req;
};
const numberMatched = async (collection: string, query: Record<string, string>, cookie?: string) => {
  const req = request(t.app)
    .get(`/ogc/collections/${collection}/items`)
    .query({ ...query, limit: '1' });
  const res = await (cookie ? req.set('Cookie', cookie) : req).expect(200);
  return (res.body as { numberMatched: number }).numberMatched;
};
const exportAudit = async (res: request.Response) =>
  t.db.query<{ outcome: string; username: string | null; detail: string }>(
    `SELECT outcome, username, detail FROM audit_event WHERE action = 'data.export' AND request_id = $1`,
    [String(res.headers['x-request-id'])],
  );

const POLICE = "category = 'police'";

describe('GDAL reads the OGC API as OAPIF', () => {
  it('lists the public collections and counts poi like SQL', async () => {
    const url = `OAPIF:http://127.0.0.1:${port}/ogc`;
    const all = await run('ogrinfo', ['-ro', '-so', url], { timeout: 60_000 });
    const listed = [...all.stdout.matchAll(/^\d+: (\S+)/gm)].map((m) => m[1]);
    expect(listed).toEqual(CATALOG.filter((l) => l.public).map((l) => l.id));
    const poi = await run('ogrinfo', ['-ro', '-so', url, 'poi'], { timeout: 60_000 });
    const featureCount = /Feature Count: (\d+)/.exec(poi.stdout);
    expect(Number(featureCount?.[1])).toBe(await count('poi'));
    expect(poi.stdout).toMatch(/Geometry: Point/);
  }, 120_000);

  it('reads the non-public incidents collection with an API token sent as a header', async () => {
    const issued = await request(t.app).post('/api/auth/tokens').set('Cookie', commander).send({ label: 'GDAL', days: 1 });
    expect(issued.status).toBe(201);
    const url = `OAPIF:http://127.0.0.1:${port}/ogc`;
    const header = ['--config', 'GDAL_HTTP_HEADERS', `Authorization: Bearer ${issued.body.token as string}`];
    const all = await run('ogrinfo', ['-ro', '-so', ...header, url], { timeout: 60_000 });
    const listed = [...all.stdout.matchAll(/^\d+: (\S+)/gm)].map((m) => m[1]);
    expect(listed).toEqual(expect.arrayContaining(['incidents', 'units']));
    const incidents = await run('ogrinfo', ['-ro', '-so', ...header, url, 'incidents'], { timeout: 60_000 });
    expect(Number(/Feature Count: (\d+)/.exec(incidents.stdout)?.[1])).toBe(await count('incident'));
    // Without it, the same client sees only the open base layers.
    const anonymous = await run('ogrinfo', ['-ro', '-so', url], { timeout: 60_000 });
    expect(anonymous.stdout).not.toMatch(/: incidents/);
  }, 120_000);
});

describe('exports', () => {
  let before: number;
  beforeAll(async () => {
    before = await exportDirs();
  });

  it('offers the download formats as alternate links of an items page', async () => {
    const res = await request(t.app).get('/ogc/collections/poi/items').query({ filter: POLICE, limit: '2' }).expect(200);
    const alt = (res.body.links as { rel: string; type: string; href: string }[]).filter((l) => l.rel === 'alternate');
    expect(alt.map((l) => l.type)).toEqual([
      'text/csv; charset=utf-8',
      'application/geopackage+sqlite3',
      'application/vnd.google-earth.kml+xml',
    ]);
    const csv = new URL(alt[0]!.href);
    expect(csv.searchParams.get('f')).toBe('csv');
    expect(csv.searchParams.get('filter')).toBe(POLICE);
    expect(csv.searchParams.has('limit')).toBe(false);
  });

  it('exports a filtered query as CSV with WKT geometry, one row per matched feature, and audits it', async () => {
    const matched = await numberMatched('poi', { filter: POLICE });
    expect(matched).toBeGreaterThan(4);
    const res = await download('poi', { f: 'csv', filter: POLICE }).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="poi-\d{8}T\d{6}Z\.csv"$/);
    const rows = parse((res.body as Buffer).toString('utf8'), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(['WKT', 'id', 'name', 'category', 'hotline']);
    expect(rows).toHaveLength(matched);
    for (const r of rows) {
      expect(r.WKT).toMatch(/^POINT \(126\.\d+ 45\.\d+\)$/);
      expect(r.category).toBe('police');
    }
    const audit = await exportAudit(res);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: 'ok', username: null });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({
      collection: 'poi',
      format: 'csv',
      features: matched,
      filter: POLICE,
    });
  });

  it('honours limit, offset and properties in an export', async () => {
    const res = await download('poi', { f: 'csv', filter: POLICE, limit: '3', offset: '1', properties: 'name' }).expect(200);
    const rows = parse((res.body as Buffer).toString('utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);
    expect(Object.keys(rows[0]!)).toEqual(['WKT', 'id', 'name']);
    // Above the export maximum the limit is capped, as for pages: every poi fits.
    const capped = await download('poi', { f: 'csv', limit: '100001' }).expect(200);
    expect(parse((capped.body as Buffer).toString('utf8'), { columns: true })).toHaveLength(await count('poi'));
  });

  it('exports a GeoPackage that ogrinfo opens with the matched feature count', async () => {
    const matched = await numberMatched('poi', { filter: POLICE });
    const res = await download('poi', { f: 'gpkg', filter: POLICE }).expect(200);
    expect(res.headers['content-type']).toBe('application/geopackage+sqlite3');
    expect(res.headers['content-disposition']).toMatch(/filename="poi-\d{8}T\d{6}Z\.gpkg"/);
    const file = path.join(scratch, 'poi.gpkg');
    await writeFile(file, res.body as Buffer);
    const info = await run('ogrinfo', ['-ro', '-so', '-al', file]);
    expect(info.stdout).toMatch(/Layer name: poi/);
    expect(Number(/Feature Count: (\d+)/.exec(info.stdout)?.[1])).toBe(matched);
    expect(JSON.parse((await exportAudit(res))[0]!.detail)).toMatchObject({ format: 'gpkg', features: matched });
  });

  it('exports KML in WGS 84 with one Placemark per feature', async () => {
    const query = { filter: "category IN ('police', 'fire_station')" };
    const matched = await numberMatched('poi', query);
    const res = await download('poi', { ...query, f: 'kml' }).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.google-earth.kml+xml');
    const kml = (res.body as Buffer).toString('utf8');
    expect(kml.match(/<Placemark/g)).toHaveLength(matched);
    expect(kml).toMatch(/<coordinates>126\.\d+,45\.\d+<\/coordinates>/);
    expect(JSON.parse((await exportAudit(res))[0]!.detail)).toMatchObject({ format: 'kml', features: matched });
  });

  it('audits an explicit f=geojson and keeps the GeoJSON answer', async () => {
    const res = await request(t.app).get('/ogc/collections/poi/items').query({ f: 'geojson', filter: POLICE }).expect(200);
    expect(res.headers['content-type']).toMatch(/application\/geo\+json/);
    expect(JSON.parse((await exportAudit(res))[0]!.detail)).toMatchObject({
      format: 'geojson',
      features: res.body.numberReturned,
    });
    // A plain items request is not an export.
    const plain = await request(t.app).get('/ogc/collections/poi/items').query({ limit: '1' }).expect(200);
    expect(await exportAudit(plain)).toHaveLength(0);
  });

  it('refuses an anonymous export of incidents (401) and audits a commander’s export with the caller', async () => {
    const anon = await download('incidents', { f: 'csv' }).expect(401);
    expect(JSON.parse((anon.body as Buffer).toString('utf8')).error.code).toBe('unauthenticated');
    expect(await exportAudit(anon)).toHaveLength(0);
    const res = await download('incidents', { f: 'csv' }, commander).expect(200);
    const rows = parse((res.body as Buffer).toString('utf8'), { columns: true }) as unknown[];
    expect(rows).toHaveLength(await count('incident'));
    const [row] = await exportAudit(res);
    expect(row!.username).toMatch(/^commander\./);
    expect(JSON.parse(row!.detail)).toMatchObject({ collection: 'incidents', format: 'csv' });
  });

  it('answers 503 without GDAL output when ogr2ogr is missing, and audits the failure', async () => {
    const saved = process.env.PATH;
    process.env.PATH = path.join(scratch, 'no-such-bin');
    let res: request.Response;
    try {
      res = await download('poi', { f: 'gpkg', filter: POLICE });
    } finally {
      process.env.PATH = saved;
    }
    expect(res.status).toBe(503);
    const body = JSON.parse((res.body as Buffer).toString('utf8'));
    expect(body.error.code).toBe('unavailable');
    expect(body.error.message).toMatch(/ogr2ogr/);
    expect(JSON.stringify(body)).not.toMatch(/ENOENT|\s+at\s|ERROR \d/);
    const [row] = await exportAudit(res);
    expect(row!.outcome).toBe('failed');
  });

  it('leaves no export temp dir behind', async () => {
    expect(await exportDirs()).toBe(before);
  });
});
