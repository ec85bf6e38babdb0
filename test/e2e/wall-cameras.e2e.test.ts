import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { CameraList, NearestCamera } from '../../contracts/media';
import { runScenario } from '../../scripts/scenario/run';
import type { PageProblems } from '../support/browser';
import { createScratchDb } from '../support/db';
import { SHOTS, signedInPage, startE2e, WALL_READY, type E2eStack } from '../support/e2e';

/**
 * Cameras on the command wall end to end: the real gateway with one mediasoup worker and simulated cameras (ffmpeg),
 * headless Chromium on the real `#wall` page. The map carries the cameras the commander may list; an incident's
 * detail lists the three cameras nearest it, in the order of GET /api/cameras/nearest; one click plays the camera in
 * the wall's popup over WebRTC (framesDecoded from the browser's getStats). Screenshot: test-output/e2e/wall-camera-*.png.
 */

let scratch: { url: string; drop: () => Promise<void> };
let e2e: E2eStack | undefined;
let page: Page;
let problems: PageProblems;

const shot = async (name: string) => writeFileSync(path.join(SHOTS, name), await page.screenshot());

beforeAll(async () => {
  scratch = await createScratchDb('wall_cameras_e2e');
  e2e = await startE2e({
    env: { DATABASE_URL: scratch.url, DEMO_UNITS: 'false', MEDIA_WORKERS: '1', MEDIA_IDLE_STOP_MS: '2000' },
    // The SFU listens on 127.0.0.1: Chromium only pairs loopback candidates when told to.
    browser: { args: ['--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required'] },
  });
  ({ page, problems } = await signedInPage(e2e, 'zhihui.wang', { width: 1600, height: 900 }, WALL_READY));
}, 300_000);

afterAll(async () => {
  await e2e?.close();
  await scratch?.drop();
});

it('draws the cameras the commander may list on the wall map', async () => {
  const list = (await (await page.request.get(`${e2e!.gateway.url}/api/cameras`)).json()) as CameraList;
  expect(list.cameras.length).toBeGreaterThan(3);
  await page.locator(`[data-testid=wall-map][data-cameras="${list.cameras.length}"]`).waitFor({ timeout: 60_000 });
});

it('lists the three cameras nearest an incident and plays one with a click', async () => {
  const result = await runScenario('crash', { baseUrl: e2e!.gateway.url, mqttUrl: null, speed: 0, seed: 3 });
  expect(result.rejected).toEqual([]);
  const incidentId = result.acks[0]!.incidentId;
  const row = page.locator(`[data-testid=incident-row][data-incident-id="${incidentId}"]`);
  await row.waitFor({ timeout: 60_000 });
  await row.click();
  const detail = page.locator(`[data-testid=incident-detail][data-incident-id="${incidentId}"]`);
  await detail.waitFor();

  // The same three cameras, in the same order, as the API gives for the incident's place.
  const incident = (await (await page.request.get(`${e2e!.gateway.url}/api/incidents/${incidentId}`)).json()) as {
    place: { lon: number; lat: number };
  };
  const near = (await (
    await page.request.get(`${e2e!.gateway.url}/api/cameras/nearest?lon=${incident.place.lon}&lat=${incident.place.lat}&limit=3`)
  ).json()) as { cameras: NearestCamera[] };
  expect(near.cameras).toHaveLength(3);
  const items = detail.locator('[data-testid=nearest-camera]');
  await items.first().waitFor({ timeout: 60_000 });
  await expect(items.evaluateAll((els) => els.map((e) => e.getAttribute('data-camera-id')))).resolves.toEqual(
    near.cameras.map((c) => c.id),
  );
  await expect(items.first().textContent()).resolves.toContain(near.cameras[0]!.name);

  // One click opens the camera in the wall's popup, decoded by Chromium over WebRTC.
  await items.first().locator('[data-testid=open-camera]').click();
  const popup = page.locator(`[data-testid=camera-popup][data-camera-id="${near.cameras[0]!.id}"]`);
  await popup.waitFor({ timeout: 60_000 });
  const deadline = Date.now() + 20_000;
  while (Number(await popup.getAttribute('data-frames-decoded')) === 0) {
    if (Date.now() > deadline) {
      throw new Error(`no frames within 20 s (status ${await popup.getAttribute('data-status')}): ${problems.errors.join('; ')}`);
    }
    await page.waitForTimeout(200);
  }
  expect(Number(await popup.getAttribute('data-frames-decoded'))).toBeGreaterThan(0);
  await expect(popup.locator('[data-testid=camera-popup-status]').textContent()).resolves.toBe('实时');
  await page.waitForTimeout(1500);
  await shot('wall-camera-popup.png');

  // Another of the nearest cameras replaces it; closing the popup ends the view.
  await items.nth(1).locator('[data-testid=open-camera]').click();
  await page.locator(`[data-testid=camera-popup][data-camera-id="${near.cameras[1]!.id}"]`).waitFor({ timeout: 60_000 });
  await page.locator('[data-testid=camera-popup] button[aria-label=关闭视频]').click();
  await expect(page.locator('[data-testid=camera-popup]').count()).resolves.toBe(0);
  expect(problems.errors).toEqual([]);
});

it('opens a camera clicked on the wall map', async () => {
  const list = (await (await page.request.get(`${e2e!.gateway.url}/api/cameras`)).json()) as CameraList;
  // A camera away from the incidents, so the click lands on the camera and not on an incident drawn above it.
  const incidents = await page.evaluate(() => window.__harbinWall?.incidents().map((i) => [i.place.lon, i.place.lat]) ?? []);
  const far = (c: { lon: number; lat: number }) => Math.min(...incidents.map(([x, y]) => Math.hypot(c.lon - x!, c.lat - y!)));
  const camera = [...list.cameras].sort((a, b) => far(b) - far(a))[0]!;
  const point = await page.evaluate(
    async ([lon, lat]) => {
      const map = window.__harbinMap!;
      map.jumpTo({ center: [lon, lat], zoom: 15 });
      await new Promise((r) => map.once('idle', r));
      const p = map.project([lon, lat]);
      const box = map.getCanvas().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    },
    [camera.lon, camera.lat] as const,
  );
  await page.waitForTimeout(500);
  await page.mouse.click(point.x, point.y);
  const popup = page.locator(`[data-testid=camera-popup][data-camera-id="${camera.id}"]`);
  await popup.waitFor({ timeout: 60_000 });
  const deadline = Date.now() + 20_000;
  while (Number(await popup.getAttribute('data-frames-decoded')) === 0) {
    if (Date.now() > deadline) throw new Error(`no frames within 20 s (status ${await popup.getAttribute('data-status')})`);
    await page.waitForTimeout(200);
  }
  await page.waitForTimeout(1000);
  await shot('wall-camera-map-click.png');
  expect(problems.errors).toEqual([]);
});
