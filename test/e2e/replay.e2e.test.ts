import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { runScenario } from '../../scripts/scenario/run';
import { openTestDb } from '../support/db';
import { placeUnits } from '../support/feeds';
import { launchBrowser, type PageProblems } from '../support/browser';
import { SHOTS, signedInPage, type E2eStack } from '../support/e2e';
import { testDatabaseUrl } from '../support/env';
import { freePort, startGateway, streamsConnected } from '../support/gateway-process';
import { withSharedMode } from '../support/shared-mode';

/**
 * 复盘 end to end: the crash scenario arrives through the real webhooks and MQTT (units drive to the scene), the
 * leader switches to 应急处置, and then the commander's 4K wall replays that period: before the scenario the queue
 * is empty of it, in the middle the incident is there under 平时管理 with the units' tracks on the map, at the end
 * the mode band shows 应急处置 — all in the violet 复盘 frame, with no action button. Screenshots: test-output/e2e.
 */

let e2e: E2eStack | undefined;
let wall: { page: Page; problems: PageProblems };
let mqttPort = 0;

/** Software WebGL at 4K on a shared machine can take its time over a frame. */
const SLOW = 90_000;
const shot = async (page: Page, name: string) => writeFileSync(path.join(SHOTS, name), await page.screenshot({ timeout: SLOW }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A `datetime-local` value in the browser's time zone (the page runs in Beijing time). */
const localInput = (page: Page, ms: number) =>
  page.evaluate((t) => {
    const d = new Date(t);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }, ms);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  mqttPort = await freePort();
  // Accepted while degraded: the video service may have no media worker on the machine, which replay does not use.
  const gateway = await startGateway(
    { DATABASE_URL: testDatabaseUrl(), IDENTITY_SEED: 'demo', DEMO_UNITS: 'false', MQTT_PORT: String(mqttPort) },
    240_000,
    undefined,
    ['ok', 'degraded'],
  );
  const browser = await launchBrowser().catch(async (err: unknown) => {
    await gateway.stop();
    throw err;
  });
  e2e = {
    gateway,
    browser,
    close: async () => {
      await browser.close();
      await gateway.stop();
    },
  };
  await streamsConnected(e2e.gateway);
  wall = await signedInPage(
    e2e,
    'zhihui.wang',
    { width: 3840, height: 2160 },
    { hash: 'replay', ready: ['[data-testid=replay-page]'] },
  );
}, 300_000);

afterAll(async () => {
  await e2e?.close();
});

/** Moves the scrubber to an instant as a person dragging it would (the input event React listens to). */
async function scrubTo(page: Page, ms: number): Promise<void> {
  await page.locator('[data-testid=replay-scrubber]').evaluate((el, value) => {
    const input = el as HTMLInputElement;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, String(value));
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms);
}

it('replays a scenario period: the incident, the units’ tracks and the mode at the chosen instant, marked 复盘', async () => {
  const page = wall.page;
  const base = e2e!.gateway.url;
  await withSharedMode(async () => {
    try {
      await scenarioAndReplay(page, base);
    } catch (err) {
      await shot(page, 'replay-4k-failure.png').catch(() => undefined);
      throw new Error(`${(err as Error).message}\npage errors: ${wall.problems.errors.join(' | ')}`, { cause: err });
    }
  });
  expect(wall.problems.errors).toEqual([]);
}, 600_000);

