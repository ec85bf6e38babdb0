import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Db } from '../../geo/db/types';
import { openPage } from '../support/browser';
import { openTestDb } from '../support/db';
import { demoAccount, SHOTS, startE2e, WALL_READY, type E2eStack, type SignedInPage } from '../support/e2e';
import { freshScene, placeUnits, signedHeaders, report } from '../support/feeds';
import { createAccount, TEST_PASSWORD } from '../support/identity';
import { withSharedMode } from '../support/shared-mode';

/**
 * Switching to real 战时 through the UI: a leader proposes it on the wall, the 4K wall shows the proposal waiting, a
 * second leader confirms it on their screen, and the 4K wall turns to the air-defence layout (the receipt clocks with
 * an order waiting, the standing conference, the 战时 band). Screenshots: test-output/e2e/modes-*.png.
 */

let e2e: E2eStack | undefined;
let db: Db;
const pages: SignedInPage[] = [];
const shot = async (page: Page, name: string) => writeFileSync(path.join(SHOTS, name), await page.screenshot());

beforeAll(async () => {
  e2e = await startE2e();
  db = await openTestDb();
}, 300_000);

afterAll(async () => {
  for (const p of pages) await p.context.close().catch(() => undefined);
  await e2e?.close();
  await db?.close();
});

/**
 * A page of the wall signed in as `username` (a demo account, or one made here with the test password); generous
 * timeouts, as the machine may be busy.
 */
async function wallAs(username: string, password: string, viewport: { width: number; height: number }): Promise<SignedInPage> {
  const opened = await openPage(e2e!.browser, viewport);
  pages.push(opened);
  const res = await opened.page.request.post(`${e2e!.gateway.url}/api/auth/login`, { data: { username, password } });
  expect(res.status()).toBe(200);
  await opened.page.goto(`${e2e!.gateway.url}/#wall`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  for (const s of WALL_READY.ready) await opened.page.locator(s).waitFor({ timeout: 120_000 });
  return opened;
}

/** Puts the mode back to 平时 as a leader would (no second leader needed for that). */
async function backToDaily(cookie: string) {
  const res = await fetch(`${e2e!.gateway.url}/api/mode`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: e2e!.gateway.url },
    body: JSON.stringify({ mode: 'daily', reason: '演示结束，恢复平时' }),
  });
  expect(res.status).toBe(200);
}

