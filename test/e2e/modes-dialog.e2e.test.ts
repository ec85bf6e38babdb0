import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { ModeState } from '../../contracts/incidents';
import { SHOTS, signedInPage, startE2e, WALL_READY, type E2eStack, type SignedInPage } from '../support/e2e';
import { withSharedMode } from '../support/shared-mode';

/**
 * The leader's mode switch dialog on the 1080p wall: focus goes into it and stays there, Esc closes it, a missing
 * reason is named in Chinese beside the field (no browser bubble), the dialog previews what the chosen mode changes
 * (from the profiles of GET /api/mode), and real 战时 says a second leader must confirm and asks once more before
 * anything is sent. A drill switch through the dialog reaches the wall. Screenshots: test-output/e2e/modes-dialog-*.png.
 */

let e2e: E2eStack | undefined;
let leader: SignedInPage;

const shot = async (page: Page, name: string) => writeFileSync(path.join(SHOTS, name), await page.screenshot());
const dialog = (page: Page) => page.locator('[data-testid=mode-switch-dialog]');
/** Where the keyboard focus is: inside the dialog or not, and what it is. */
const focus = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    const box = document.querySelector('[data-testid=mode-switch-dialog]');
    return { inside: !!box && !!el && box.contains(el), tag: el?.tagName ?? '', name: el?.getAttribute('name') ?? '' };
  });

async function modeOf(page: Page): Promise<ModeState> {
  const res = await page.request.get(`${e2e!.gateway.url}/api/mode`);
  return ((await res.json()) as { state: ModeState }).state;
}

beforeAll(async () => {
  e2e = await startE2e();
  leader = await signedInPage(e2e, 'lingdao.sun', { width: 1920, height: 1080 }, WALL_READY);
}, 300_000);

afterAll(async () => {
  await e2e?.close();
});

it('keeps the focus in the dialog, closes on Esc and names a missing reason in Chinese beside the field', async () => {
  const { page } = leader;
  await page.locator('[data-testid=mode-switch]').click();
  await dialog(page).waitFor();
  expect(await focus(page)).toMatchObject({ inside: true, tag: 'SELECT', name: 'mode' });

  // Tab round the dialog more times than it has fields: the focus never leaves it; Shift+Tab from the first goes last.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    expect((await focus(page)).inside).toBe(true);
  }
  await dialog(page).locator('button[aria-label=关闭]').focus();
  await page.keyboard.press('Shift+Tab');
  expect(await focus(page)).toMatchObject({ inside: true, tag: 'BUTTON' });
  expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('mode-switch-submit');

  // No reason: the app's own message beside the field, the field marked, nothing sent, no browser validation.
  const before = await modeOf(page);
  await page.locator('[data-testid=mode-switch-submit]').click();
  const error = page.locator('#mode-switch-reason-error');
  await error.waitFor();
  expect(await error.textContent()).toBe('请填写切换原因');
  const reason = page.locator('[data-testid=mode-switch-reason]');
  expect(await reason.getAttribute('aria-invalid')).toBe('true');
  expect(await reason.getAttribute('aria-describedby')).toBe('mode-switch-reason-error');
  expect(await reason.evaluate((el: HTMLTextAreaElement) => el.validationMessage)).toBe('');
  expect(await focus(page)).toMatchObject({ inside: true, name: 'reason' });
  // Beside the field: just under it, not elsewhere in the dialog.
  const field = (await reason.boundingBox())!;
  const message = (await error.boundingBox())!;
  expect(message.y - (field.y + field.height)).toBeLessThan(24);
  expect(message.y).toBeGreaterThanOrEqual(field.y + field.height - 2);
  await shot(page, 'modes-dialog-1-reason.png');
  await reason.fill('演');
  await expect(error.textContent()).resolves.toBe('切换原因至少 2 个字');
  await reason.fill('演练');
  await error.waitFor({ state: 'detached' });
  expect((await modeOf(page)).seq).toBe(before.seq);

  await page.keyboard.press('Escape');
  await dialog(page).waitFor({ state: 'detached' });
  // Focus is back on the button that opened it.
  expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('mode-switch');
  expect(leader.problems.errors).toEqual([]);
});

