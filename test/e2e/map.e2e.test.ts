import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { FACILITY_KINDS } from '../../contracts';
import type { Db } from '../../geo/db/types';
import { loadManifest } from '../../geo/import/manifest';
import { FACILITY_LOOK } from '../../web/src/map/facility-kinds';
import { BASEMAP, LABEL_INK_MAX_LUMINANCE, rgb } from '../../web/src/map/palette';
import { openPage, type PageProblems } from '../support/browser';
import { openTestDb } from '../support/db';
import { SHOTS, startE2e, type E2eStack } from '../support/e2e';
import { jumpTo, mapCenterAndZoom, mapRect, overlayRects, settle, unproject, waitForMapIdle } from './map-page';
import { PixelSample } from './pixels';

/**
 * The command-centre map end to end: the built web app served by the real gateway over the imported test
 * PostGIS, in headless Chromium at a command-wall size. Screenshots go to test-output/e2e for review.
 */

/** A street-level view in central 南岗区 (blocks around 红军街 and 西大直街). */
const STREET_VIEW: [number, number] = [126.635, 45.755];
const EMERGENCY_CATEGORIES = [
  ...FACILITY_KINDS.hospital,
  ...FACILITY_KINDS.fire_station,
  ...FACILITY_KINDS.police,
  ...FACILITY_KINDS.shelter,
];

let e2e: E2eStack | undefined;
let db: Db | undefined;
let page: Page;
let problems: PageProblems;

beforeAll(async () => {
  db = await openTestDb();
  e2e = await startE2e();
  // The map needs no sign-in.
  ({ page, problems } = await openPage(e2e.browser, { width: 1600, height: 900 }));
}, 300_000);

afterAll(async () => {
  await e2e?.close();
  await db?.close();
});

async function screenshot(name: string): Promise<Buffer> {
  const image = await page.screenshot();
  writeFileSync(path.join(SHOTS, name), image);
  return image;
}

async function sampleOf(image: Buffer): Promise<PixelSample> {
  return new PixelSample(image, await mapRect(page), await overlayRects(page));
}

async function text(selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent()) ?? '';
}

