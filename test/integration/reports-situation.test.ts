import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import request from 'supertest';
import type { FeedAck } from '../../contracts/incidents';
import type { SituationReport } from '../../contracts/reports';
import { writeGaugeReading } from '../../gateway/feeds/gauge-writer';
import { OUTPUT_DIR } from '../support/env';
import { placeUnits, postFeed, report } from '../support/feeds';
import { createAccount, createIdentityTestApp, login, type IdentityTestApp } from '../support/identity';

/**
 * 态势报告: figures counted per unit grid cell and summed to street, district and city; the map image; the PDF with
 * its Chinese text (read back with poppler's pdftotext) and its first page looked at as a picture.
 */
const run = promisify(execFile);
const OUT = path.join(OUTPUT_DIR, 'reports');

let t: IdentityTestApp;
let commander: string;
let handler: string;

/** A street of the unit grid with two cells in it, and a point inside each cell. */
let street: { code: string; district: string; cells: { code: string; lon: number; lat: number }[] };

beforeAll(async () => {
  t = await createIdentityTestApp();
  const c = await createAccount(t.db, { role: 'commander', departmentId: 'command-center' });
  commander = await login(t.app, c.username, c.password);
  const h = await createAccount(t.db, { role: 'handler', departmentId: 'urban-mgmt' });
  handler = await login(t.app, h.username, h.password);
  const rows = await t.db.query<{ code: string; street_code: string; district_adcode: string; lon: number; lat: number }>(
    `SELECT code, street_code, district_adcode, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
       FROM grid_cell WHERE street_code = (SELECT code FROM street WHERE name LIKE '%中央大街%' OR district_adcode = '230102' ORDER BY code LIMIT 1)
      ORDER BY code LIMIT 2`,
  );
  street = {
    code: rows[0]!.street_code,
    district: rows[0]!.district_adcode,
    cells: rows.map((r) => ({ code: r.code, lon: r.lon, lat: r.lat })),
  };
  mkdirSync(OUT, { recursive: true });
}, 120_000);
afterAll(() => t.close());

const situation = async (area: string, cookie = commander): Promise<SituationReport> => {
  const res = await request(t.app).get('/api/reports/situation').query({ area }).set('Cookie', cookie);
  expect(res.status).toBe(200);
  return res.body as SituationReport;
};

/** A GET whose body is kept as the bytes it was (PNG, PDF). */
const getBinary = (url: string, area: string, cookie: string) =>
  request(t.app)
    .get(url)
    .query({ area })
    .set('Cookie', cookie)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });

