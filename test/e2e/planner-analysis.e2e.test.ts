import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { IncidentCategory } from '../../contracts/incidents';
import type { PageProblems } from '../support/browser';
import { PLANNER_READY, SHOTS, signedInPage, startE2e, type E2eStack } from '../support/e2e';
import { offset, report, signedHeaders } from '../support/feeds';
import { PixelSample, type Rect } from './pixels';

/**
 * 空间查询与分析, density and time: 48 incidents arrive through the signed 110 webhook, one an hour over two days,
 * around three hot spots in the urban core. The planner draws them as a deck.gl heat map and as hexbins (the map
 * differs from the same view without them), and plays the query result back with the time slider: at every step
 * the count shown is the number of incidents reported within the window ending at the slider time.
 * Screenshots: test-output/e2e.
 */
// Each test drives the map through several redraws and waits for each: on a loaded two-core machine that can take
// more than the default minute.
jest.setTimeout(180_000);

const HOUR = 3_600_000;
/** A past two days of the suite's own database (the incidents' report times). */
const START = Date.parse('2025-03-10T00:00:00Z');
const N = 48;
const SPOTS = [
  { lon: 126.625, lat: 45.762 },
  { lon: 126.66, lat: 45.748 },
  { lon: 126.605, lat: 45.742 },
];
const CATEGORIES: IncidentCategory[] = ['public_order', 'crime', 'traffic_crash'];

let e2e: E2eStack | undefined;
let page: Page;
let problems: PageProblems;
const times: number[] = [];

const shot = async (name: string) => {
  const png = await page.screenshot();
  writeFileSync(path.join(SHOTS, name), png);
  return png;
};

async function mapIdle(): Promise<void> {
  await page.waitForTimeout(300);
  await page.locator('.map[data-map-state=idle]').waitFor({ timeout: 60_000 });
  await page.waitForTimeout(700);
}

/** The map area of a screenshot without its corners (controls, attribution, scale, the live layer switch). */
async function mapArea(): Promise<{ area: Rect; exclude: Rect[] }> {
  const box = (await page.locator('.planner-map').boundingBox())!;
  return {
    area: box,
    exclude: [
      { x: box.x, y: box.y, width: 320, height: 48 },
      { x: box.x, y: box.y + box.height - 48, width: box.width, height: 48 },
      { x: box.x + box.width - 60, y: box.y, width: 60, height: box.height },
    ],
  };
}

/** A seeded generator (mulberry32), so every run draws the same scene. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(7);
/** Roughly normal, in metres (sum of three uniforms). */
const scatter = (sd: number) => (random() + random() + random() - 1.5) * 2 * sd;

async function deliver(i: number): Promise<void> {
  const spot = SPOTS[i % SPOTS.length]!;
  // Scattered around the spot; an hour apart, so fusion (500 m and 30 min) never joins two of them.
  const where = offset(spot, scatter(450), scatter(350));
  const at = new Date(START + i * HOUR + ((i * 7) % 20) * 60_000);
  const r = report('110', CATEGORIES[i % CATEGORIES.length]!, where, at, { title: `规划回放测试警情 ${i + 1}` });
  const body = JSON.stringify(r.payload);
  const res = await fetch(`${e2e!.gateway.url}/api/feeds/110`, { method: 'POST', headers: signedHeaders('110', body), body });
  if (res.status !== 201) throw new Error(`feed answered ${res.status}: ${await res.text()}`);
  times.push(at.getTime());
}

/**
 * Every incident the planner can see, as the server says: other suites share the database, so counts are taken from
 * the API at the moment of the check, not from what this suite delivered.
 */