describe('command-centre map page', () => {
  it('opens on the urban core with the basemap, boundaries, labels and emergency facilities drawn', async () => {
    await page.goto(e2e!.gateway.url);
    expect(await text('h1')).toBe('哈尔滨市城市运行应急指挥与数字城管平台');
    await waitForMapIdle(page);
    // Facility counts appear in the legend once the markers' data has arrived.
    await page.waitForFunction(() => document.querySelectorAll('.layer-panel .layer-count').length === 4);
    await settle(page);
    const sample = await sampleOf(await screenshot('map-overview.png'));

    // The Songhua River and the other water areas, and land between and around the built-up areas.
    expect(sample.shareNear([rgb(BASEMAP.water)])).toBeGreaterThan(0.02);
    const land = [BASEMAP.land, BASEMAP.residential, BASEMAP.commercial, BASEMAP.industrial, BASEMAP.green].map(rgb);
    expect(sample.shareNear(land)).toBeGreaterThan(0.4);
    // Dark label ink: 街道 and district names. With the labels hidden this share is 0: every other colour is lighter.
    expect(sample.shareDarkerThan(LABEL_INK_MAX_LUMINANCE)).toBeGreaterThan(0.0004);
    // deck.gl drew the hospital markers (red discs).
    expect(sample.shareNear([rgb(FACILITY_LOOK.hospital.color)], 30)).toBeGreaterThan(0.0005);

    const attribution = await text('.maplibregl-ctrl-attrib');
    expect(attribution).toContain('© OpenStreetMap contributors');
    expect(attribution).toContain('DataV.GeoAtlas / 高德');
  }, 180_000);

  it('shows the unit grid at street level, and the layer panel switches it off and on', async () => {
    await jumpTo(page, STREET_VIEW, 15);
    await settle(page);
    const withGrid = await screenshot('map-grid.png');
    const codes = await page.evaluate(() => {
      const features = window.__harbinMap?.queryRenderedFeatures({ layers: ['grid-line'] }) ?? [];
      return [...new Set(features.map((f) => String(f.properties.code)))];
    });
    expect(codes.length).toBeGreaterThan(50);
    for (const code of codes) expect(code).toMatch(/^\d{15}$/);

    const gridSwitch = page.getByRole('checkbox', { name: '单元网格' });
    await gridSwitch.uncheck();
    await settle(page);
    const withoutGrid = await page.screenshot();
    const visibility = () => page.evaluate(() => window.__harbinMap?.getLayoutProperty('grid-line', 'visibility'));
    expect(await visibility()).toBe('none');
    // The grid's lines cover a visible share of the street-level map.
    expect((await sampleOf(withGrid)).shareDifferentFrom(withoutGrid)).toBeGreaterThan(0.01);
    await gridSwitch.check();
    expect(await visibility()).toBe('visible');
    await waitForMapIdle(page);
  }, 120_000);

  it('answers a click with the district, 街道, 15-digit grid code and owner of the point, as PostGIS does', async () => {
    const box = await mapRect(page);
    // A point a little off the centre, clear of the facility markers (checked below).
    const at = { x: Math.round(box.width / 2 + 40), y: Math.round(box.height / 2 + 30) };
    const { lon, lat } = await unproject(page, at.x, at.y);
    const [near] = await db!.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM poi WHERE category = ANY($3::text[])
         AND ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, 80)`,
      [lon, lat, EMERGENCY_CATEGORIES],
    );
    expect(near?.n).toBe(0);
    const [truth] = await db!.query<{ district: string; street: string; grid: string }>(
      `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS g)
       SELECT d.name AS district, s.name AS street, c.code AS grid
         FROM p JOIN district d ON ST_Contains(d.geom, p.g)
         JOIN street s ON ST_Contains(s.geom, p.g)
         JOIN grid_cell c ON ST_Contains(c.geom, p.g)`,
      [lon, lat],
    );
    expect(truth).toBeDefined();

    await page.mouse.click(box.x + at.x, box.y + at.y);
    await page.waitForFunction(() => /^\d{15}$/.test(document.querySelector('[data-testid="grid-code"]')?.textContent ?? ''));
    await screenshot('map-popup.png');
    expect(await text('[data-testid="grid-code"]')).toBe(truth!.grid);
    expect(await text('[data-testid="district"]')).toContain(truth!.district);
    expect(await text('[data-testid="street"]')).toContain(truth!.street);
    expect(await text('[data-testid="owner"]')).not.toBe('—');
    expect(truth!.district).toBe('南岗区');
  }, 60_000);

  it('flies to a facility found by the search box, and its marker answers a click', async () => {
    const [station] = await db!.query<{ name: string; lon: number; lat: number }>(
      `SELECT name, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM poi
        WHERE category = 'fire_station' AND name <> '' ORDER BY id LIMIT 1`,
    );
    expect(station).toBeDefined();
    await page.getByRole('searchbox', { name: '地名搜索' }).fill(station!.name);
    const hit = page.locator('.search-results button', { hasText: station!.name }).first();
    await hit.click({ timeout: 60_000 });
    await page.waitForFunction(() => window.__harbinMap?.isMoving() === false && window.__harbinMap.loaded());
    await waitForMapIdle(page);
    const view = await mapCenterAndZoom(page);
    expect(Math.abs(view.lon - station!.lon)).toBeLessThan(2e-4);
    expect(Math.abs(view.lat - station!.lat)).toBeLessThan(2e-4);
    expect(view.zoom).toBeGreaterThan(15);
    await page.waitForFunction(() => /^\d{15}$|—/.test(document.querySelector('[data-testid="grid-code"]')?.textContent ?? ''));
    await screenshot('map-search.png');
    // The search hit is a fire station drawn by deck.gl: the popup names it, and so does a click on its marker.
    expect(await text('.locate-facility strong')).toBe(station!.name);
    await page.locator('.maplibregl-popup-close-button').click();
    await page.waitForSelector('[data-testid="locate-popup"]', { state: 'detached' });
    const box = await mapRect(page);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('.locate-facility strong');
    expect(await text('.locate-facility strong')).toBe(station!.name);
  }, 60_000);

  it('lists every data layer with its source, licence and attribution on the 关于 page', async () => {
    await page.getByRole('button', { name: '关于' }).click();
    await page.waitForSelector('.about-layers tbody tr');
    await screenshot('map-about.png');
    const about = await text('.about');
    expect(about).toContain('© OpenStreetMap contributors');
    expect(about).toContain('DataV.GeoAtlas / 高德');
    expect(about).toContain('ODbL-1.0');
    const layerIds = await page.$$eval('.about-layers tbody tr td:first-child .muted', (els) => els.map((e) => e.textContent));
    for (const entry of loadManifest().layers) expect(layerIds).toContain(entry.layer);
    // Imported vs refused: 16,054 buildings in the file, one refused for its invalid outline.
    expect(about).toContain('已导入');
    expect(about).toContain('因几何无效未导入');
    const building = '[data-testid=about-layer][data-layer=building]';
    expect(await text(`${building} [data-testid=about-imported]`)).toBe('16,053');
    expect(await text(`${building} [data-testid=about-rejected]`)).toBe('1');
    expect(page.url()).toMatch(/#about$/);
    await page.keyboard.press('Escape');
    await page.waitForSelector('.about', { state: 'detached' });
  }, 60_000);

  it('ran without page errors or failed requests', () => {
    expect(problems.errors).toEqual([]);
    expect(problems.failedRequests).toEqual([]);
  });
});
