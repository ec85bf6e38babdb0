import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { deriveShelters } from '../../gateway/shelters/derive';
import { estimatePopulation } from '../../geo/population/estimate';
import { openTestDb } from '../support/db';
import { SHOTS, signedInPage, startE2e, type E2eStack } from '../support/e2e';

/**
 * 疏散掩蔽方案 end to end on a 1080p desk: the demo planner picks a street, computes the plan, and sees the totals
 * beside nearest-shelter assignment, per-street directions and the routes and shelter load on the map. Screenshot:
 * test-output/e2e/evacuation-desk.png.
 */
const STREET = '230103001'; // 南岗区花园街道

let e2e: E2eStack | undefined;
let page: Page;

beforeAll(async () => {
  // The import step that derives shelters and estimates the population, run before the gateway starts.
  const db = await openTestDb();
  try {
    await deriveShelters(db);
    await estimatePopulation(db);
  } finally {
    await db.close();
  }
  e2e = await startE2e();
  ({ page } = await signedInPage(e2e, 'guihua.zhou', { width: 1920, height: 1080 }));
  await page.goto(`${e2e.gateway.url}/#evacuation`);
  await page.locator('[data-testid=evacuation-page][data-ready=true]').waitFor({ timeout: 60_000 });
}, 600_000);

afterAll(() => e2e?.close());

it('computes a street plan and shows totals against the nearest shelter, directions per street and the map', async () => {
  await page.locator('[data-testid=evacuation-area]').selectOption(STREET);
  await page.locator('[data-testid=evacuation-compute]').click();
  await page.locator('[data-testid=evacuation-page][data-plan=ready]').waitFor({ timeout: 120_000 });

  // The page shows what the API answers for the same request.
  const res = await page.request.post(`${e2e!.gateway.url}/api/evacuation/plans`, {
    data: { area: { street: STREET }, routes: false },
    headers: { origin: e2e!.gateway.url },
  });
  expect(res.status()).toBe(200);
  const plan = (await res.json()) as { population: number; baseline: { overloaded: number }; streets: { name: string }[] };
  const totals = page.locator('[data-testid=evacuation-totals]');
  expect(await totals.textContent()).toContain(plan.population.toLocaleString('zh-CN'));
  expect(await totals.locator('tr', { hasText: '超员场所' }).textContent()).toBe(`超员场所0${plan.baseline.overloaded}`);
  expect(await page.locator('[data-testid=evacuation-streets]').textContent()).toContain(plan.streets[0]!.name);

  // The planners' population layer is served as tiles to this role.
  const tile = await page.request.get(`${e2e!.gateway.url}/tiles/population/13/6977/2922.mvt`);
  expect(tile.status()).toBe(200);
  expect((await tile.body()).length).toBeGreaterThan(1000);

  const idle = await page
    .waitForFunction(() => document.querySelector('.map')?.getAttribute('data-map-state') === 'idle', undefined, {
      timeout: 60_000,
    })
    .then(
      () => true,
      () => false,
    );
  console.log(`map idle before the screenshot: ${idle}`);
  await page.waitForTimeout(1500);
  writeFileSync(path.join(SHOTS, 'evacuation-desk.png'), await page.screenshot());
}, 180_000);
