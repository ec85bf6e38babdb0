import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { loadCameraFile } from '../../media/cameras/catalog';
import type { PageProblems } from '../support/browser';
import { SHOTS, signedInPage, startE2e, type E2eStack } from '../support/e2e';
import { alive, childPids } from '../support/media';

/**
 * The video wall end to end: the real gateway with one mediasoup worker, simulated cameras produced by ffmpeg, and
 * headless Chromium receiving them over WebRTC through the real `#video` page (mediasoup-client). Frames decoded are
 * read from the browser's getStats; a killed worker is replaced and the wall plays again within 10 s; a killed gateway
 * leaves no ffmpeg or worker behind. Screenshots: test-output/e2e/video-*.png.
 */

let e2e: E2eStack | undefined;
let page: Page;
let problems: PageProblems;

const shot = async (name: string) => writeFileSync(path.join(SHOTS, name), await page.screenshot());
const tile = (i: number): Locator => page.locator(`[data-testid=video-tile][data-index="${i}"]`);

/** Resolves once the tile's video has decoded frames (the browser's getStats framesDecoded, as the tile reports it). */
async function framesOn(t: Locator, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frames = Number(await t.getAttribute('data-frames-decoded'));
    if (frames > 0) return frames;
    if (Date.now() > deadline) {
      throw new Error(
        `no frames on tile within ${timeoutMs} ms (status ${await t.getAttribute('data-status')}): ${problems.errors.join('; ')}`,
      );
    }
    await page.waitForTimeout(200);
  }
}

beforeAll(async () => {
  e2e = await startE2e({
    env: { DEMO_UNITS: 'false', MEDIA_WORKERS: '1', MEDIA_IDLE_STOP_MS: '2000' },
    // The SFU listens on 127.0.0.1 here: Chromium only pairs loopback candidates when told to.
    browser: { args: ['--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required'] },
  });
  ({ page, problems } = await signedInPage(e2e, 'zhihui.wang', { width: 1600, height: 900 }));
}, 300_000);

afterAll(() => e2e?.close());

it('reports a media worker in /api/health', async () => {
  const health = (await (await fetch(`${e2e!.gateway.url}/api/health`)).json()) as { media?: { workers: number } };
  expect(health.media?.workers).toBeGreaterThanOrEqual(1);
});

it('plays a simulated camera dragged onto the wall, decoded by Chromium over WebRTC', async () => {
  await page.goto(`${e2e!.gateway.url}/#video`);
  await page.locator('[data-testid=video-page][data-ready=true]').waitFor({ timeout: 60_000 });
  // The daily mode's preset: its layout and cameras.
  await page.locator('[data-testid=preset-daily]').click();
  const daily = loadCameraFile().presets.daily!;
  await expect(page.locator('[data-testid=video-grid]').getAttribute('data-layout')).resolves.toBe(String(daily.layout));
  await expect(
    page.locator('[data-testid=video-tile]').evaluateAll((els) => els.map((e) => e.getAttribute('data-camera-id'))),
  ).resolves.toEqual(daily.cameras);
  await page.locator('[data-testid=layout-4]').click();
  // Clear the mode's preset, then drag two cameras onto the first tiles.
  for (let i = 0; i < 4; i++) {
    const remove = tile(i).locator('button[title=移除]');
    if (await remove.count()) await remove.click();
  }
  await page.locator('[data-testid=camera-item][data-camera-id=flood-monument]').dragTo(tile(0));
  await page.locator('[data-testid=camera-item][data-camera-id=songhua-highway-bridge]').dragTo(tile(1));
  await expect(tile(0).getAttribute('data-camera-id')).resolves.toBe('flood-monument');
  await expect(tile(1).getAttribute('data-camera-id')).resolves.toBe('songhua-highway-bridge');
  // An H.264 camera (the others are VP8).
  await page.locator('[data-testid=camera-item][data-camera-id=harbin-station]').dragTo(tile(2));

  expect(await framesOn(tile(0), 20_000)).toBeGreaterThan(0);
  expect(await framesOn(tile(1), 20_000)).toBeGreaterThan(0);
  expect(await framesOn(tile(2), 20_000)).toBeGreaterThan(0);
  await page.waitForTimeout(1500);
  await expect(tile(0).locator('[data-testid=video-tile-status]').textContent()).resolves.toBe('实时');
  await expect(tile(0).locator('[data-testid=video-tile-stats]').textContent()).resolves.toMatch(/640×360/);
  await shot('video-wall-4.png');

  // One camera full-screen, and back.
  await tile(0).dblclick();
  await expect(tile(1).isVisible()).resolves.toBe(false);
  await page.waitForTimeout(800);
  await shot('video-wall-fullscreen.png');
  await page.keyboard.press('Escape');
  await expect(tile(1).isVisible()).resolves.toBe(true);
  expect(problems.errors).toEqual([]);
});

