import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { signFeed } from '../../gateway/feeds/signature';
import { runScenario } from '../../scripts/scenario/run';
import { FEED_KEYS } from '../support/feeds';
import type { PageProblems } from '../support/browser';
import { createScratchDb } from '../support/db';
import { SHOTS, signedInPage, startE2e, WALL_READY, type E2eStack } from '../support/e2e';
import { startGateway } from '../support/gateway-process';

/**
 * The command wall end to end on a database of its own (so the queue holds only this scenario): the crash
 * scenario arrives through the real signed webhooks, the operator's desktop wall shows one fused incident with
 * its three agencies' records and reasons, the operator dispatches the recommended units, and the 4K wall
 * display — a second browser, signed in as the wall device — shows the dispatch. Screenshots: test-output/e2e.
 */

let scratch: { url: string; drop: () => Promise<void> };
let e2e: E2eStack | undefined;
let operator: { page: Page; problems: PageProblems };
let display: { page: Page; problems: PageProblems };

const shot = async (page: Page, name: string) => writeFileSync(path.join(SHOTS, name), await page.screenshot());

beforeAll(async () => {
  scratch = await createScratchDb('wall_e2e');
  e2e = await startE2e({ env: { DATABASE_URL: scratch.url, DEMO_UNITS: 'true' } });
  operator = await signedInPage(e2e, 'zhihui.wang', { width: 1600, height: 900 }, WALL_READY);
  display = await signedInPage(e2e, 'wall.main', { width: 3840, height: 2160 }, WALL_READY);
}, 300_000);

afterAll(async () => {
  await e2e?.close();
  await scratch?.drop();
});

it('shows the crash reported by three agencies as one incident, and a dispatch on every wall', async () => {
  const result = await runScenario('crash', { baseUrl: e2e!.gateway.url, mqttUrl: null, speed: 0, seed: 3 });
  expect(result.rejected).toEqual([]);
  const crashIncident = result.acks.find((a) => a.source === 'traffic')!.incidentId;
  expect(result.acks.filter((a) => a.incidentId === crashIncident)).toHaveLength(3);

  // The operator's wall: one queue row for the crash, carrying all three agencies.
  const row = operator.page.locator(`[data-testid=incident-row][data-incident-id="${crashIncident}"]`);
  // Generous timeouts: two walls, one at 4K, render with software WebGL on a shared machine; the delivery
  // latency itself is measured in the benchmark report.
  await row.waitFor({ timeout: 60_000 });
  // The row comes with the first report; the other two join it as their changes reach the page.
  await operator.page.waitForFunction(
    (id) =>
      document
        .querySelector(`[data-testid=incident-row][data-incident-id="${id}"]`)
        ?.getAttribute('data-sources')
        ?.split(',')
        .sort()
        .join(',') === '110,120,traffic',
    crashIncident,
  );
  expect(await operator.page.locator('[data-testid=incident-row]').count()).toBe(2);
  await row.click();
  const detail = operator.page.locator(`[data-testid=incident-detail][data-incident-id="${crashIncident}"]`);
  await detail.waitFor();
  await expect(detail.locator('[data-testid=source-record]').count()).resolves.toBe(3);
  const reasons = await detail.locator('[data-testid=fusion-reason]').allTextContents();
  expect(reasons.filter((r) => /相距 \d+ 米/.test(r))).toHaveLength(2);

  // Recommended units by drive time, with an ETA; dispatch the first of each type.
  const recs = detail.locator('[data-testid=recommendation]');
  await recs.first().waitFor({ timeout: 60_000 });
  expect(Number(await recs.first().getAttribute('data-eta-s'))).toBeGreaterThan(0);
  await shot(operator.page, 'wall-desktop-detail.png');
  const chosen: string[] = [];
  for (const type of ['traffic_police', 'ambulance']) {
    const first = detail.locator(`[data-testid=recommendation][data-unit-type="${type}"]`).first();
    const id = await first.getAttribute('data-unit-id');
    if (id) {
      await first.click();
      chosen.push(id);
    }
  }
  if (!chosen.length) {
    await recs.first().click();
    chosen.push((await recs.first().getAttribute('data-unit-id'))!);
  }
  await detail.locator('[data-testid=dispatch-button]').click();
  await operator.page
    .locator(`[data-testid=incident-row][data-incident-id="${crashIncident}"][data-status=dispatched]`)
    .waitFor({ timeout: 60_000 });

  // The wall display, another browser and another session, sees the dispatch.
  const t0 = Date.now();
  // Generous: a software-rendered 4K page on a machine shared with the other suites (the time is reported below).
  await display.page
    .locator(`[data-testid=incident-row][data-incident-id="${crashIncident}"][data-status=dispatched]`)
    .waitFor({ timeout: 60_000 });
  const seenMs = Date.now() - t0;
  const wallUnits = await display.page.evaluate(() => window.__harbinWall?.units() ?? []);
  for (const id of chosen) expect(wallUnits.find((u) => u.id === id)?.status).toBe('assigned');
  await display.page.waitForTimeout(1500);
  await shot(display.page, 'wall-4k-dispatched.png');
  await shot(operator.page, 'wall-desktop-dispatched.png');
  console.log(`dispatch seen on the second wall ${seenMs} ms after the operator's wall showed it`);

  expect(operator.problems.errors).toEqual([]);
  expect(display.problems.errors).toEqual([]);
}, 240_000);

