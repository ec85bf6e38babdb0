import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { PageProblems } from '../support/browser';
import { PLANNER_READY, SHOTS, signedInPage, startE2e, type E2eStack } from '../support/e2e';

/**
 * 空间查询与分析 end to end: the demo planner queries the POI collection with a LIKE filter built in the form (the
 * count matches the OGC API's numberMatched for the same CQL2), gets export links for the same query, and
 * aggregates POI by district (the unit counts sum to the total shown). Screenshots: test-output/e2e.
 */
const FILTER = "name LIKE '%医院%'";

let e2e: E2eStack | undefined;
let page: Page;
let problems: PageProblems;

const shot = async (name: string) => writeFileSync(path.join(SHOTS, name), await page.screenshot());

beforeAll(async () => {
  e2e = await startE2e();
  ({ page, problems } = await signedInPage(e2e, 'guihua.zhou', { width: 1600, height: 900 }, PLANNER_READY));
}, 300_000);

afterAll(() => e2e?.close());

it('queries POI with an attribute filter: the count is the server numberMatched, exports carry the query', async () => {
  const expected = await page.request.get(
    `${e2e!.gateway.url}/ogc/collections/poi/items?limit=1&filter=${encodeURIComponent(FILTER)}`,
  );
  expect(expected.status()).toBe(200);
  const numberMatched = ((await expected.json()) as { numberMatched: number }).numberMatched;
  expect(numberMatched).toBeGreaterThan(0);

  await page.locator('[data-testid=catalog-item][data-collection-id=poi]').click();
  // The chosen collection shows who may read it, when it was updated and its attributes in Chinese.
  const details = page.locator('[data-testid=catalog-details]');
  await page.waitForFunction(() =>
    document.querySelector('[data-testid=catalog-details]')?.textContent?.includes('名称（name）'),
  );
  expect(await details.textContent()).toMatch(/访问：公开.*更新：\d{4}/);
  const add = page.locator('[data-testid=add-filter]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=add-filter]')?.hasAttribute('disabled'));
  await add.click();
  await page.locator('[data-testid=filter-property]').selectOption('name');
  await page.locator('[data-testid=filter-op]').selectOption('LIKE');
  await page.locator('[data-testid=filter-value]').fill('%医院%');
  await page.locator('[data-testid=query-button]').click();

  const count = page.locator('[data-testid=result-count]');
  await count.waitFor({ timeout: 60_000 });
  expect(Number(await count.getAttribute('data-count'))).toBe(numberMatched);
  const rows = page.locator('[data-testid=result-row]');
  expect(await rows.count()).toBe(Math.min(numberMatched, 300));
  expect(await rows.first().textContent()).toContain('医院');

  // Sorting by a header click is client-side and keeps every row.
  await page.locator('[data-testid=result-table] th[data-property=name]').click();
  expect(await rows.count()).toBe(Math.min(numberMatched, 300));

  const csv = page.locator('[data-testid=export-link][data-format=csv]');
  const href = (await csv.getAttribute('href'))!;
  expect(href).toContain('f=csv');
  expect(new URL(href, e2e!.gateway.url).searchParams.get('filter')).toBe(FILTER);
  for (const f of ['gpkg', 'kml', 'geojson']) {
    expect(await page.locator(`[data-testid=export-link][data-format=${f}]`).getAttribute('href')).toContain(`f=${f}`);
  }
  const download = await page.request.get(new URL(href, e2e!.gateway.url).toString());
  expect(download.status()).toBe(200);

  await page.waitForTimeout(1500);
  await shot('planner-query.png');
});

it('shows the Chinese message of a bad CQL2 text under the text box, counted in what was typed', async () => {
  await page.locator('details summary', { hasText: 'CQL2' }).click();
  const box = page.locator('[data-testid=raw-cql]');
  const error = page.locator('[data-testid=raw-cql-error]');
  // The builder row of the first test (name LIKE '%医院%') goes first in the filter sent, "(name LIKE)" after it:
  // the server's place is the closing parenthesis the builder added, shown as the end of the typed text.
  await box.fill('name LIKE');
  await page.locator('[data-testid=query-button]').click();
  await error.waitFor({ timeout: 60_000 });
  expect(await error.textContent()).toBe(
    "CQL2 文本有误：第 10 个字符处应为用单引号括起的 LIKE 模式（如 '%医院%'），但文本已结束",
  );
  expect(await error.getAttribute('data-start')).toBe('9');
  // Shown under the text box, not repeated in the page's notice.
  expect(await page.locator('[data-testid=planner-error]').count()).toBe(0);

  // A misspelt property after two spaces: the position counts them, and the word is selected in the box.
  await box.fill("  nmae = 'x'");
  await error.waitFor({ state: 'detached', timeout: 60_000 });
  await page.locator('[data-testid=query-button]').click();
  await error.waitFor({ timeout: 60_000 });
  expect(await error.textContent()).toMatch(/^CQL2 文本有误：第 3 个字符处的未知属性 "nmae"；可用属性：.*name/);
  expect(await error.getAttribute('data-start')).toBe('2');
  expect(await error.getAttribute('data-end')).toBe('6');
  const selection = await box.evaluate((el: HTMLTextAreaElement) => [el.selectionStart, el.selectionEnd]);
  expect(selection).toEqual([2, 6]);
  await shot('planner-cql-error.png');

  await box.fill('');
  await error.waitFor({ state: 'detached', timeout: 60_000 });
  // The deliberate 400s are the only failed requests of the page.
  problems.errors = problems.errors.filter((e) => !/status of 400/.test(e));
});

it('aggregates POI by district: the unit counts add up to the total shown', async () => {
  await page.getByRole('button', { name: '统计汇总' }).click();
  await page.locator('[data-testid=aggregate-collection]').selectOption('poi');
  await page.locator('[data-testid=aggregate-unit]').selectOption('district');
  await page.locator('[data-testid=aggregate-button]').click();
  const total = page.locator('[data-testid=aggregate-total]');
  await total.waitFor({ timeout: 60_000 });
  const rows = page.locator('[data-testid=aggregate-row]');
  expect(await rows.count()).toBeGreaterThan(1);
  const counts = (await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))))) as number[];
  const sum = counts.reduce((a, b) => a + b, 0);
  expect(sum).toBe(Number(await total.getAttribute('data-total')));
  expect(sum).toBeGreaterThan(0);
  await page.waitForTimeout(1500);
  await shot('planner-aggregate.png');
  expect(problems.errors).toEqual([]);
});

it('draws a drive-time service area from a clicked origin', async () => {
  await page.getByRole('button', { name: '服务区' }).click();
  await page.locator('[data-testid=service-minutes]').fill('5');
  await page.locator('[data-testid=service-area-button]').click();
  const box = (await page.locator('.planner-map').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const result = page.locator('[data-testid=service-area-result]');
  await result.waitFor({ timeout: 60_000 });
  expect(Number(await result.getAttribute('data-edges'))).toBeGreaterThan(0);
  await page.waitForTimeout(1500);
  await shot('planner-service-area.png');
  expect(problems.errors).toEqual([]);
});