it('proposes real 战时, a second leader confirms it, and the 4K wall shows the air-defence layout', async () => {
  const url = e2e!.gateway.url;
  await withSharedMode(async () => {
    const wall = await wallAs('wall.main', demoAccount('wall.main').password, { width: 3840, height: 2160 });
    const leaderA = await wallAs('lingdao.sun', demoAccount('lingdao.sun').password, { width: 1920, height: 1080 });
    const second = await createAccount(db, { role: 'leader', departmentId: 'command-center', prefix: 'fuzong' });
    const leaderB = await wallAs(second.username, TEST_PASSWORD, { width: 1920, height: 1080 });
    const leaderCookie = (await leaderA.context.cookies()).find((c) => c.name === 'hb_sid')!;
    const cookie = `hb_sid=${leaderCookie.value}`;
    try {
      await backToDaily(cookie);
      await wall.page.locator('[data-testid=wall-mode][data-mode=daily]').waitFor({ timeout: 90_000 });

      // An order waiting for its receipt: a police car sent to a fresh 110 incident.
      const scene = freshScene();
      const r = report('110', 'traffic_crash', scene, new Date());
      const body = JSON.stringify(r.payload);
      const fed = await fetch(`${url}/api/feeds/110`, { method: 'POST', headers: signedHeaders('110', body), body });
      expect(fed.status).toBe(201);
      const { incidentId } = (await fed.json()) as { incidentId: number };
      const [unitId] = await placeUnits(db, [{ type: 'police_car', agency: '110', lon: scene.lon + 0.002, lat: scene.lat }]);
      const commander = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(demoAccount('zhihui.wang')),
      });
      const cmdCookie = commander.headers
        .getSetCookie()
        .find((c) => c.startsWith('hb_sid='))!
        .split(';')[0]!;
      const sent = await fetch(`${url}/api/incidents/${incidentId}/dispatch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: cmdCookie, origin: url },
        body: JSON.stringify({ unitIds: [unitId] }),
      });
      expect(sent.status).toBe(200);

      // Leader A proposes 战时 (not a drill), as the mode band's dialog sends it.
      const proposed = await fetch(`${url}/api/mode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, origin: url },
        body: JSON.stringify({ mode: 'wartime', drill: false, reason: '上级命令：本市转入战时状态' }),
      });
      expect(proposed.status).toBe(202);
      const { proposal } = (await proposed.json()) as { proposal: { id: string } };

      // Every wall shows the proposal waiting; the proposer cannot confirm it, only withdraw it.
      await wall.page.locator('[data-testid=mode-proposal]').waitFor({ timeout: 90_000 });
      expect(await wall.page.locator('[data-testid=wall-mode]').getAttribute('data-mode')).toBe('daily');
      expect(await wall.page.locator('[data-testid=mode-proposal]').textContent()).toContain('上级命令：本市转入战时状态');
      expect(await wall.page.locator('[data-testid=mode-proposal-confirm]').count()).toBe(0);
      // …and the server refuses the proposer's own confirmation.
      const own = await fetch(`${url}/api/mode/proposals/${proposal.id}/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, origin: url },
        body: '{}',
      });
      expect(own.status).toBe(403);
      await shot(wall.page, 'modes-wall-4k-proposal.png');

      // Leader B confirms: every wall switches to 战时 with its layout.
      const confirm = leaderB.page.locator('[data-testid=mode-proposal-confirm]');
      await confirm.waitFor({ state: 'attached', timeout: 180_000 });
      await confirm.evaluate((b: HTMLButtonElement) => b.click());
      await wall.page.locator('[data-testid=wall-mode][data-mode=wartime][data-drill=false]').waitFor({ timeout: 90_000 });
      await wall.page.locator('[data-testid=mode-proposal]').waitFor({ state: 'detached', timeout: 90_000 });
      const panels = (await wall.page.locator('[data-testid=wall-page]').getAttribute('data-panels'))!.split(',');
      expect(panels).toEqual(expect.arrayContaining(['queue', 'kpis', 'receipts']));
      const layers = (await wall.page.locator('[data-testid=wall-map]').getAttribute('data-layers'))!.split(',');
      expect(layers).toEqual(expect.arrayContaining(['incidents', 'units']));
      const receipt = wall.page.locator(`[data-testid=receipt][data-kind=unit]`).first();
      await receipt.waitFor({ timeout: 90_000 });
      expect(Number(await wall.page.locator('[data-testid=receipts-open]').textContent())).toBeGreaterThanOrEqual(1);
      await wall.page.locator('[data-testid=mode-conference]').waitFor({ timeout: 90_000 });
      expect(await wall.page.locator('[data-testid=mode-conference]').textContent()).toContain('市人民防空指挥部常设会商');
      // Let the map settle before the picture.
      await wall.page.waitForTimeout(1500);
      await shot(wall.page, 'modes-wall-4k-wartime.png');
      await shot(leaderB.page, 'modes-desk-wartime-confirmed.png');
      expect(wall.problems.errors).toEqual([]);
    } catch (err) {
      // What the walls showed when it went wrong.
      await shot(wall.page, 'modes-failure-wall.png').catch(() => undefined);
      await shot(leaderA.page, 'modes-failure-proposer.png').catch(() => undefined);
      await shot(leaderB.page, 'modes-failure-leader.png').catch(() => undefined);
      throw new Error(`${String(err)}\nwall: ${wall.problems.errors.join('; ')}`, { cause: err });
    } finally {
      await backToDaily(cookie);
    }
  });
}, 600_000);