async function scenarioAndReplay(page: Page, base: string): Promise<void> {
  const before = Date.now();
  await sleep(1500);

  // Units of each type the crash needs, a few kilometres from the centre, for the scenario to drive to the scene.
  const db = await openTestDb();
  const fleet = [
    { type: 'traffic_police', agency: 'traffic', lon: 126.6, lat: 45.77 },
    { type: 'ambulance', agency: '120', lon: 126.7, lat: 45.74 },
    { type: 'police_car', agency: '110', lon: 126.63, lat: 45.72 },
    { type: 'fire_engine', agency: '119', lon: 126.68, lat: 45.78 },
    { type: 'rescue', agency: 'flood', lon: 126.66, lat: 45.71 },
  ] as const;
  const ids = await placeUnits(db, [...fleet]);
  await db.close();
  const units = fleet.map((u, i) => ({ id: ids[i]!, type: u.type, lon: u.lon, lat: u.lat }));
  const result = await runScenario('mixed', {
    baseUrl: base,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    speed: 0,
    seed: 3,
    start: new Date(Math.floor(Date.now() / 1000) * 1000 - 20 * 60_000),
    units,
  });
  expect(result.rejected).toEqual([]);
  expect(result.failed).toEqual([]);
  expect(result.published).toBeGreaterThan(2);
  const crashIncident = result.acks.find((a) => a.source === 'traffic')!.incidentId;
  await sleep(2000);
  const middle = Date.now();
  await sleep(1500);

  const leader = await signedInPage(e2e!, 'lingdao.sun');
  const switched = await leader.page.request.post(`${base}/api/mode`, {
    data: { mode: 'emergency', drill: false, reason: '复盘演示：事故扩大' },
    headers: { origin: base },
  });
  expect(switched.status()).toBe(200);
  await sleep(1500);
  const after = Date.now();
  await sleep(1000);

  // The replay of the period.
  await page.locator('[data-testid=replay-from]').fill(await localInput(page, before));
  await page.locator('[data-testid=replay-to]').fill(await localInput(page, after));
  await shot(page, 'replay-4k-form.png');
  // Software WebGL at 4K keeps the page busy: the click is dispatched rather than waiting for a stable frame.
  await page.locator('[data-testid=replay-load]').dispatchEvent('click');
  await page.locator('[data-testid=replay-page][data-ready=true]').waitFor({ timeout: SLOW });
  await page.locator('[data-testid=replay-scrubber]').waitFor();

  // Before the scenario: not yet there, and the mode was 平时管理.
  await scrubTo(page, before + 500);
  await page.locator('[data-testid=replay-page][data-mode=daily]').waitFor({ timeout: SLOW });
  expect(await page.locator(`[data-testid=incident-row][data-incident-id="${crashIncident}"]`).count()).toBe(0);

  // The middle: the crash in the queue and on the map, still 平时管理.
  await scrubTo(page, middle);
  await page.waitForFunction(
    (m) => Math.abs(Date.parse(document.querySelector('[data-testid=replay-page]')!.getAttribute('data-at')!) - m) < 1000,
    middle,
    { timeout: SLOW },
  );
  const shown = (await page.locator('[data-testid=replay-page]').getAttribute('data-incidents'))!.split(',');
  expect({ shown, mode: await page.locator('[data-testid=replay-page]').getAttribute('data-mode') }).toEqual({
    shown: expect.arrayContaining([String(crashIncident)]),
    mode: 'daily',
  });
  await page.locator(`[data-testid=incident-row][data-incident-id="${crashIncident}"]`).waitFor({ timeout: SLOW });
  await expect(page.locator('[data-testid=replay-badge]').textContent()).resolves.toMatch(/复盘/);
  await expect(page.locator('[data-testid=replay-time]').textContent()).resolves.toMatch(/\d{2}:\d{2}:\d{2}/);
  await sleep(2500); // the map draws its tiles and markers
  await shot(page, 'replay-4k-middle.png');

  // The end: the mode band shows the switch.
  await scrubTo(page, after);
  await page.locator('[data-testid=replay-page][data-mode=emergency]').waitFor({ timeout: SLOW });
  await expect(page.locator('[data-testid=wall-mode]').getAttribute('data-mode')).resolves.toBe('emergency');

  // Play from the start at 600×: the clock moves by itself.
  await scrubTo(page, before);
  await page.locator('[data-testid=replay-speed-600]').dispatchEvent('click');
  await page.locator('[data-testid=replay-play]').dispatchEvent('click');
  await page.waitForFunction(
    (start) => Date.parse(document.querySelector('[data-testid=replay-page]')!.getAttribute('data-at')!) > start + 2000,
    before,
    { timeout: SLOW },
  );

  // Read-only: none of the wall's command buttons.
  for (const id of ['mode-switch', 'dispatch-button', 'transition-button'])
    expect(await page.locator(`[data-testid=${id}]`).count()).toBe(0);

  // Back to daily for whoever comes next.
  const back = await leader.page.request.post(`${base}/api/mode`, {
    data: { mode: 'daily', drill: false, reason: '恢复' },
    headers: { origin: base },
  });
  expect(back.status()).toBe(200);
  await leader.context.close();
}