async function serverIncidents(filter?: string): Promise<{ matched: number; times: number[] }> {
  const q = filter ? `&filter=${encodeURIComponent(filter)}` : '';
  const res = await page.request.get(
    `${e2e!.gateway.url}/ogc/collections/incidents/items?limit=10000&properties=first_reported_at${q}`,
  );
  expect(res.status()).toBe(200);
  const body = (await res.json()) as { numberMatched: number; features: { properties: { first_reported_at: string } }[] };
  return { matched: body.numberMatched, times: body.features.map((f) => Date.parse(f.properties.first_reported_at)) };
}

beforeAll(async () => {
  e2e = await startE2e();
  for (let i = 0; i < N; i++) await deliver(i);
  ({ page, problems } = await signedInPage(e2e, 'guihua.zhou', { width: 1600, height: 900 }, PLANNER_READY));
}, 300_000);

afterAll(async () => {
  if (problems?.errors.length) console.warn(`page problems:\n${problems.errors.join('\n')}`);
  if (page) writeFileSync(path.join(SHOTS, 'planner-analysis-last.png'), await page.screenshot());
  await e2e?.close();
});

it('draws the incidents as a deck.gl heat map and as hexbins, with Chinese legends', async () => {
  await page.getByRole('button', { name: '统计汇总' }).click();
  // The bare view for comparison: without the live incident dots, which the density views hide too.
  await page.locator('[data-testid=live-tiles] input').uncheck();
  await mapIdle();
  const { area, exclude } = await mapArea();
  const bare = await shot('planner-density-bare.png');

  await page.locator('[data-testid=aggregate-collection]').selectOption('incidents');
  await page.locator('[data-testid=aggregate-unit]').selectOption('district');
  await page.locator('[data-testid=aggregate-display]').selectOption('heatmap');
  await page.locator('[data-testid=aggregate-button]').click();
  await page.locator('[data-testid=aggregate-total]').waitFor({ timeout: 60_000 });
  // Sent with the page's cookie and, as the page's own fetch would, its Origin.
  const agg = await page.request.post(`${e2e!.gateway.url}/api/analysis/aggregate`, {
    headers: { Origin: e2e!.gateway.url },
    data: { collection: 'incidents', by: 'district' },
  });
  const assigned = ((await agg.json()) as { assignedPoints: number }).assignedPoints;
  expect(assigned).toBeGreaterThanOrEqual(N);
  // The page asked before this request did; incidents other suites add in between count only in the later answer.
  const pageTotal = Number(await page.locator('[data-testid=aggregate-total]').getAttribute('data-total'));
  expect(pageTotal).toBeGreaterThanOrEqual(N);
  expect(pageTotal).toBeLessThanOrEqual(assigned);
  const points = page.locator('[data-testid=density-points]');
  await points.waitFor({ timeout: 60_000 });
  // Other suites add incidents meanwhile: the page drew at least this suite's, and no more than the server has now.
  const drawn = Number(await points.getAttribute('data-count'));
  expect(drawn).toBeGreaterThanOrEqual(N);
  expect(drawn).toBeLessThanOrEqual(Math.min((await serverIncidents()).matched, 10_000));
  const legend = page.locator('[data-testid=density-legend][data-display=heatmap]');
  expect(await legend.textContent()).toMatch(/热力图：警情密度.*低.*高/);
  // The choropleth's legend is hidden while another display is shown.
  expect(await page.locator('[data-testid=choropleth-legend]').count()).toBe(0);
  await mapIdle();
  const heat = await shot('planner-heatmap.png');
  const heatShare = new PixelSample(heat, area, exclude).shareDifferentFrom(bare);
  expect(heatShare).toBeGreaterThan(0.01);

  // Hexbins are H3 cells counted by the server: the map, its legend and the table are of the same cells.
  await page.locator('[data-testid=aggregate-display]').selectOption('hexagon');
  await page.locator('[data-testid=hexagon-resolution]').selectOption('8');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=aggregate-table]')?.getAttribute('data-unit')?.startsWith('H3 第 8 级') === true,
    undefined,
    { timeout: 60_000 },
  );
  const hexLegend = page.locator('[data-testid=hexagon-legend]');
  await hexLegend.waitFor({ timeout: 60_000 });
  const tableUnit = await page.locator('[data-testid=aggregate-table]').getAttribute('data-unit');
  expect(await hexLegend.getAttribute('data-unit')).toBe(tableUnit);
  expect(await hexLegend.textContent()).toMatch(/六边形分箱：每个H3 第 8 级六边形（每格约 0\.\d\d km²）内警情的数量/);
  expect(await page.locator('[data-testid=aggregate-table-unit]').textContent()).toContain(tableUnit!);
  // Every row of the table is an H3 cell of resolution 8 (15 hex digits starting 88).
  const codes = await page.locator('[data-testid=aggregate-row] td:first-child').allTextContents();
  expect(codes.length).toBeGreaterThan(0);
  for (const c of codes) expect(c).toMatch(/^88[0-9a-f]{13}$/);
  await mapIdle();
  const hex = await shot('planner-hexagon.png');
  const sample = new PixelSample(hex, area, exclude);
  expect(sample.shareDifferentFrom(bare)).toBeGreaterThan(0.02);
  expect(sample.shareDifferentFrom(heat)).toBeGreaterThan(0.01);

  // Back to the choropleth: the density layers are gone.
  await page.locator('[data-testid=aggregate-display]').selectOption('choropleth');
  expect(await page.locator('[data-testid=density-legend]').count()).toBe(0);
  expect(await page.locator('[data-testid=choropleth-legend]').count()).toBe(1);
  expect(problems.errors).toEqual([]);
});