it('previews what the chosen mode changes, and asks again before proposing real 战时 to a second leader', async () => {
  const { page } = leader;
  await withSharedMode(async () => {
    const start = await modeOf(page);
    await page.locator('[data-testid=mode-switch]').click();
    await dialog(page).waitFor();
    const mode = page.locator('[data-testid=mode-switch-mode]');

    await mode.selectOption(start.mode === 'emergency' ? 'daily' : 'emergency');
    const preview = page.locator('[data-testid=mode-switch-preview]');
    await preview.waitFor();
    if (start.mode !== 'emergency') {
      await expect(preview.locator('[data-testid=preview-layers]').textContent()).resolves.toContain('水位站');
      await expect(preview.locator('[data-testid=preview-panels]').textContent()).resolves.toContain('命令回执');
      await expect(preview.locator('[data-testid=preview-receipts]').textContent()).resolves.toContain('力量 2 分钟');
      await expect(preview.locator('[data-testid=preview-clocks]').textContent()).resolves.toContain('分钟级响应计时');
    }
    await expect(page.locator('[data-testid=mode-switch-second-leader]').count()).resolves.toBe(0);

    await mode.selectOption('wartime');
    await expect(preview.locator('[data-testid=preview-conference]').textContent()).resolves.toContain('召开常设会商');
    await expect(preview.locator('[data-testid=preview-layers]').textContent()).resolves.toContain('防空警报器');
    await expect(preview.locator('[data-testid=preview-cases]').textContent()).resolves.toContain('非紧急案件暂停计时');
    const second = page.locator('[data-testid=mode-switch-second-leader]');
    await expect(second.textContent()).resolves.toContain('须另一位领导在 10 分钟内确认');
    const submit = page.locator('[data-testid=mode-switch-submit]');
    await expect(submit.textContent()).resolves.toBe('提出切换');
    await page.locator('[data-testid=mode-switch-reason]').fill('空袭预警，拟转入战时指挥');
    await submit.click();
    // Asked once more; nothing proposed yet.
    await expect(page.locator('[data-testid=mode-switch-confirm]').textContent()).resolves.toContain('确认提出转入战时指挥');
    await expect(submit.textContent()).resolves.toBe('确认提出');
    expect((await modeOf(page)).pending ?? null).toBeNull();
    await shot(page, 'modes-dialog-2-wartime-confirm.png');

    // As a drill it needs no second leader and switches at once.
    await page.locator('[data-testid=mode-switch-drill]').check();
    await expect(second.count()).resolves.toBe(0);
    await expect(page.locator('[data-testid=mode-switch-confirm]').count()).resolves.toBe(0);
    await expect(submit.textContent()).resolves.toBe('确认切换');
    await submit.click();
    await dialog(page).waitFor({ state: 'detached', timeout: 60_000 });
    await page.locator('[data-testid=wall-mode][data-mode=wartime][data-drill=true]').waitFor({ timeout: 60_000 });
    await shot(page, 'modes-dialog-3-wartime-drill.png');

    // Back to daily through the dialog: the preview says what goes away.
    await page.locator('[data-testid=mode-switch]').click();
    await dialog(page).waitFor();
    await page.locator('[data-testid=mode-switch-mode]').selectOption('daily');
    await page.locator('[data-testid=mode-switch-drill]').uncheck();
    await expect(preview.locator('[data-testid=preview-layers]').textContent()).resolves.toMatch(/隐藏 .*防空警报器/);
    await expect(preview.locator('[data-testid=preview-conference]').textContent()).resolves.toContain('无常设会商');
    await page.locator('[data-testid=mode-switch-reason]').fill('演练结束，恢复平时');
    await page.locator('[data-testid=mode-switch-submit]').click();
    await page.locator('[data-testid=wall-mode][data-mode=daily][data-drill=false]').waitFor({ timeout: 60_000 });
  });
  expect(leader.problems.errors).toEqual([]);
  // Includes waiting for the shared mode, which another suite may hold for minutes (test/support/shared-mode.ts).
}, 900_000);
