import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { CameraList } from '../../contracts/media';
import type { FeedSource, IncidentCategory } from '../../contracts/incidents';
import type { PageProblems } from '../support/browser';
import { createScratchDb } from '../support/db';
import { SHOTS, signedInPage, startE2e, WALL_READY, type E2eStack } from '../support/e2e';
import { offset, report, signedHeaders } from '../support/feeds';
import { PixelSample } from './pixels';

/**
 * The wall map decluttered, end to end on a database of its own: five incidents reported at one crossing (one of them
 * fused from two agencies) and six more round a square 1.3 km away arrive through the signed webhooks. At city zoom
 * each group is one disc with its count (1080p and the 4K wall); a click on a disc zooms in, and at street zoom the
 * five at the crossing stand apart, each clickable. The incident detail shows the dispatched units and the timeline
 * without scrolling, the recommended units' drives are drawn on the map with their ETAs, and the camera being played
 * is ringed on the map. Screenshots: test-output/e2e/wall-declutter-*.png.
 */

let scratch: { url: string; drop: () => Promise<void> };
let e2e: E2eStack | undefined;
let desk: { page: Page; problems: PageProblems };

/** A crossing in 南岗区 (红军街 / 西大直街) and a square 1.3 km to its north-east. */
const CROSSING = { lon: 126.6335, lat: 45.7565 };
const SQUARE = offset(CROSSING, 1100, 700);
const FAR = offset(CROSSING, -6000, 3000);
const HOUR = 3_600_000;
/** The wall's priority colours (web/src/wall/look.ts), as a cluster disc is filled. */
const PRIORITY_COLOURS = [
  [198, 40, 40],
  [230, 81, 0],
  [249, 168, 37],
  [92, 127, 163],
  [120, 144, 156],
] as const;

const shot = async (page: Page, name: string) => writeFileSync(path.join(SHOTS, name), await page.screenshot());

