import { mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import sharp from 'sharp';
import type { Db } from '../../geo/db/types';
import { DEMO, PHONE, gridPoint, makeJpeg, signedIn, type Session } from '../support/cases-web';
import { openTestDb } from '../support/db';
import { startE2e, type E2eStack } from '../support/e2e';

/**
 * The inspector's report form on a phone (390×844, touch) as a person checks it: errors go as soon as their field
 * is right; the category is found by pinyin, initials and everyday words, the last used first; a report the server
 * refuses (a point outside the city) stays in the form with the reason beside the 上报 button, is corrected (also
 * from the 待发箱's 修改) and goes as one case under its key; a 50-megapixel photo of more than 10 MB is shrunk on
 * the phone and keeps its GPS. Screenshots: test-output/e2e/inspector-report-*.png.
 */

let e2e: E2eStack | undefined;
let db: Db | undefined;
let inspector: Session | undefined;

beforeAll(async () => {
  e2e = await startE2e();
  db = await openTestDb();
}, 300_000);

afterAll(async () => {
  await inspector?.context.close().catch(() => undefined);
  await e2e?.close();
  await db?.close();
});

/** A 50-megapixel phone photo (8160 × 6120, stored sideways: EXIF orientation 6) with GPS, over 10 MB. */
async function bigPhoneJpeg(): Promise<string> {
  const dir = path.join(tmpdir(), 'harbin-cases-e2e');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'phone-50mp.jpg');
  await sharp({
    create: {
      width: 8160,
      height: 6120,
      channels: 3,
      background: { r: 110, g: 130, b: 90 },
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 92 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'HarbinTestCam' },
      IFD2: { DateTimeOriginal: '2026:12:01 10:20:00' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '45/1 45/1 3000/100', GPSLongitudeRef: 'E', GPSLongitude: '126/1 38/1 0/1' },
    })
    .toFile(file);
  return file;
}

const box = async (l: Locator) => {
  const b = await l.boundingBox();
  if (!b) throw new Error('element not laid out');
  return b;
};

/** The result sits right above the 上报 button, on screen. */
async function expectBesideSubmit(page: Session['page']): Promise<void> {
  const result = await box(page.locator('[data-testid=report-result]'));
  const button = await box(page.locator('[data-testid=report-submit]'));
  expect(result.y).toBeGreaterThanOrEqual(0);
  expect(button.y + button.height).toBeLessThanOrEqual(PHONE.height);
  expect(result.y + result.height).toBeLessThanOrEqual(button.y + 1);
  expect(button.y - (result.y + result.height)).toBeLessThan(24);
}