it('follows a mode switch on every wall: the band, the panels and the layers of the profile', async () => {
  const leader = await fetch(`${e2e!.gateway.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'lingdao.sun', password: 'Lds#Leader-8641' }),
  });
  const cookie = leader.headers
    .getSetCookie()
    .find((c) => c.startsWith('hb_sid='))!
    .split(';')[0]!;
  const res = await fetch(`${e2e!.gateway.url}/api/mode`, {
    method: 'POST',
    // A script calling as the web page does: its own origin, without which a cookie-borne change is refused.
    headers: { 'content-type': 'application/json', cookie, origin: e2e!.gateway.url },
    body: JSON.stringify({ mode: 'emergency', drill: true, reason: '防汛应急演练' }),
  });
  expect(res.status).toBe(200);
  for (const { page } of [operator, display]) {
    await page.locator('[data-testid=wall-mode][data-mode=emergency][data-drill=true]').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid=wall-panel-gauges]').waitFor({ timeout: 60_000 });
    const layers = (await page.locator('[data-testid=wall-map]').getAttribute('data-layers'))!.split(',');
    expect(layers).toEqual(expect.arrayContaining(['incidents', 'units', 'gauges']));
  }
  await shot(operator.page, 'wall-desktop-emergency-drill.png');
}, 240_000);

it('shows operators the rejected deliveries with their reasons', async () => {
  const body = JSON.stringify({ alarmId: 'F-BAD-1', alarmTime: '2026-13-40T99:00:00+08:00' });
  const ts = Math.floor(Date.now() / 1000);
  const bad = await fetch(`${e2e!.gateway.url}/api/feeds/119`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-feed-timestamp': String(ts),
      'x-feed-signature': signFeed(FEED_KEYS.secretOf('119')!, ts, body),
    },
    body,
  });
  expect(bad.status).toBe(400);
  await operator.page.goto(`${e2e!.gateway.url}/#deadletters`);
  const row = operator.page.locator('[data-testid=dead-letter-row][data-source="119"]').first();
  await row.waitFor({ timeout: 60_000 });
  expect(await row.getAttribute('data-code')).toBe('malformed');
  await row.locator('.dead-letter-expand').click();
  await expect(operator.page.locator('[data-testid=dead-letter-payload]').first().textContent()).resolves.toContain('F-BAD-1');
  await shot(operator.page, 'dead-letters.png');
  await operator.page.goto(`${e2e!.gateway.url}/#wall`);
}, 240_000);

it('turns the connection indicator stale within 10 s of losing the gateway and recovers by itself', async () => {
  const port = e2e!.gateway.port;
  await e2e!.gateway.stop('SIGKILL');
  const lost = Date.now();
  await display.page.locator('[data-testid=wall-connection][data-state=stale]').waitFor({ timeout: 60_000 });
  expect(Date.now() - lost).toBeLessThan(10_000);
  await shot(display.page, 'wall-4k-stale.png');
  e2e!.gateway = await startGateway({ DATABASE_URL: scratch.url, IDENTITY_SEED: 'demo', DEMO_UNITS: 'true' }, 240_000, port);
  await display.page.locator('[data-testid=wall-connection][data-state=connected]').waitFor({ timeout: 60_000 });
  // Console errors from the refused reconnection attempts while the gateway was down are expected here.
  display.problems.errors.length = 0;
}, 300_000);
