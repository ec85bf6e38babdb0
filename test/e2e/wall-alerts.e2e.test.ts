import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createScratchDb } from '../support/db';
import { SHOTS, signedInPage, startE2e, WALL_READY, type E2eStack, type SignedInPage } from '../support/e2e';
import { offset, postFeedTo, report } from '../support/feeds';

/**
 * What the wall tells its operators without being asked, on a database of its own.
 * 疑似重复: 110 reports a crash, then a crash 40 m away three minutes later. Fusion never merges one agency's reports,
 * so the second is an incident of its own; the queue flags it "疑似重复 #<first>", its detail says why, and one click
 * folds it into the first.
 * Sound: the wall display's kiosk browser (started with --autoplay-policy=no-user-gesture-required, as the README
 * says) sounds a new top-priority alert with nobody touching it, and the header says in words when it is muted. Screenshots: test-output/e2e/wall-alerts-*.png.
 */

let scratch: { url: string; drop: () => Promise<void> };
let e2e: E2eStack | undefined;
let desk: SignedInPage;
let originalId = 0;
let duplicateId = 0;

/** 西大直街 near 哈工大. */
const PLACE = { lon: 126.6288, lat: 45.7445 };

const shot = async (page: Page, name: string) => writeFileSync(path.join(SHOTS, name), await page.screenshot());
const row = (page: Page, id: number) => page.locator(`[data-testid=incident-row][data-incident-id="${id}"]`);

beforeAll(async () => {
  scratch = await createScratchDb('wall_alerts_e2e');
  // The suite's browser is started as the wall display's kiosk browser is (README).
  e2e = await startE2e({
    env: { DATABASE_URL: scratch.url },
    browser: { args: ['--autoplay-policy=no-user-gesture-required'] },
  });
  desk = await signedInPage(e2e, 'zhihui.wang', { width: 1920, height: 1080 }, WALL_READY);
  const t0 = new Date(Date.now() - 10 * 60_000);
  const crash = (over: object) => ({ priority: 3, title: '西大直街两车追尾', ...over });
  originalId = (await postFeedTo(e2e.gateway.url, '110', report('110', 'traffic_crash', PLACE, t0, crash({})).payload))
    .incidentId;
  duplicateId = (
    await postFeedTo(
      e2e.gateway.url,
      '110',
      report(
        '110',
        'traffic_crash',
        offset(PLACE, 40, 0),
        new Date(t0.getTime() + 3 * 60_000),
        crash({ title: '西大直街追尾事故' }),
      ).payload,
    )
  ).incidentId;
}, 300_000);

afterAll(async () => {
  await e2e?.close();
  await scratch?.drop();
});

it('flags the second report of one agency as 疑似重复 in the queue and folds it into the first in one click', async () => {
  const { page } = desk;
  expect(duplicateId).not.toBe(originalId);
  const chip = row(page, duplicateId).locator('[data-testid=duplicate-chip]');
  await chip.waitFor({ timeout: 60_000 });
  expect(await chip.textContent()).toBe(`疑似重复 #${originalId}`);
  // Only the later one carries the flag.
  expect(await row(page, originalId).locator('[data-testid=duplicate-chip]').count()).toBe(0);
  // The chip stays on the row's first line, readable, not cut off.
  const box = (await chip.boundingBox())!;
  const rowBox = (await row(page, duplicateId).boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(rowBox.x + rowBox.width);

  await row(page, duplicateId).click();
  const notice = page.locator('[data-testid=incident-detail] [data-testid=duplicate-notice]');
  await notice.waitFor();
  expect(await notice.getAttribute('data-original-id')).toBe(String(originalId));
  expect(await notice.textContent()).toContain('同一机构先后上报');
  // The reason on the record says why fusion left it apart, not "nothing to merge nearby".
  const detail = page.locator('[data-testid=incident-detail]');
  expect(await detail.textContent()).toContain('同一机构的报告不自动合并');
  expect(await detail.textContent()).not.toContain('附近无可合并的警情');
  // In view without scrolling on 1080p.
  const merge = notice.locator('[data-testid=duplicate-merge]');
  const mergeBox = (await merge.boundingBox())!;
  expect(mergeBox.y + mergeBox.height).toBeLessThanOrEqual(1080);
  await shot(page, 'wall-alerts-1-duplicate-flagged-1080p.png');

  await merge.click();
  await row(page, duplicateId).waitFor({ state: 'detached', timeout: 60_000 });
  await page.locator(`[data-testid=incident-detail][data-incident-id="${originalId}"]`).waitFor();
  await page.locator('[data-testid=incident-detail]').getByText('共 2 条记录').waitFor();
  await shot(page, 'wall-alerts-2-duplicate-merged-1080p.png');
  expect(desk.problems.errors).toEqual([]);
});

it('sounds a new top-priority alert on the kiosk wall with nobody touching it, and says in words when muted', async () => {
  // Headless Chromium lets every page play audio (and Playwright's own calls count as user activation), so the desk
  // browser's "locked until a click" cannot be shown here; the kiosk wall's unattended sound and the mute can.
  const wall = await signedInPage(e2e!, 'wall.main', { width: 3840, height: 2160 }, WALL_READY);
  const sound = wall.page.locator('[data-testid=wall-sound]');
  await wall.page.locator('[data-testid=wall-sound][data-state=on]').waitFor({ timeout: 60_000 });
  expect(await sound.getAttribute('data-plays')).toBe('0');
  const fire = await postFeedTo(
    e2e!.gateway.url,
    '119',
    report('119', 'fire', offset(PLACE, 3000, 2000), new Date(), { priority: 10, title: '居民楼火灾' }).payload,
  );
  await row(wall.page, fire.incidentId).waitFor({ timeout: 60_000 });
  await wall.page.locator('[data-testid=wall-sound]:not([data-plays="0"])').waitFor({ timeout: 60_000 });
  await shot(wall.page, 'wall-alerts-3-kiosk-sounding-4k.png');
  await sound.click();
  expect(await sound.getAttribute('data-state')).toBe('muted');
  expect(await sound.textContent()).toContain('告警音已关闭');
  await wall.page.locator('.wall-header').screenshot({ path: path.join(SHOTS, 'wall-alerts-4-sound-muted.png') });
  await sound.click();
  expect(await sound.textContent()).toContain('告警音：开');
  expect(wall.problems.errors).toEqual([]);
});
