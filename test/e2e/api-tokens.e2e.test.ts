import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { PageProblems } from '../support/browser';
import { PLANNER_READY, SHOTS, signedInPage, startE2e, type E2eStack } from '../support/e2e';

/**
 * API 令牌 end to end: the demo planner issues a token in the user menu, a GIS client (plain HTTP here) reads the
 * non-public incidents collection with it, and after 撤销 in the same dialog the token is refused.
 */

let e2e: E2eStack | undefined;
let page: Page;
let problems: PageProblems;

beforeAll(async () => {
  e2e = await startE2e();
  ({ page, problems } = await signedInPage(e2e, 'guihua.zhou', { width: 1600, height: 900 }, PLANNER_READY));
}, 300_000);

afterAll(() => e2e?.close());

const readIncidents = (token: string) =>
  fetch(`${e2e!.gateway.url}/ogc/collections/incidents/items?limit=1`, { headers: { Authorization: `Bearer ${token}` } });

it('issues a token that a GIS client can read with, shows it once, and revokes it', async () => {
  await page.getByLabel('用户菜单').click();
  await page.getByRole('menuitem', { name: 'API 令牌' }).click();
  const dialog = page.getByRole('dialog', { name: 'API 令牌' });
  await dialog.waitFor();
  const label = `e2e QGIS ${Date.now()}`;
  await dialog.getByLabel('用途').fill(label);
  await dialog.getByLabel('有效天数').fill('7');
  await dialog.getByRole('button', { name: '签发令牌' }).click();
  const token = (await dialog.locator('[data-testid=issued-token]').textContent())!;
  expect(token).toMatch(/^hgt_/);
  const row = dialog.locator('tr', { hasText: label });
  await row.waitFor();
  expect(await row.textContent()).toContain('有效');
  writeFileSync(path.join(SHOTS, 'api-tokens.png'), await page.screenshot());

  const read = await readIncidents(token);
  expect(read.status).toBe(200);
  expect(((await read.json()) as { type: string }).type).toBe('FeatureCollection');

  await row.getByRole('button', { name: '撤销' }).click();
  await dialog.locator('tr', { hasText: label }).filter({ hasText: '已撤销' }).waitFor();
  const refused = await readIncidents(token);
  expect(refused.status).toBe(401);
  expect(problems.errors).toEqual([]);
});