async function feed(source: FeedSource, category: IncidentCategory, at: { lon: number; lat: number }, when: Date) {
  const body = JSON.stringify(report(source, category, at, when, { priority: 5, title: `${category} 测试` }).payload);
  const res = await fetch(`${e2e!.gateway.url}/api/feeds/${source}`, {
    method: 'POST',
    headers: signedHeaders(source, body),
    body,
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`feed ${source} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { incidentId: number }).incidentId;
}

/** Moves the wall map and waits until it has drawn and the markers follow the zoom. */
async function view(page: Page, center: { lon: number; lat: number }, zoom: number) {
  await page.evaluate(
    async ([lon, lat, z]) => {
      const map = window.__harbinMap!;
      const idle = map.once('idle');
      map.jumpTo({ center: [lon!, lat!], zoom: z! });
      await idle;
    },
    [center.lon, center.lat, zoom],
  );
  await page.locator(`[data-testid=wall-incident-marks][data-zoom="${zoom.toFixed(2)}"]`).waitFor({ state: 'attached' });
  await page.waitForTimeout(800);
}

interface Mark {
  kind: string;
  id: number | null;
  count: number;
  ids: number[];
  spread: boolean;
  lon: number;
  lat: number;
}
const marks = (page: Page): Promise<Mark[]> =>
  page.locator('[data-testid=wall-incident-marks] li').evaluateAll((els) =>
    els.map((e) => ({
      kind: e.getAttribute('data-kind')!,
      id: e.hasAttribute('data-id') ? Number(e.getAttribute('data-id')) : null,
      count: Number(e.getAttribute('data-count') ?? 1),
      ids: (e.getAttribute('data-ids') ?? '').split(',').filter(Boolean).map(Number),
      spread: e.getAttribute('data-spread') === 'true',
      lon: Number(e.getAttribute('data-lon')),
      lat: Number(e.getAttribute('data-lat')),
    })),
  );

/** Where a map position is on the page. */
const onPage = (page: Page, p: { lon: number; lat: number }) =>
  page.evaluate(
    ([lon, lat]) => {
      const map = window.__harbinMap!;
      const q = map.project([lon!, lat!]);
      const box = map.getCanvas().getBoundingClientRect();
      return { x: box.left + q.x, y: box.top + q.y };
    },
    [p.lon, p.lat],
  );

let crossingIds: number[] = [];
let squareIds: number[] = [];
let fusedId = 0;

beforeAll(async () => {
  scratch = await createScratchDb('wall_declutter_e2e');
  e2e = await startE2e({
    env: { DATABASE_URL: scratch.url, DEMO_UNITS: 'true', MEDIA_WORKERS: '1', MEDIA_IDLE_STOP_MS: '2000' },
    // The SFU listens on 127.0.0.1: Chromium only pairs loopback candidates when told to.
    browser: { args: ['--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required'] },
  });
  desk = await signedInPage(e2e, 'zhihui.wang', { width: 1920, height: 1080 }, WALL_READY);

  // Reports hours apart are separate incidents (fusion joins within 30 minutes), so these stack on one spot.
  const t0 = Date.now() - 100 * HOUR;
  const at = (h: number) => new Date(t0 + h * HOUR);
  const kinds: [FeedSource, IncidentCategory][] = [
    ['110', 'crime'],
    ['110', 'public_order'],
    ['119', 'fire'],
    ['110', 'traffic_crash'],
  ];
  for (const [i, [source, category]] of kinds.entries()) crossingIds.push(await feed(source, category, CROSSING, at(i * 3)));
  // Two agencies about one crash 30 s apart: one fused incident on the same spot.
  fusedId = await feed('110', 'traffic_crash', offset(CROSSING, 5, 0), at(20));
  expect(await feed('120', 'traffic_crash', offset(CROSSING, 10, 5), new Date(t0 + 20 * HOUR + 30_000))).toBe(fusedId);
  crossingIds.push(fusedId);
  for (let i = 0; i < 6; i++) {
    const angle = (i * Math.PI) / 3;
    squareIds.push(
      await feed('110', 'public_order', offset(SQUARE, Math.cos(angle) * 120, Math.sin(angle) * 120), at(40 + i * 3)),
    );
  }
  await feed('119', 'fire', FAR, at(70));
  crossingIds = [...crossingIds].sort((a, b) => a - b);
  squareIds = [...squareIds].sort((a, b) => a - b);
  await desk.page.locator('[data-testid=incident-row]').nth(11).waitFor({ timeout: 60_000 });
}, 400_000);

afterAll(async () => {
  await e2e?.close();
  await scratch?.drop();
});

it('shows each heap of incidents at city zoom as one disc with its count, on 1080p and on the 4K wall', async () => {
  const { page } = desk;
  await view(page, offset(CROSSING, 500, 300), 12);
  const at12 = await marks(page);
  const clusters = at12.filter((m) => m.kind === 'cluster');
  expect(clusters.map((c) => c.ids).sort((a, b) => a.length - b.length)).toEqual([crossingIds, squareIds]);
  expect(clusters.map((c) => c.count).sort()).toEqual([5, 6]);
  expect(at12.filter((m) => m.kind === 'incident')).toHaveLength(1);
  // What a person sees: a disc in a priority colour at the crossing (inside its white ring, above its count).
  const p = await onPage(
    page,
    clusters.find((c) => c.count === 5)!,
  );
  const image = await page.screenshot();
  const disc = new PixelSample(image, { x: p.x - 4, y: p.y - 17, width: 8, height: 4 });
  expect(disc.shareNear(PRIORITY_COLOURS, 60)).toBeGreaterThan(0.5);
  writeFileSync(path.join(SHOTS, 'wall-declutter-1-clusters-1080p.png'), image);

  const wall = await signedInPage(e2e!, 'wall.main', { width: 3840, height: 2160 }, WALL_READY);
  try {
    await wall.page.locator('[data-testid=incident-row]').nth(11).waitFor({ timeout: 60_000 });
    // Markers twice the size on the wall: at zoom 12 both heaps are one disc, at 13 each its own.
    await view(wall.page, offset(CROSSING, 500, 300), 12);
    expect((await marks(wall.page)).filter((m) => m.kind === 'cluster').map((c) => c.count)).toEqual([11]);
    await view(wall.page, offset(CROSSING, 500, 300), 13);
    const big = (await marks(wall.page)).filter((m) => m.kind === 'cluster');
    expect(big.map((c) => c.count).sort()).toEqual([5, 6]);
    await wall.page.waitForTimeout(1500);
    await shot(wall.page, 'wall-declutter-2-clusters-4k.png');
    expect(wall.problems.errors).toEqual([]);
  } finally {
    await wall.context.close();
  }
}, 240_000);

it('zooms into a disc when clicked, and spreads the incidents stacked on one crossing so each can be picked', async () => {
  const { page } = desk;
  await view(page, offset(CROSSING, 500, 300), 12);
  const disc = (await marks(page)).find((m) => m.kind === 'cluster' && m.count === 5)!;
  const p = await onPage(page, disc);
  await page.mouse.click(p.x, p.y);
  // The five share one spot: they only come apart as single markers, at street zoom.
  await page.locator('[data-testid=wall-incident-marks][data-zoom="15.00"]').waitFor({ state: 'attached', timeout: 60_000 });
  await page.waitForFunction(() => window.__harbinMap?.isMoving() === false);
  const single = (await marks(page)).filter((m) => m.kind === 'incident' && crossingIds.includes(m.id!));
  expect(single.map((m) => m.id).sort((a, b) => a! - b!)).toEqual(crossingIds);
  expect(single.every((m) => m.spread)).toBe(true);
  const points = await Promise.all(single.map((m) => onPage(page, m)));
  for (let a = 0; a < points.length; a++)
    for (let b = a + 1; b < points.length; b++)
      expect(Math.hypot(points[a]!.x - points[b]!.x, points[a]!.y - points[b]!.y)).toBeGreaterThan(60);
  await page.waitForTimeout(800);
  await shot(page, 'wall-declutter-3-spread-1080p.png');

  // Each spread marker is its own incident: a click opens that one.
  const target = single.find((m) => m.id === fusedId)!;
  const q = await onPage(page, target);
  await page.mouse.click(q.x, q.y);
  await page.locator(`[data-testid=incident-detail][data-incident-id="${fusedId}"]`).waitFor({ timeout: 60_000 });
  expect(desk.problems.errors).toEqual([]);
}, 120_000);

it('draws the recommended units’ drives with their ETAs, and keeps dispatched units and the timeline in view', async () => {
  const { page } = desk;
  await page.locator(`[data-testid=incident-row][data-incident-id="${fusedId}"]`).click();
  const detail = page.locator(`[data-testid=incident-detail][data-incident-id="${fusedId}"]`);
  await detail.waitFor();
  const recs = detail.locator('[data-testid=recommendation]');
  await recs.first().waitFor({ timeout: 60_000 });
  const recommended = await recs.evaluateAll((els) =>
    els.map((e) => ({ unit: e.getAttribute('data-unit-id')!, eta: Number(e.getAttribute('data-eta-s')) })),
  );
  const routes = page.locator('[data-testid=wall-routes] li');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=wall-routes] li').length === n, recommended.length, {
    timeout: 60_000,
  });
  const drawn = await routes.evaluateAll((els) =>
    els.map((e) => ({
      unit: e.getAttribute('data-unit-id')!,
      eta: Number(e.getAttribute('data-eta-s')),
      points: Number(e.getAttribute('data-points')),
      end: e.getAttribute('data-end')!.split(',').map(Number),
    })),
  );
  expect(drawn.map((d) => [d.unit, d.eta]).sort()).toEqual(recommended.map((r) => [r.unit, r.eta]).sort());
  for (const d of drawn) {
    // A drive on the roads (more than a straight line), ending at the incident.
    expect(d.points).toBeGreaterThan(2);
    expect(Math.hypot((d.end[0]! - CROSSING.lon) * 70_000, (d.end[1]! - CROSSING.lat) * 111_000)).toBeLessThan(150);
  }
  // Zoomed out so the drives are in view: the selected incident stands beside the disc of the other four on its spot.
  await view(page, CROSSING, 12.5);
  const around = await marks(page);
  expect(around.find((m) => m.kind === 'cluster' && m.ids.includes(crossingIds.find((id) => id !== fusedId)!))?.count).toBe(4);
  expect(around.find((m) => m.id === fusedId)).toMatchObject({ kind: 'incident', spread: true });
  await page.waitForTimeout(1500);
  await shot(page, 'wall-declutter-4-routes-1080p.png');

  // Dispatch the first recommended unit: it and the step show at the top of the detail, without scrolling.
  const first = recommended[0]!.unit;
  await detail.locator(`[data-testid=recommendation][data-unit-id="${first}"]`).click();
  await detail.locator('[data-testid=dispatch-button]').click();
  await detail
    .locator(`[data-testid=detail-assigned] [data-testid=assigned-unit][data-unit-id="${first}"]`)
    .waitFor({ timeout: 60_000 });
  await detail
    .locator('[data-testid=detail-timeline] [data-testid=incident-step][data-state=dispatched]')
    .waitFor({ timeout: 60_000 });
  const inView = await detail.evaluate((root) => {
    const body = root.querySelector('.wall-detail-body')!;
    const bottom = Math.min(body.getBoundingClientRect().bottom, window.innerHeight);
    const below = (sel: string) => root.querySelector(sel)!.getBoundingClientRect().bottom;
    return {
      scrolled: body.scrollTop,
      bottom,
      assigned: below('[data-testid=detail-assigned]'),
      timeline: below('[data-testid=detail-timeline]'),
    };
  });
  expect(inView.scrolled).toBe(0);
  expect(inView.assigned).toBeLessThanOrEqual(inView.bottom);
  expect(inView.timeline).toBeLessThanOrEqual(inView.bottom);
  await expect(detail.locator('[data-testid=detail-assigned]').textContent()).resolves.toMatch(/已派力量（1）/);
  await page.waitForTimeout(1000);
  await shot(page, 'wall-declutter-5-detail-dispatched-1080p.png');
  expect(desk.problems.errors).toEqual([]);
}, 120_000);

it('rings the camera being played on the map', async () => {
  const { page } = desk;
  const detail = page.locator(`[data-testid=incident-detail][data-incident-id="${fusedId}"]`);
  const items = detail.locator('[data-testid=nearest-camera]');
  await items.first().waitFor({ timeout: 60_000 });
  const cameraId = (await items.first().getAttribute('data-camera-id'))!;
  await items.first().locator('[data-testid=open-camera]').click();
  await page.locator(`[data-testid=camera-popup][data-camera-id="${cameraId}"]`).waitFor({ timeout: 60_000 });
  await page.locator(`[data-testid=wall-camera-playing][data-camera-id="${cameraId}"]`).waitFor({ state: 'attached' });

  const list = (await (await page.request.get(`${e2e!.gateway.url}/api/cameras`)).json()) as CameraList;
  const playing = list.cameras.find((c) => c.id === cameraId)!;
  await view(page, playing, 16);
  await page.waitForTimeout(1000);
  const image = await page.screenshot();
  writeFileSync(path.join(SHOTS, 'wall-declutter-6-camera-playing-1080p.png'), image);
  const p = await onPage(page, playing);
  const ring = new PixelSample(image, { x: p.x - 40, y: p.y - 40, width: 80, height: 80 });
  // The yellow ring and the 正在播放 tag round the camera being played.
  expect(ring.shareNear([[255, 214, 0]], 40)).toBeGreaterThan(0.05);

  // Another camera, not playing (the one farthest from it), has no ring.
  const away = (c: { lon: number; lat: number }) => Math.hypot(c.lon - playing.lon, c.lat - playing.lat);
  const other = [...list.cameras].sort((a, b) => away(b) - away(a))[0]!;
  await view(page, other, 16);
  const o = await onPage(page, other);
  const plain = new PixelSample(await page.screenshot(), { x: o.x - 40, y: o.y - 40, width: 80, height: 80 });
  expect(plain.shareNear([[255, 214, 0]], 40)).toBeLessThan(0.01);
  await page.locator('[data-testid=camera-popup] button[aria-label=关闭视频]').click();
  await expect(page.locator('[data-testid=wall-camera-playing]').count()).resolves.toBe(0);
  expect(desk.problems.errors).toEqual([]);
}, 120_000);
