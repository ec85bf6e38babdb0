import { randomUUID } from 'node:crypto';
import { PRODUCT_NAME } from '../../contracts';
import type { Db } from '../../geo/db/types';
import { DEMO, PHONE, gridPoint, makeJpeg, signedIn, type Session } from '../support/cases-web';
import { openTestDb } from '../support/db';
import { startE2e, type E2eStack } from '../support/e2e';

/**
 * A department handler (chuzhi.chengguan) on a phone, 390×844: the case console is one column without sideways
 * scrolling — the queue, then one case full width, 签收 under the thumb, 反馈 with the camera — and the same
 * console at 1920×1080 keeps its desktop layout (queue beside map and detail). Screenshots:
 * test-output/e2e/cases-phone-*.png.
 */

let e2e: E2eStack | undefined;
let db: Db | undefined;
const sessions: Session[] = [];

beforeAll(async () => {
  e2e = await startE2e();
  db = await openTestDb();
}, 300_000);

afterAll(async () => {
  for (const s of sessions) await s.context.close().catch(() => undefined);
  await e2e?.close();
  await db?.close();
});

const open = async (who: keyof typeof DEMO, options: { phone?: boolean } = {}) => {
  const s = await signedIn(e2e!.browser, e2e!.gateway.url, DEMO[who], options);
  sessions.push(s);
  return s;
};

/** A 井盖 case reported by the inspector and accepted, filed and dispatched (to 城管) by the centre, through the API. */
async function dispatchedCase(description: string): Promise<{ id: number; code: string }> {
  const url = e2e!.gateway.url;
  const spot = await gridPoint(db!, '230103', 57);
  const inspector = await open('inspector');
  const res = await inspector.page.request.post(`${url}/api/cases`, {
    headers: { Origin: url },
    data: { idempotencyKey: randomUUID(), categoryCode: 'BJ0101', description, lon: spot.lon, lat: spot.lat },
  });
  expect(res.status()).toBe(201);
  const c = ((await res.json()) as { case: { id: number; code: string } }).case;
  const dispatcher = await open('dispatcher');
  for (const event of ['accept', 'file', 'dispatch']) {
    const step = await dispatcher.page.request.post(`${url}/api/cases/${c.id}/${event}`, { headers: { Origin: url }, data: {} });
    expect(`${event} ${step.status()}`).toBe(`${event} 200`);
  }
  return c;
}

/** How wide the page can be scrolled, and whether the header hides anything to its right. */
const widths = (s: Session) =>
  s.page.evaluate(() => {
    const header = document.querySelector<HTMLElement>('.cases-page .app-header')!;
    return {
      page: document.scrollingElement!.scrollWidth,
      header: header.scrollWidth,
      headerBox: header.clientWidth,
    };
  });

