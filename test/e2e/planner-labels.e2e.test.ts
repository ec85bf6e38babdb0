import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { PageProblems } from '../support/browser';
import { PLANNER_READY, SHOTS, signedInPage, startE2e, type E2eStack } from '../support/e2e';

/**
 * The planner as a person meets it at 1920×1080: coded values are picked and read by their Chinese names (医院, not
 * medical_hospital), the CQL2 the rows make is shown and, with typed CQL2 too, how both combine and the filter
 * sent; 缩放到结果 moves the map so that it contains every result. Screenshots: test-output/e2e/planner-labels-*.png.
 */
let e2e: E2eStack | undefined;
let page: Page;
let problems: PageProblems;

const shot = async (name: string) => writeFileSync(path.join(SHOTS, name), await page.screenshot());
const viewBounds = async (): Promise<number[]> =>
  ((await page.locator('[data-testid=planner-map]').getAttribute('data-view-bounds')) ?? '').split(',').map(Number);

beforeAll(async () => {
  e2e = await startE2e();
  ({ page, problems } = await signedInPage(e2e, 'guihua.zhou', { width: 1920, height: 1080 }, PLANNER_READY));
}, 300_000);

afterAll(async () => {
  if (problems?.errors.length) console.warn(`page problems:\n${problems.errors.join('\n')}`);
  await e2e?.close();
});

it('offers coded values by Chinese name and shows how the rows and the typed CQL2 combine', async () => {
  await page.locator('[data-testid=catalog-item][data-collection-id=poi]').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=add-filter]')?.hasAttribute('disabled'));
  await page.locator('[data-testid=add-filter]').click();
  await page.locator('[data-testid=filter-property]').selectOption('category');
  // The operator list reads in words; the value is a list of the categories by name.
  expect(await page.locator('[data-testid=filter-op] option').allTextContents()).toContain('等于');
  const value = page.locator('select[data-testid=filter-value]');
  const names = await value.locator('option:not([disabled])').allTextContents();
  expect(names).toContain('医院');
  expect(names).toContain('消防站');
  for (const n of names) expect(n).not.toMatch(/[a-z]_[a-z]/);
  await value.selectOption({ label: '医院' });

  const preview = page.locator('[data-testid=cql-preview]');
  expect(await preview.getAttribute('data-state')).toBe('rows');
  expect(await page.locator('[data-testid=cql-rows]').textContent()).toBe("category = 'medical_hospital'");

  await page.locator('details summary', { hasText: 'CQL2' }).click();
  await page.locator('[data-testid=raw-cql]').fill("name LIKE '%医院%'");
  await page.waitForFunction(() => document.querySelector('[data-testid=cql-preview]')?.getAttribute('data-state') === 'both');
  expect(await page.locator('[data-testid=cql-combine-note]').textContent()).toMatch(/同时生效.*AND/);
  const combined = "category = 'medical_hospital' AND (name LIKE '%医院%')";
  expect(await page.locator('[data-testid=cql-combined]').textContent()).toBe(combined);
  await shot('planner-labels-builder.png');

  const expected = await page.request.get(
    `${e2e!.gateway.url}/ogc/collections/poi/items?limit=1&filter=${encodeURIComponent(combined)}`,
  );
  const numberMatched = ((await expected.json()) as { numberMatched: number }).numberMatched;
  expect(numberMatched).toBeGreaterThan(0);

  await page.locator('[data-testid=query-button]').click();
  const count = page.locator('[data-testid=result-count]');
  await count.waitFor({ timeout: 60_000 });
  expect(Number(await count.getAttribute('data-count'))).toBe(numberMatched);
  // The filter sent (and carried by the exports) is the combined one shown.
  const csv = (await page.locator('[data-testid=export-link][data-format=csv]').getAttribute('href'))!;
  expect(new URL(csv, e2e!.gateway.url).searchParams.get('filter')).toBe(combined);
  // The table writes the category by name, not by code.
  const cells = await page.locator('[data-testid=result-row] td[data-property=category]').allTextContents();
  expect(cells.length).toBe(Math.min(numberMatched, 300));
  expect(new Set(cells)).toEqual(new Set(['医院']));
  expect(await page.locator('[data-testid=result-table]').textContent()).not.toContain('medical_hospital');
});

it('zooms the map to the results: the view then contains every result', async () => {
  const button = page.locator('[data-testid=zoom-to-results]');
  const [w, s, e, n] = (await button.getAttribute('data-bbox'))!.split(',').map(Number) as [number, number, number, number];
  expect(w).toBeLessThan(e);
  // Move away first: zoom in on a corner of the map, so that the results are out of view.
  const box = (await page.locator('.planner-map').boundingBox())!;
  await page.mouse.move(box.x + box.width - 30, box.y + 30);
  for (let i = 0; i < 8; i++) {
    await page.mouse.wheel(0, -600);
    await page.waitForTimeout(150);
  }
  await page.locator('.map[data-map-state=idle]').waitFor({ timeout: 60_000 });
  const before = await viewBounds();
  const contains = (v: number[]) => v[0]! <= w && v[1]! <= s && v[2]! >= e && v[3]! >= n;
  expect(contains(before)).toBe(false);

  await button.click();
  await page.waitForFunction(
    (b) => document.querySelector('[data-testid=planner-map]')?.getAttribute('data-view-bounds') !== b,
    before.map((v) => v.toFixed(6)).join(','),
  );
  const after = await viewBounds();
  expect(contains(after)).toBe(true);
  // Fitted, not the whole world: the view is at most a few times the results' extent (plus padding).
  expect(after[2]! - after[0]!).toBeLessThan(Math.max(0.05, (e - w) * 4));
  await page.locator('.map[data-map-state=idle]').waitFor({ timeout: 60_000 });
  await page.waitForTimeout(800);
  await shot('planner-labels-zoomed.png');
  expect(problems.errors).toEqual([]);
});
