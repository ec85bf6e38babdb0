import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Siren, SirenCommandSummary } from '../../contracts/airdefense';
import { ChangeHub } from '../../gateway/changes/hub';
import { changeMode } from '../../gateway/modes/service';
import { SirenSimulator, behaviours } from '../../scripts/scenario/sirens';
import { demoSirenKey } from '../../gateway/airdefense/demo-layout';
import { demoSirenPassword } from '../../gateway/airdefense/registry';
import type { Db } from '../../geo/db/types';
import { launchBrowser } from '../support/browser';
import { openTestDb } from '../support/db';
import { SHOTS, signedInPage, WALL_READY, type E2eStack } from '../support/e2e';
import { testDatabaseUrl } from '../support/env';
import { freePort, startGateway, streamsConnected } from '../support/gateway-process';
import { withSharedMode } from '../support/shared-mode';

/**
 * A civil-air-defence drill end to end: 战时演练 on the 4K wall shows the sirens and the 防空警报 panel; the commander
 * proposes an air-raid drill for all sirens with a reason, the leader confirms it on a desk screen, the demo sirens
 * (the scenario tool's simulator, each on its own MQTT login; some fail, some stay silent) acknowledge, the wall shows
 * the 演练 banner, the signal's timeline, plays the pattern, and the progress with the coverage gaps; then 解除警报
 * the same way, until the command is complete with its results. Screenshots: test-output/e2e/sirens-*.png.
 */
let e2e: E2eStack | undefined;
let db: Db;
let sim: SirenSimulator | null = null;
const SLOW = 90_000;
const shot = async (page: Page, name: string) => writeFileSync(path.join(SHOTS, name), await page.screenshot({ timeout: SLOW }));

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const mqttPort = await freePort();
  const gateway = await startGateway(
    { DATABASE_URL: testDatabaseUrl(), IDENTITY_SEED: 'demo', DEMO_UNITS: 'true', MQTT_PORT: String(mqttPort) },
    300_000,
    undefined,
    ['ok', 'degraded'],
  );
  // The wall plays the drill's signal without a click first.
  const browser = await launchBrowser({ args: ['--autoplay-policy=no-user-gesture-required'] }).catch(async (err: unknown) => {
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
  db = await openTestDb();
  const sirens = await db.query<{ id: string }>('SELECT id FROM siren WHERE demo ORDER BY id');
  const plan = behaviours(
    sirens.map((s) => s.id),
    12,
    15,
  );
  const key = demoSirenKey();
  sim = await SirenSimulator.start({
    brokerUrl: `mqtt://127.0.0.1:${mqttPort}`,
    // A minute of pattern per second: the sirens report done soon after their acknowledgement.
    speed: 60,
    sirens: sirens.map((s) => ({ id: s.id, password: demoSirenPassword(key, s.id), behaviour: plan.get(s.id)! })),
  });
}, 400_000);

afterAll(async () => {
  await sim?.stop();
  await db?.close();
  await e2e?.close();
});

const commandsOf = async (page: Page) =>
  (await (await page.request.get(`${e2e!.gateway.url}/api/airdefense/commands`)).json()) as SirenCommandSummary[];