it('gives a handler on a phone a one-column console: the list, one case full width, 签收 and 反馈 with the camera', async () => {
  const c = await dispatchedCase('人行道上水井盖松动，行人易绊倒');
  const feedbackPhoto = await makeJpeg('phone-feedback.jpg', { r: 40, g: 160, b: 120 });
  const handler = await open('handler', { phone: true });
  const { page } = handler;
  const row = page.locator(`[data-testid=case-row][data-case-id="${c.id}"]`);
  try {
    await page.goto(`${e2e!.gateway.url}/#cases`);
    await page.locator('[data-testid=cases-page][data-ready=true][data-layout=phone]').waitFor({ timeout: 60_000 });
    await row.waitFor({ timeout: 60_000 });
    let w = await widths(handler);
    expect(w.page).toBeLessThanOrEqual(PHONE.width);
    expect(w.header).toBeLessThanOrEqual(w.headerBox);
    // The list fills the width; no map and no second column beside it.
    const rowBox = (await row.boundingBox())!;
    expect(rowBox.width).toBeGreaterThan(PHONE.width - 40);
    expect(await page.locator('.cases-side').count()).toBe(0);
    // 签收 is a large button at the bottom of the row, within the thumb's reach.
    const take = row.locator('[data-testid=quick-take]');
    const takeBox = (await take.boundingBox())!;
    expect(takeBox.height).toBeGreaterThanOrEqual(44);
    expect(takeBox.width).toBeGreaterThanOrEqual(120);
    await row.scrollIntoViewIfNeeded();
    await handler.shot('cases-phone-1-list.png');

    await take.tap();
    await page.waitForFunction(
      (id) => document.querySelector(`[data-testid=case-row][data-case-id="${id}"]`)?.getAttribute('data-state') === 'handling',
      c.id,
      { timeout: 60_000 },
    );
    expect(await page.locator('[data-testid=cases-notice]').textContent()).toContain(`${c.code} 签收完成`);

    // One case, full width, its text in lines (not one character per line), navigation to the spot.
    await row.tap();
    const detail = page.locator(`[data-testid=phone-case] [data-testid=case-detail][data-case-id="${c.id}"]`);
    await detail.waitFor({ timeout: 60_000 });
    await page.waitForFunction(
      () => document.querySelector('[data-testid=case-detail]')?.getAttribute('data-state') === 'handling',
      undefined,
      { timeout: 60_000 },
    );
    expect(await page.locator('[data-testid=case-queue]').count()).toBe(0);
    expect((await detail.boundingBox())!.width).toBeGreaterThan(PHONE.width - 40);
    const desc = page.locator('[data-testid=phone-case] .case-desc');
    const descBox = (await desc.boundingBox())!;
    expect(descBox.width).toBeGreaterThan(250);
    expect(descBox.height).toBeLessThan(80);
    expect(await page.locator('[data-testid=navigate]').getAttribute('href')).toMatch(/^geo:45\.\d+,126\.\d+/);
    w = await widths(handler);
    expect(w.page).toBeLessThanOrEqual(PHONE.width);
    await handler.shot('cases-phone-2-case.png');

    // 反馈 with the camera: the picker asks for the rear camera; the buttons are large.
    const feedback = page.locator('[data-testid=event-feedback]');
    expect((await feedback.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await feedback.tap();
    const camera = page.locator('[data-testid=event-photo-feedback]');
    expect(await camera.getAttribute('capture')).toBe('environment');
    expect(await camera.getAttribute('accept')).toBe('image/*');
    await camera.setInputFiles(feedbackPhoto);
    await page.locator('[data-testid=event-form-feedback] [data-testid=picked-photos][data-count="1"]').waitFor();
    await page.locator('[data-testid=event-note]').fill('已重新固定井盖');
    await page.locator('[data-testid=event-submit]').scrollIntoViewIfNeeded();
    expect((await page.locator('[data-testid=event-submit]').boundingBox())!.height).toBeGreaterThanOrEqual(44);
    expect((await widths(handler)).page).toBeLessThanOrEqual(PHONE.width);
    await handler.shot('cases-phone-3-feedback.png');
    await page.locator('[data-testid=event-submit]').tap();
    await page.waitForFunction(
      () => document.querySelector('[data-testid=case-detail]')?.getAttribute('data-state') === 'fed_back',
      undefined,
      { timeout: 60_000 },
    );
    await page.locator('[data-testid=case-photo][data-stage=feedback]').waitFor({ timeout: 60_000 });
    await handler.shot('cases-phone-4-fed-back.png');

    // Back to the list.
    await page.locator('[data-testid=back-to-queue]').tap();
    await page.locator('[data-testid=case-queue]').waitFor();
    expect((await widths(handler)).page).toBeLessThanOrEqual(PHONE.width);
  } catch (err) {
    await handler.shot('cases-phone-failed.png').catch(() => undefined);
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${handler.problems.errors.join('\n')}`, { cause: err });
  }

  const [saved] = await db!.query<{ state: string; department_id: string }>(
    'SELECT state, department_id FROM city_case WHERE id = $1',
    [c.id],
  );
  expect(saved).toEqual({ state: 'fed_back', department_id: 'urban-mgmt' });
  const steps = await db!.query<{ event: string; actor_name: string }>(
    'SELECT event, actor_name FROM case_step WHERE case_id = $1 ORDER BY id',
    [c.id],
  );
  expect(steps.slice(-2)).toEqual([
    { event: 'take', actor_name: '刘处置（城管）' },
    { event: 'feedback', actor_name: '刘处置（城管）' },
  ]);
  expect(handler.problems.errors).toEqual([]);
}, 300_000);

it('keeps the desktop console at 1920×1080: queue beside the map and the detail, one header row', async () => {
  const c = await dispatchedCase('路口污水井盖破损一角');
  const handler = await open('handler');
  const { page } = handler;
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${e2e!.gateway.url}/#cases`);
  await page.locator('[data-testid=cases-page][data-ready=true][data-layout=desktop]').waitFor({ timeout: 60_000 });
  const row = page.locator(`[data-testid=case-row][data-case-id="${c.id}"]`);
  await row.waitFor({ timeout: 60_000 });
  await row.click();
  await page.locator(`[data-testid=case-detail][data-case-id="${c.id}"]`).waitFor({ timeout: 60_000 });

  expect(await page.locator('.cases-page .app-header h1').textContent()).toBe(PRODUCT_NAME);
  const header = (await page.locator('.cases-page .app-header').boundingBox())!;
  expect(header.height).toBe(56);
  const queue = (await page.locator('.cases-queue').boundingBox())!;
  const side = (await page.locator('.cases-side').boundingBox())!;
  const map = (await page.locator('.cases-side > :first-child').boundingBox())!;
  const detail = (await page.locator('.cases-detail').boundingBox())!;
  // Two columns side by side: the queue about a third (at least 360 px), map over detail on the right.
  expect(queue.x).toBe(0);
  expect(queue.width).toBeGreaterThanOrEqual(360);
  expect(Math.abs(queue.width - 1920 * 0.32)).toBeLessThan(2);
  expect(side.x).toBeCloseTo(queue.x + queue.width, 0);
  expect(side.y).toBe(queue.y);
  expect(map.y).toBeLessThan(detail.y);
  expect(detail.x).toBe(side.x);
  // The queue's one-click buttons keep their console size.
  const take = (await row.locator('[data-testid=quick-take]').boundingBox())!;
  expect(take.height).toBeLessThan(30);
  expect(await page.locator('[data-testid=back-to-queue]').count()).toBe(0);
  const w = await widths(handler);
  expect(w.page).toBeLessThanOrEqual(1920);
  await handler.shot('cases-phone-5-desktop-1920.png');
  expect(handler.problems.errors).toEqual([]);
}, 300_000);