it('plays again within 10 s after its mediasoup worker is killed', async () => {
  const [workerPid] = childPids(e2e!.gateway.child.pid!, 'mediasoup-worker');
  expect(workerPid).toBeDefined();
  const before = await tile(0).getAttribute('data-view-id');
  const killedAt = Date.now();
  process.kill(workerPid!, 'SIGKILL');
  const deadline = killedAt + 10_000;
  for (;;) {
    const viewId = await tile(0).getAttribute('data-view-id');
    const frames = Number(await tile(0).getAttribute('data-frames-decoded'));
    if (viewId && viewId !== before && frames > 0) break;
    if (Date.now() > deadline)
      throw new Error(`no frames again within 10 s (status ${await tile(0).getAttribute('data-status')})`);
    await page.waitForTimeout(200);
  }
  const recovered = Date.now() - killedAt;
  console.log(`video wall: frames again ${recovered} ms after the worker was killed`);
  expect(recovered).toBeLessThan(10_000);
  expect(childPids(e2e!.gateway.child.pid!, 'mediasoup-worker')).not.toContain(workerPid);
  await framesOn(tile(1), 10_000);
  await shot('video-wall-after-worker-restart.png');
});

it('stops the cameras nobody watches, and leaves no ffmpeg or worker behind when the gateway is killed', async () => {
  const ffmpegs = childPids(e2e!.gateway.child.pid!, 'ffmpeg');
  expect(ffmpegs.length).toBeGreaterThanOrEqual(3);
  // Leaving the page closes the views; the ingest stops after MEDIA_IDLE_STOP_MS.
  await page.goto(`${e2e!.gateway.url}/#wall`);
  const deadline = Date.now() + 10_000;
  while (childPids(e2e!.gateway.child.pid!, 'ffmpeg').length > 0) {
    if (Date.now() > deadline) throw new Error('the unwatched cameras kept running');
    await new Promise((r) => setTimeout(r, 200));
  }
  // Watch again, then shut the gateway down while ffmpeg runs.
  await page.goto(`${e2e!.gateway.url}/#video`);
  await page.locator('[data-testid=video-page][data-ready=true]').waitFor({ timeout: 60_000 });
  await page.locator('[data-testid=camera-item][data-camera-id=jihong-bridge]').click();
  const running = await (async () => {
    for (const end = Date.now() + 15_000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
      const pids = childPids(e2e!.gateway.child.pid!, 'ffmpeg');
      if (pids.length > 0) return pids;
    }
    throw new Error('no camera started');
  })();
  const workers = childPids(e2e!.gateway.child.pid!, 'mediasoup-worker');
  expect(workers.length).toBe(1);
  // Even a gateway killed outright leaves nothing running: its worker exits when its channel closes, and ffmpeg
  // when its RTP is refused.
  await e2e!.gateway.stop('SIGKILL');
  const gone = Date.now() + 5000;
  while ([...running, ...workers].some(alive) && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
  expect([...running, ...workers].filter(alive)).toEqual([]);
});