/** One command as the server lists it (other suites' commands may be listed beside it). */
const commandOf = async (page: Page, id: string) => (await commandsOf(page)).find((c) => c.id === id);
/** Proposes through the wall's form and answers the new command's id, from the gateway's answer to the form. */
async function propose(page: Page, reason: string): Promise<string> {
  await page.locator('[data-testid=siren-reason]').fill(reason);
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/airdefense/commands') && r.request().method() === 'POST');
  await page.locator('[data-testid=siren-submit]').click();
  const res = await answer;
  expect(res.status()).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

it('a drill from proposal to 解除警报: two people, acknowledgements, gaps, banner and sound', async () => {
  await withSharedMode(async () => {
    const hub = new ChangeHub();
    await changeMode(db, hub, { mode: 'wartime', drill: true, reason: '人防演练（浏览器测试）' }, 'e2e');
    try {
      // Software WebGL at 4K on a shared, busy machine: the wall is given minutes, not seconds, to get ready.
      const wall = await signedInPage(e2e!, 'zhihui.wang', { width: 3840, height: 2160 }, { hash: 'wall', ready: [] });
      const desk = await signedInPage(e2e!, 'lingdao.sun', { width: 1920, height: 1080 }, { hash: 'wall', ready: [] });
      for (const p of [wall.page, desk.page]) {
        for (const selector of WALL_READY.ready) await p.locator(selector).waitFor({ timeout: 180_000 });
      }
      const page = wall.page;
      await page.locator('[data-testid=wall-page][data-mode=wartime]').waitFor({ timeout: 60_000 });
      await page.locator('[data-testid=siren-panel]').waitFor({ timeout: 60_000 });
      // However full the receipt clocks and duty list (this database holds every suite's), 防空警报 keeps its third.
      const share = await page.evaluate(
        () =>
          document.querySelector('[data-testid=siren-panel]')!.getBoundingClientRect().height /
          document.querySelector('.wall-side')!.getBoundingClientRect().height,
      );
      expect(share).toBeGreaterThanOrEqual(0.33);
      await page.locator('[data-testid=wall-map][data-layers*=sirens]').waitFor();
      const sirens = (await (await page.request.get(`${e2e!.gateway.url}/api/airdefense/sirens`)).json()) as Siren[];
      await page.waitForFunction(
        (n) => (document.querySelector('[data-testid=siren-counts]')?.textContent ?? '').includes(String(n)),
        sirens.filter((s) => s.state === 'idle').length,
      );
      await shot(page, 'sirens-1-wartime-drill-wall.png');

      // The commander proposes: 空袭警报, all sirens, drill, with a reason.
      await page.locator('[data-testid=siren-signal]').selectOption('air_raid');
      await page.locator('[data-testid=siren-scope]').selectOption('all');
      expect(await page.locator('[data-testid=siren-drill]').isChecked()).toBe(true);
      const raidId = await propose(page, '年度人防演练：空袭警报');
      const pending = page.locator(`[data-testid=siren-command][data-state=pending][data-id="${raidId}"]`);
      await pending.waitFor({ timeout: 90_000 });
      // The proposer has no confirm button; the leader on the desk has.
      expect(await pending.locator('[data-testid=siren-confirm]').count()).toBe(0);
      const deskPending = desk.page.locator(`[data-testid=siren-command][data-state=pending][data-id="${raidId}"]`);
      await deskPending.waitFor({ timeout: 90_000 });
      await shot(desk.page, 'sirens-2-desk-confirm.png');
      await deskPending.locator('[data-testid=siren-confirm]').click();

      // Dispatched: banner, timeline, sound on the wall; acknowledgements arrive.
      await page.locator('[data-testid=drill-banner][data-signal=air_raid]').waitFor({ timeout: 90_000 });
      await page.locator('[data-testid=siren-timeline][data-signal=air_raid]').waitFor();
      await page.locator('[data-testid=siren-panel][data-audio=air_raid]').waitFor({ timeout: 60_000 });
      const raid = await commandOf(page, raidId);
      expect(raid).toMatchObject({ signal: 'air_raid', drill: true, confirmedBy: 'lingdao.sun', proposedBy: 'zhihui.wang' });
      // Faults at once, silent sirens after the acknowledgement limit; then the gaps they leave are shown.
      await page.locator('[data-testid=siren-gaps]').first().waitFor({ timeout: 90_000 });
      await page.waitForFunction(
        (id) =>
          document.querySelector(`[data-testid=siren-command][data-id="${id}"]`)?.getAttribute('data-state') === 'completed',
        raid!.id,
        { timeout: 120_000 },
      );
      await shot(page, 'sirens-3-air-raid-results.png');
      const raidDone = await commandOf(page, raidId);
      expect(raidDone!.counts.failed).toBeGreaterThan(0);
      expect(raidDone!.counts.no_answer).toBeGreaterThan(0);
      expect(raidDone!.counts.completed).toBe(raidDone!.sirenCount - raidDone!.counts.failed - raidDone!.counts.no_answer);

      // 解除警报 the same way.
      await page.locator('[data-testid=siren-signal]').selectOption('all_clear');
      const clearId = await propose(page, '演练结束：解除警报');
      await desk.page
        .locator(`[data-testid=siren-command][data-state=pending][data-id="${clearId}"] [data-testid=siren-confirm]`)
        .click();
      await page.locator('[data-testid=drill-banner][data-signal=all_clear]').waitFor({ timeout: 90_000 });
      await page.locator('[data-testid=siren-timeline][data-signal=all_clear]').waitFor();
      await page.locator('[data-testid=siren-panel][data-audio=all_clear]').waitFor({ timeout: 60_000 });
      const clear = await commandOf(page, clearId);
      expect(clear).toMatchObject({ signal: 'all_clear', drill: true, state: 'dispatched' });
      await page.waitForFunction(
        (id) =>
          document.querySelector(`[data-testid=siren-command][data-id="${id}"]`)?.getAttribute('data-state') === 'completed',
        clear!.id,
        { timeout: 120_000 },
      );
      await shot(page, 'sirens-4-all-clear-wall.png');
      expect(wall.problems.errors).toEqual([]);
    } finally {
      await changeMode(db, new ChangeHub(), { mode: 'daily', drill: false, reason: '演练结束' }, 'e2e');
    }
  });
}, 900_000);