it('reports from a phone: live errors, pinyin search, a refused report corrected, a 50-megapixel photo shrunk', async () => {
  try {
    await run();
  } catch (err) {
    await inspector?.shot('inspector-report-failed.png').catch(() => undefined);
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\n${[...(inspector?.problems.errors ?? []), ...(inspector?.problems.failedRequests ?? [])].join('\n')}`,
      { cause: err },
    );
  }
}, 400_000);

async function run(): Promise<void> {
  const spot = await gridPoint(db!, '230103', 43);
  // In Harbin's rectangle (the form's own check passes) but outside the city: the gateway refuses it.
  const outside = { lon: 125.35, lat: 44.05 };
  const photo = await makeJpeg('refused.jpg', { r: 200, g: 90, b: 40 });
  const big = await bigPhoneJpeg();
  expect(statSync(big).size).toBeGreaterThan(10 * 1024 * 1024);

  inspector = await signedIn(e2e!.browser, e2e!.gateway.url, DEMO.inspector, { phone: true, at: outside });
  const { page } = inspector;
  const probe = await page.request.get(`${e2e!.gateway.url}/api/geo/locate?lon=${outside.lon}&lat=${outside.lat}`);
  expect(probe.status()).toBe(422);
  expect(((await probe.json()) as { error: { code: string } }).error.code).toBe('outside_area');
  await page.goto(`${e2e!.gateway.url}/#inspector`);
  await page.locator('[data-testid=inspector-page]').waitFor({ timeout: 60_000 });

  // 1. 上报 on an empty form names every field; each error goes as soon as its field is right.
  await page.locator('[data-testid=report-submit]').tap();
  for (const f of ['photos', 'position', 'category', 'description'])
    await page.locator(`[data-testid=error-${f}]`).waitFor({ timeout: 60_000 });
  expect(await page.locator('[data-testid=report-errors]').textContent()).toContain('还有 4 项');
  await inspector.shot('inspector-report-1-errors.png');
  await page.locator('[data-testid=report-description]').fill('井盖丢了，人行道上一个黑洞');
  await page.locator('[data-testid=error-description]').waitFor({ state: 'detached', timeout: 60_000 });
  expect(await page.locator('[data-testid=error-category]').isVisible()).toBe(true);
  await page.locator('[data-testid=report-photo]').setInputFiles(photo);
  await page.locator('[data-testid=error-photos]').waitFor({ state: 'detached', timeout: 60_000 });
  expect(await page.locator('[data-testid=report-errors]').textContent()).toContain('还有 2 项');

  // 2. The category by pinyin initials, full pinyin and everyday words.
  const options = page.locator('[data-testid=category-option]');
  const optionCodes = () => options.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
  await page.locator('[data-testid=category-search]').tap();
  await page.locator('[data-testid=category-search]').fill('jg');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=category-option]')?.getAttribute('data-code') === 'BJ0101',
  );
  expect((await optionCodes()).slice(0, 3)).toEqual(['BJ0101', 'BJ0102', 'BJ0103']);
  await inspector.shot('inspector-report-2-pinyin.png');
  await page.locator('[data-testid=category-search]').fill('jinggai');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=category-option]').length === 6);
  await page.locator('[data-testid=category-search]').fill('井盖丢了');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=category-option]')?.textContent?.includes('井盖') ?? false,
  );
  const words = await options.evaluateAll((els) => els.slice(0, 6).map((e) => e.querySelector('strong')?.textContent ?? ''));
  expect(words.every((w) => w.endsWith('井盖'))).toBe(true);
  await inspector.shot('inspector-report-3-everyday-words.png');
  await page.locator('[data-testid=category-option][data-code=BJ0102]').tap();
  await page.locator('[data-testid=error-category]').waitFor({ state: 'detached', timeout: 60_000 });
  expect(await page.locator('[data-testid=chosen-category]').textContent()).toContain('污水井盖');

  // 3. The point outside the city: the form passes it, the gateway refuses it; everything stays as typed.
  await page.locator('[data-testid=use-gps]').tap();
  await page.locator('[data-testid=error-position]').waitFor({ state: 'detached', timeout: 60_000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=report-place]')?.textContent?.includes('不在哈尔滨市内'));
  expect(await page.locator('[data-testid=report-errors]').count()).toBe(0);
  await page.locator('[data-testid=report-submit]').tap();
  const refused = page.locator('[data-testid=report-result][data-status=failed]');
  await refused.waitFor({ timeout: 60_000 });
  expect(await refused.textContent()).toContain('位置不在哈尔滨市域内');
  await expectBesideSubmit(page);
  const key = (await refused.getAttribute('data-key'))!;
  expect(key).toMatch(/^[0-9a-f-]{36}$/);
  expect(await page.locator('[data-testid=report-form]').getAttribute('data-fixing')).toBe(key);
  expect(await page.locator('[data-testid=report-description]').inputValue()).toBe('井盖丢了，人行道上一个黑洞');
  expect(await page.locator('[data-testid=chosen-category]').textContent()).toContain('污水井盖');
  // The photo went up before the refusal: it is kept as uploaded, not sent again.
  await page.locator('[data-testid=uploaded-photos][data-count="1"]').waitFor();
  expect(await page.locator('[data-testid=report-submit]').textContent()).toBe('修改后重新上报');
  await inspector.shot('inspector-report-4-refused.png');
  const casesWithKey = async () =>
    Number((await db!.query<{ n: string }>('SELECT count(*) AS n FROM city_case WHERE idempotency_key = $1', [key]))[0]!.n);
  expect(await casesWithKey()).toBe(0);

  // 4. In the 待发箱 the refused report has 修改, which opens it in the form again.
  await page.locator('[data-testid=tab-outbox]').tap();
  const item = page.locator(`[data-testid=outbox-item][data-key="${key}"][data-state=failed]`);
  await item.waitFor();
  expect(await item.textContent()).toContain('位置不在哈尔滨市域内');
  await inspector.shot('inspector-report-5-outbox.png');
  await item.locator('[data-testid=outbox-edit]').tap();
  await page.locator(`[data-testid=report-form][data-fixing="${key}"]`).waitFor();
  expect(await page.locator('[data-testid=report-description]').inputValue()).toBe('井盖丢了，人行道上一个黑洞');
  expect(await page.locator('[data-testid=report-result]').textContent()).toContain('位置不在哈尔滨市域内');

  // 5. The inspector walks to the right place, adds a 50-megapixel photo and sends the correction.
  await inspector.context.setGeolocation({ longitude: spot.lon, latitude: spot.lat, accuracy: 10 });
  await page.locator('[data-testid=use-gps]').tap();
  await page.waitForFunction(
    (grid) => document.querySelector('[data-testid=report-place]')?.textContent?.includes(grid) ?? false,
    spot.gridCode,
    { timeout: 60_000 },
  );
  await page.locator('[data-testid=report-photo]').setInputFiles(big);
  await page.locator('[data-testid=picked-photos][data-count="1"]').waitFor({ timeout: 60_000 });
  const shrunk = await page.evaluate(async () => {
    const img = document.querySelector<HTMLImageElement>('[data-testid=picked-photos] img')!;
    await img.decode();
    return { width: img.naturalWidth, height: img.naturalHeight };
  });
  expect(shrunk.width * shrunk.height).toBeLessThanOrEqual(12_100_000);
  expect(shrunk.height).toBeGreaterThan(shrunk.width);
  await page.locator('[data-testid=report-description]').fill('井盖丢失，人行道上一个黑洞，已放锥桶');
  await page.locator('[data-testid=report-submit]').scrollIntoViewIfNeeded();
  await inspector.shot('inspector-report-6-corrected.png');
  await page.locator('[data-testid=report-submit]').tap();
  const sent = page.locator(`[data-testid=report-result][data-status=sent][data-key="${key}"]`);
  await sent.waitFor({ timeout: 60_000 });
  await expectBesideSubmit(page);
  await page.locator('[data-testid=outbox-count][data-count="0"]').waitFor({ timeout: 60_000 });
  expect(await page.locator('[data-testid=report-form]').getAttribute('data-fixing')).toBe('');
  expect(await page.locator('[data-testid=report-description]').inputValue()).toBe('');
  await inspector.shot('inspector-report-7-sent.png');

  // One case under the key, corrected, with the kept photo and the shrunk one (upright, GPS kept, within limits).
  expect(await casesWithKey()).toBe(1);
  const [c] = await db!.query<{ id: string; code: string; description: string; grid_code: string; category_code: string }>(
    'SELECT id, code, description, grid_code, category_code FROM city_case WHERE idempotency_key = $1',
    [key],
  );
  expect(await sent.textContent()).toContain(c!.code);
  expect(c).toMatchObject({
    description: '井盖丢失，人行道上一个黑洞，已放锥桶',
    grid_code: spot.gridCode,
    category_code: 'BJ0102',
  });
  const photos = await db!.query<{
    bytes: number;
    width: number;
    height: number;
    exif_lat: number | null;
    exif_lon: number | null;
  }>('SELECT bytes, width, height, exif_lat, exif_lon FROM case_photo WHERE case_id = $1 ORDER BY id', [c!.id]);
  expect(photos).toHaveLength(2);
  expect([photos[0]!.width, photos[0]!.height]).toEqual([640, 480]);
  const phone = photos[1]!;
  expect(phone.bytes).toBeLessThanOrEqual(10 * 1024 * 1024);
  expect(phone.width * phone.height).toBeLessThanOrEqual(12_100_000);
  expect(phone.height).toBeGreaterThan(phone.width);
  expect(phone.exif_lat).toBeCloseTo(45 + 45 / 60 + 30 / 3600, 4);
  expect(phone.exif_lon).toBeCloseTo(126 + 38 / 60, 4);

  // 6. The category used last comes first, marked, when the search is opened again.
  await page.locator('[data-testid=category-search]').tap();
  await page.locator('[data-testid=category-option]').first().waitFor();
  expect(await options.first().getAttribute('data-code')).toBe('BJ0102');
  expect(await options.first().getAttribute('data-recent')).toBe('true');
  await inspector.shot('inspector-report-8-recent.png');

  // The refusal is an answer of the gateway, not a fault of the page.
  // A map tile the network dropped (no answer at all) is asked for again by the map (test/unit/tile-retry.test.ts).
  const unexpected = inspector.problems.failedRequests.filter(
    (r) => !/\/api\/(cases|geo\/locate)[^:]*: HTTP 4\d\d$/.test(r) && !/^GET \S+\/tiles\/\S+: net::ERR_/.test(r),
  );
  expect(unexpected).toEqual([]);
  expect(inspector.problems.errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
}
