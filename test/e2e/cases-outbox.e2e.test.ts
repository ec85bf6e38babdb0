import type { Db } from '../../geo/db/types';
import { DEMO, gridPoint, makeJpeg, signedIn, type Session } from '../support/cases-web';
import { openTestDb } from '../support/db';
import { startE2e, type E2eStack } from '../support/e2e';

/**
 * The inspector's offline outbox in headless Chromium on a phone viewport: with the network cut the report (and
 * its photo, as a Blob in IndexedDB) waits in the 待发箱 and no case exists; when the network returns it is sent
 * by itself, exactly once (one case for the idempotency key, even after the page flushes again and reloads).
 * Screenshots: test-output/e2e/cases-outbox-*.png.
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

const casesWithKey = async (key: string) =>
  Number((await db!.query<{ n: string }>('SELECT count(*) AS n FROM city_case WHERE idempotency_key = $1', [key]))[0]!.n);

it('keeps a report made offline on the phone and sends it exactly once when the connection returns', async () => {
  const spot = await gridPoint(db!, '230103', 19);
  const photo = await makeJpeg('offline.jpg', { r: 150, g: 150, b: 40 });
  inspector = await signedIn(e2e!.browser, e2e!.gateway.url, DEMO.inspector, { phone: true, at: spot });
  const { page } = inspector;
  await page.goto(`${e2e!.gateway.url}/#inspector`);
  await page.locator('[data-testid=inspector-page]').waitFor({ timeout: 60_000 });
  // The category tree is loaded (and remembered) while online.
  await page.locator('[data-testid=category-search]').tap();
  await page.locator('[data-testid=category-option]').first().waitFor({ timeout: 60_000 });

  await inspector.context.setOffline(true);
  await page.locator('[data-testid=inspector-page][data-online=false]').waitFor();
  await page.locator('[data-testid=category-search]').fill('暴露垃圾');
  await page.locator('[data-testid=category-option][data-code=SJ0102]').tap();
  await page.locator('[data-testid=report-photo]').setInputFiles(photo);
  await page.locator('[data-testid=use-gps]').tap();
  await page.waitForFunction(
    () => document.querySelector('[data-testid=report-place]')?.textContent?.includes('联网后确定网格') ?? false,
  );
  await page.locator('[data-testid=report-description]').fill('路边暴露垃圾一堆');
  expect(await page.locator('[data-testid=report-submit]').textContent()).toBe('存入待发箱');
  await page.locator('[data-testid=report-submit]').tap();

  const result = page.locator('[data-testid=report-result][data-status=kept]');
  await result.waitFor({ timeout: 60_000 });
  const key = (await result.getAttribute('data-key'))!;
  expect(key).toMatch(/^[0-9a-f-]{36}$/);
  await page.locator('[data-testid=outbox-count][data-count="1"]').waitFor();
  await inspector.shot('cases-outbox-1-queued.png');
  await page.locator('[data-testid=tab-outbox]').tap();
  await page.locator(`[data-testid=outbox-item][data-key="${key}"]`).waitFor();
  await inspector.shot('cases-outbox-2-list.png');

  // Stored on the phone: one IndexedDB record under the key, its photo a Blob.
  const stored = await page.evaluate(
    (k) =>
      new Promise<{ count: number; photoIsBlob: boolean }>((resolve, reject) => {
        const req = indexedDB.open('harbin-inspector');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const all = req.result.transaction('outbox').objectStore('outbox').getAll();
          all.onsuccess = () => {
            const items = all.result as { key: string; photos: unknown[] }[];
            resolve({ count: items.filter((i) => i.key === k).length, photoIsBlob: items[0]?.photos[0] instanceof Blob });
          };
        };
      }),
    key,
  );
  expect(stored).toEqual({ count: 1, photoIsBlob: true });
  expect(await casesWithKey(key)).toBe(0);

  await inspector.context.setOffline(false);
  await page.locator('[data-testid=outbox-count][data-count="0"]').waitFor({ timeout: 60_000 });
  expect(await casesWithKey(key)).toBe(1);
  await inspector.shot('cases-outbox-3-sent.png');

  // A reload (which flushes again) makes no second case; the case has its photo and the phone's time and place.
  await page.reload();
  await page.locator('[data-testid=inspector-page]').waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1500);
  expect(await casesWithKey(key)).toBe(1);
  const [c] = await db!.query<{ id: string; grid_code: string; channel: string }>(
    'SELECT id, grid_code, channel FROM city_case WHERE idempotency_key = $1',
    [key],
  );
  expect(c!.grid_code).toBe(spot.gridCode);
  expect(c!.channel).toBe('inspector');
  const photos = await db!.query('SELECT 1 FROM case_photo WHERE case_id = $1', [c!.id]);
  expect(photos).toHaveLength(1);
  // Reporting the same 小类 at the same spot again is met by the duplicate suggestion: 「是同一问题」 adds no case.
  const [sent] = await db!.query<{ code: string }>('SELECT code FROM city_case WHERE idempotency_key = $1', [key]);
  const count = async () => Number((await db!.query<{ n: string }>('SELECT count(*) AS n FROM city_case'))[0]!.n);
  const casesBefore = await count();
  await page.locator('[data-testid=category-search]').tap();
  await page.locator('[data-testid=category-search]').fill('暴露垃圾');
  await page.locator('[data-testid=category-option][data-code=SJ0102]').tap();
  await page.locator('[data-testid=report-photo]').setInputFiles(photo);
  await page.locator('[data-testid=use-gps]').tap();
  await page.waitForFunction(
    (grid) => document.querySelector('[data-testid=report-place]')?.textContent?.includes(grid) ?? false,
    spot.gridCode,
  );
  await page.locator('[data-testid=report-description]').fill('又见路边暴露垃圾');
  await page.locator('[data-testid=report-submit]').tap();
  await page.locator(`[data-testid=duplicates] [data-testid=duplicate]`).first().waitFor({ timeout: 60_000 });
  expect(await page.locator('[data-testid=duplicates]').textContent()).toContain(sent!.code);
  await inspector.shot('cases-outbox-4-duplicate.png');
  await page.locator('[data-testid=duplicate-same]').tap();
  await page.locator('[data-testid=report-form]').waitFor();
  expect(await count()).toBe(casesBefore);

  // Map tiles cannot load while the phone is offline; nothing else may fail.
  const offlineNoise = /Failed to fetch|ERR_INTERNET_DISCONNECTED/;
  expect(inspector.problems.errors.filter((e) => !offlineNoise.test(e))).toEqual([]);
}, 300_000);
