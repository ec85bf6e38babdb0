import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { PageProblems } from '../support/browser';
import { SHOTS, signedInPage, startE2e, WALL_READY, type E2eStack } from '../support/e2e';

/**
 * Duty end to end, on the demo roster (data/demo/duty.json): the 4K wall's 今日值班 panel names who is on duty in the
 * command centre now; a leader at a 1080p desk sends a notification to the command centre's duty staff, the bell in
 * his header counts it as it arrives over the socket, and he acknowledges it there. Screenshots:
 * test-output/e2e/duty-*.png.
 */

let e2e: E2eStack | undefined;
let wall: { page: Page; problems: PageProblems };
let desk: { page: Page; problems: PageProblems };

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });

/** Opens a page of the app and waits for `ready`, with time for a shared machine (software WebGL at 4K). */
async function open(p: { page: Page }, hash: string, ready: readonly string[]) {
  await p.page.goto(`${e2e!.gateway.url}/#${hash}`, { timeout: 120_000 });
  for (const selector of ready) await p.page.locator(selector).first().waitFor({ timeout: 120_000 });
}

beforeAll(async () => {
  e2e = await startE2e();
  wall = await signedInPage(e2e, 'wall.main', { width: 3840, height: 2160 });
  await open(wall, WALL_READY.hash, WALL_READY.ready);
  desk = await signedInPage(e2e, 'lingdao.sun', { width: 1920, height: 1080 });
  await open(desk, 'duty', ['[data-testid=duty-now]']);
}, 600_000);

afterAll(async () => {
  await e2e?.close();
});

it('the 4K wall shows who is on duty in the command centre now', async () => {
  const panel = wall.page.locator('[data-testid=wall-panel-duty]');
  const centre = panel.locator('[data-department=command-center]');
  await centre.waitFor({ timeout: 60_000 });
  const text = await centre.innerText();
  expect(text).toContain('哈尔滨市城市运行指挥中心');
  expect(text).toContain('带班领导');
  expect(text).toContain('孙领导');
  expect(text).toMatch(/\d{2}:\d{2} 交班/);
  // Readable at 4K: the panel is on screen, not squeezed to nothing.
  const box = (await panel.boundingBox())!;
  expect(box.width).toBeGreaterThan(400);
  expect(box.height).toBeGreaterThan(150);
  await shot(wall.page, 'duty-wall-4k.png');
  writeFileSync(path.join(SHOTS, 'duty-wall-panel.txt'), await panel.innerText());
  expect(wall.problems.errors).toEqual([]);
}, 120_000);

it('a notification to the command centre’s duty staff reaches the leader’s bell live and is acknowledged there', async () => {
  const page = desk.page;
  await page.locator('[data-testid=notify-bell]').waitFor();
  const before = Number(
    (await page
      .locator('[data-testid=notify-bell-count]')
      .textContent({ timeout: 1000 })
      .catch(() => '0')) ?? '0',
  );
  const res = await page.request.post(`${e2e!.gateway.url}/api/notify/notifications`, {
    data: { title: '值班通知：17 时防汛会商', body: '请带班领导准时参加。', departmentIds: ['command-center'], urgent: true },
    headers: { origin: e2e!.gateway.url },
  });
  expect(res.status()).toBe(201);
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid=notify-bell-count]')?.textContent ?? '0') === n + 1,
    before,
    { timeout: 60_000 },
  );
  await page.locator('[data-testid=notify-bell] summary').click();
  const item = page.locator('.notify-item', { hasText: '值班通知：17 时防汛会商' });
  await item.waitFor();
  expect(await item.innerText()).toContain('【紧急】');
  await shot(page, 'duty-bell-1080p.png');
  await item.getByRole('button', { name: '确认收到' }).click();
  await item.getByText('已确认').waitFor();
  // The duty page lists it with its delivery states.
  await page.locator('[data-testid=notify-bell] summary').click();
  await page.locator('[data-testid=duty-notifications]', { hasText: '值班通知：17 时防汛会商' }).waitFor({ timeout: 60_000 });
  await shot(page, 'duty-page-1080p.png');
  expect(desk.problems.errors).toEqual([]);
}, 120_000);