it('plays the incidents back in time: each step shows the incidents of the window ending at the slider time', async () => {
  await page.getByRole('button', { name: '数据查询' }).click();
  await page.locator('[data-testid=catalog-item][data-collection-id=incidents]').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=add-filter]')?.hasAttribute('disabled'));
  // The two days of this suite's incidents (other suites share the database and report over twenty years).
  const from = new Date(START - 60_000).toISOString();
  const to = new Date(START + 3 * 24 * HOUR).toISOString();
  for (const [i, [op, value]] of [
    ['>', from],
    ['<', to],
  ].entries()) {
    await page.locator('[data-testid=add-filter]').click();
    await page.locator('[data-testid=filter-property]').nth(i).selectOption('first_reported_at');
    await page.locator('[data-testid=filter-op]').nth(i).selectOption(op!);
    await page.locator('[data-testid=filter-value]').nth(i).fill(value!);
  }
  await page.locator('[data-testid=query-button]').click();
  const count = page.locator('[data-testid=result-count]');
  await count.waitFor({ timeout: 60_000 });
  const server = await serverIncidents(`first_reported_at > TIMESTAMP('${from}') AND first_reported_at < TIMESTAMP('${to}')`);
  expect(server.matched).toBeGreaterThanOrEqual(N);
  expect(Number(await count.getAttribute('data-count'))).toBe(server.matched);

  await page.locator('[data-testid=timeline-toggle]').check();
  const timeline = page.locator('[data-testid=timeline-incidents]');
  await timeline.waitFor({ timeout: 60_000 });
  const steps = Number(await timeline.getAttribute('data-steps'));
  expect(steps).toBeGreaterThan(10);
  const windowMs = Number(await page.locator('[data-testid=timeline-window]').inputValue());
  expect(windowMs).toBe(6 * HOUR);

  const visible = page.locator('[data-testid=timeline-visible]');
  // The window counts every incident reported in it (this suite's and any other suite's in the same hours).
  const expected = (at: number) => server.times.filter((t) => t > at - windowMs && t <= at).length;
  const seen: number[] = [];
  for (let k = 0; k < 16; k++) {
    const at = Date.parse((await visible.getAttribute('data-at'))!);
    const shown = Number(await visible.getAttribute('data-count'));
    expect(shown).toBe(expected(at));
    seen.push(shown);
    if (k === 0) expect(at).toBe(Math.min(...server.times));
    await page.locator('[data-testid=timeline-step]').click();
    await page.waitForFunction(
      (p) => document.querySelector('[data-testid=timeline-incidents]')?.getAttribute('data-position') === String(p),
      k + 1,
    );
  }
  expect(new Set(seen).size).toBeGreaterThan(1);
  expect(Math.max(...seen)).toBeGreaterThanOrEqual(5);
  const badge = await page.locator('[data-testid=playback-badge]').textContent();
  expect(badge).toContain(`${await visible.getAttribute('data-count')} 条`);
  expect(badge).toContain('前 6 小时');
  await mapIdle();
  await shot('planner-timeline.png');

  // Play at 8 steps a second, then pause: the slider moved on and the count still matches the window.
  await page.locator('[data-testid=timeline-speed]').selectOption('8');
  const before = Number(await timeline.getAttribute('data-position'));
  await page.locator('[data-testid=timeline-play]').click();
  await page.waitForTimeout(1500);
  await page.locator('[data-testid=timeline-play]').click();
  const after = Number(await timeline.getAttribute('data-position'));
  expect(after).toBeGreaterThan(before + 4);
  const at = Date.parse((await visible.getAttribute('data-at'))!);
  expect(Number(await visible.getAttribute('data-count'))).toBe(expected(at));
  await mapIdle();
  await shot('planner-timeline-played.png');
  expect(problems.errors).toEqual([]);
});