describe('situation figures', () => {
  it('counts new incidents in their grid cell, street, district and city alike', async () => {
    const [beforeStreet, beforeDistrict, beforeCity] = await Promise.all([
      situation(`street:${street.code}`),
      situation(`district:${street.district}`),
      situation('city'),
    ]);
    const now = Date.now();
    for (const [i, cell] of street.cells.entries()) {
      // Hours apart, so fusion keeps them as two incidents.
      const r = report('110', 'traffic_crash', cell, new Date(now - (1 + 3 * i) * 3_600_000));
      const res = await postFeed(t.app, '110', r.payload);
      expect(res.status).toBe(201);
      expect((res.body as FeedAck).incidentId).toBeGreaterThan(0);
    }
    const [afterStreet, afterDistrict, afterCity] = await Promise.all([
      situation(`street:${street.code}`),
      situation(`district:${street.district}`),
      situation('city'),
    ]);
    expect(afterStreet.totals.incidentsOpen - beforeStreet.totals.incidentsOpen).toBe(2);
    expect(afterStreet.totals.incidents24h - beforeStreet.totals.incidents24h).toBe(2);
    // Other suites run beside this one on the same database and may open incidents elsewhere meanwhile: the district
    // and the city moved by at least these two (exactly two at the street and its cells, where nothing else reports).
    expect(afterDistrict.totals.incidentsOpen - beforeDistrict.totals.incidentsOpen).toBeGreaterThanOrEqual(2);
    expect(afterCity.totals.incidentsOpen - beforeCity.totals.incidentsOpen).toBeGreaterThanOrEqual(2);
    // The street's rows are its grid cells; each of the two cells has its incident.
    for (const cell of street.cells) {
      const row = afterStreet.children.find((c) => c.code === cell.code);
      const was = beforeStreet.children.find((c) => c.code === cell.code)?.figures.incidentsOpen ?? 0;
      expect(row?.kind).toBe('grid');
      expect(row!.figures.incidentsOpen - was).toBe(1);
    }
    // The district's row for the street and the city's row for the district moved by two.
    const streetRow = (s: SituationReport) => s.children.find((c) => c.code === street.code)!.figures.incidentsOpen;
    expect(streetRow(afterDistrict) - streetRow(beforeDistrict)).toBe(2);
    const districtRow = (s: SituationReport) => s.children.find((c) => c.code === street.district)!.figures.incidentsOpen;
    expect(districtRow(afterCity) - districtRow(beforeCity)).toBeGreaterThanOrEqual(2);
    expect(afterStreet.parents.map((p) => p.kind)).toEqual(['city', 'district']);
    expect(afterStreet.incidents.some((i) => i.title.length > 0)).toBe(true);
  });

  it('lists every district of the city as a row, and the rows add up to the city where every item has a district', async () => {
    const openIncidents = async () =>
      Number(
        (
          (await t.db.query<{ open: string }>(
            `SELECT count(*) AS open FROM incident WHERE merged_into IS NULL AND district_code IS NOT NULL
                AND status IN ('new', 'acknowledged', 'dispatched', 'en_route', 'on_scene')`,
          )) as [{ open: string }]
        )[0].open,
      );
    const openCases = async () =>
      Number(
        (
          (await t.db.query<{ cases: string }>(
            `SELECT count(*) AS cases FROM city_case WHERE state NOT IN ('closed', 'rejected', 'voided')`,
          )) as [{ cases: string }]
        )[0].cases,
      );
    // Suites running beside this one may change the counts while the report is read: it lies between the counts read
    // just before and just after it (equal to both when nothing changed).
    const [incidentsBefore, casesBefore] = [await openIncidents(), await openCases()];
    const city = await situation('city');
    const [incidentsAfter, casesAfter] = [await openIncidents(), await openCases()];
    const [{ n }] = (await t.db.query<{ n: string }>('SELECT count(*) AS n FROM district')) as [{ n: string }];
    expect(city.children).toHaveLength(Number(n));
    expect(city.area).toEqual({ kind: 'city', code: null, name: '哈尔滨市' });
    const sum = city.children.reduce((a, c) => a + c.figures.incidentsOpen, 0);
    expect(sum).toBeGreaterThanOrEqual(Math.min(incidentsBefore, incidentsAfter));
    expect(sum).toBeLessThanOrEqual(Math.max(incidentsBefore, incidentsAfter));
    expect(city.totals.casesOpen).toBeGreaterThanOrEqual(Math.min(casesBefore, casesAfter));
    expect(city.totals.casesOpen).toBeLessThanOrEqual(Math.max(casesBefore, casesAfter));
  });

  it('places units and gauges by their position, and counts a gauge over its warning level', async () => {
    const cell = street.cells[0]!;
    const before = await situation(`street:${street.code}`);
    await placeUnits(t.db, [
      { type: 'police_car', agency: '110', lon: cell.lon, lat: cell.lat },
      { type: 'ambulance', agency: '120', lon: cell.lon, lat: cell.lat },
    ]);
    const after = await situation(`street:${street.code}`);
    expect(after.totals.units - before.totals.units).toBe(2);
    expect(after.totals.unitsBusy - before.totals.unitsBusy).toBe(0);

    // 哈尔滨 station (松花江, 道里区): warning level 118.10 m.
    const station = t.state.command.stations.find((s) => s.name === '哈尔滨')!;
    await writeGaugeReading(t.db, t.deps.readiness.changes, t.state.geo.locator, {
      stationId: station.stcd,
      name: station.name,
      river: station.river,
      lon: station.lon,
      lat: station.lat,
      waterLevelM: 118.6,
      rainfallMm: null,
      warningLevelM: station.warningLevelM,
      at: new Date(Date.now() - 1000).toISOString(),
      overWarning: true,
    });
    const city = await situation('city');
    const gauge = city.gauges.find((g) => g.stationId === station.stcd)!;
    expect(gauge).toMatchObject({ name: '哈尔滨', waterLevelM: 118.6, overWarning: true });
    expect(city.totals.gaugesOverWarning).toBeGreaterThanOrEqual(1);
    const [{ adcode }] = (await t.db.query<{ adcode: string }>(
      'SELECT adcode FROM district WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))',
      [station.lon, station.lat],
    )) as [{ adcode: string }];
    expect(city.children.find((c) => c.code === adcode)!.figures.gaugesOverWarning).toBeGreaterThanOrEqual(1);
  });
});

describe('situation answers', () => {
  it('refuses a malformed or unknown area in Chinese, and a role without the right', async () => {
    const bad = await request(t.app).get('/api/reports/situation').query({ area: 'district:abc' }).set('Cookie', commander);
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/area 应为/);
    const unknown = await request(t.app)
      .get('/api/reports/situation')
      .query({ area: 'street:999999999' })
      .set('Cookie', commander);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('未找到街道 999999999');
    expect((await request(t.app).get('/api/reports/situation.pdf').set('Cookie', handler)).status).toBe(403);
    expect((await request(t.app).get('/api/reports/situation.pdf')).status).toBe(401);
  });

  it('draws the area map as a PNG', async () => {
    const res = await getBinary('/api/reports/situation.png', `district:${street.district}`, commander);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    const meta = await sharp(res.body as Buffer).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 1200, 800]);
    writeFileSync(path.join(OUT, 'situation-district-map.png'), res.body as Buffer);
  });

  it('makes the city PDF with its Chinese text, figures and map, and its first page renders', async () => {
    const city = await situation('city');
    const res = await getBinary('/api/reports/situation.pdf', 'city', commander);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = path.join(OUT, 'situation-city.pdf');
    writeFileSync(file, pdf);
    const { stdout: text } = await run('pdftotext', ['-layout', file, '-']);
    expect(text).toContain('哈尔滨');
    expect(text).toContain('城市运行态势报告');
    expect(text).toContain('在办警情');
    // Every district is a row of the table, and the city figures are printed.
    for (const d of city.children) expect(text).toContain(d.name);
    expect(text).toMatch(new RegExp(`在办警情[\\s\\S]*?${city.totals.incidentsOpen}`));
    expect(text).toContain('哈尔滨'); // the gauge table names the station too
    // The map is an embedded image.
    const { stdout: images } = await run('pdfimages', ['-list', file]);
    expect(images.split('\n').filter((l) => /^\s*\d+\s+\d+\s+image/.test(l)).length).toBeGreaterThanOrEqual(1);
    await run('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, path.join(OUT, 'situation-city-page')]);
    const page = await sharp(path.join(OUT, 'situation-city-page-1.png')).stats();
    // Not a blank page: the map and the figures put dark and coloured pixels on it.
    expect(page.channels[0]!.min).toBeLessThan(100);
  });
});