it('keeps the live incident tiles fresh: a new incident is re-fetched into the map without a reload', async () => {
  await page.locator('[data-testid=timeline-toggle]').uncheck();
  await page.locator('[data-testid=live-tiles] input').check();
  const live = page.locator('[data-testid=live-tiles]');
  await page.locator('[data-testid=live-tiles][data-subscribed=incidents][data-shown=true]').waitFor({ timeout: 60_000 });
  await mapIdle();
  const liveIds = () =>
    page.evaluate(() => {
      const features = window.__harbinMap!.querySourceFeatures('planner-incidents-live', { sourceLayer: 'incidents' });
      return [...new Set(features.map((f) => Number(f.id)))];
    });
  // The tiles arrive after the layer is switched on; on a loaded machine after the map first reports idle.
  await page
    .waitForFunction(
      (n) =>
        new Set(window.__harbinMap!.querySourceFeatures('planner-incidents-live', { sourceLayer: 'incidents' }).map((f) => f.id))
          .size >= n,
      N,
      { timeout: 60_000 },
    )
    .catch(() => undefined);
  const shownBefore = (await liveIds()).length;
  expect(shownBefore).toBeGreaterThanOrEqual(N);
  const refreshedBefore = Number(await live.getAttribute('data-refreshed'));

  const requested: string[] = [];
  page.on('request', (req) => {
    if (req.url().includes('/tiles/incidents/')) requested.push(new URL(req.url()).pathname);
  });
  const marker = page.url();
  await deliver(N);
  await page.waitForFunction(
    (before) => Number(document.querySelector('[data-testid=live-tiles]')?.getAttribute('data-refreshed')) > before,
    refreshedBefore,
    { timeout: 60_000 },
  );
  await page.waitForFunction(
    (n) =>
      new Set(window.__harbinMap!.querySourceFeatures('planner-incidents-live', { sourceLayer: 'incidents' }).map((f) => f.id))
        .size >= n,
    shownBefore + 1,
    { timeout: 60_000 },
  );
  // Only tiles were fetched again: the page was not reloaded, and tiles that did not change were not asked for.
  expect(page.url()).toBe(marker);
  expect(requested.length).toBeGreaterThan(0);
  expect(requested.length).toBeLessThanOrEqual(4);
  await mapIdle();
  await shot('planner-live-tiles.png');
  expect(problems.errors).toEqual([]);
}, 240_000);
