import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Db } from '../../geo/db/types';
import type { PageProblems } from '../support/browser';
import { openTestDb } from '../support/db';
import { SHOTS, signedInPage, startE2e, type E2eStack } from '../support/e2e';

/**
 * 综合评价 as the leader meets it at 1920×1080: the trend chart has a dot per week, a row of the table opens its
 * cases (the three this suite files in a street of its own) and a case opens in full, and the 处置部门考核 table
 * names departments in Chinese. Screenshots: test-output/e2e/evaluation-*.png.
 */
const SCOPE_KEY = `evaluation-e2e-${process.pid}`;
const STREET = `E2E${process.pid}`;
const STREET_NAME = '评价测试街道';
let e2e: E2eStack | undefined;
let db: Db;
let page: Page;
let problems: PageProblems;
const codes: string[] = [];

const shot = async (name: string) => writeFileSync(path.join(SHOTS, name), await page.screenshot({ fullPage: true }));

beforeAll(async () => {
  db = await openTestDb();
  await db.query('DELETE FROM city_case WHERE idempotency_scope = $1', [SCOPE_KEY]);
  // Three cases of urban-mgmt filed minutes ago in a street of this suite: one closed on time, one reworked.
  for (let i = 0; i < 3; i++) {
    const code = `EVE${process.pid}${i}`;
    codes.push(code);
    await db.query(
      `INSERT INTO city_case (code, state, kind, category_code, major_code, description, geom, district_code, district_name,
          street_code, street_name, channel, idempotency_scope, idempotency_key, department_id, rework_count, observed_at,
          reported_at, filed_at, first_dispatched_at, dispatched_at, fed_back_at, closed_at, on_time, updated_at)
       VALUES ($1, $2, 'event', 'SJ0102', 'SJ01', '评价页面测试', ST_SetSRID(ST_MakePoint(126.63, 45.75), 4326), '230102',
          '道里区', $3, $4, 'inspector', $5, $1, 'urban-mgmt', $6, now() - $7 * interval '1 minute',
          now() - $7 * interval '1 minute', now() - $7 * interval '1 minute', now() - $7 * interval '1 minute',
          now() - $7 * interval '1 minute', $8, $9, $10, now())`,
      [
        code,
        i === 0 ? 'closed' : 'handling',
        STREET,
        STREET_NAME,
        SCOPE_KEY,
        i === 2 ? 1 : 0,
        10 + i,
        i === 0 ? new Date(Date.now() - 5 * 60_000) : null,
        i === 0 ? new Date(Date.now() - 4 * 60_000) : null,
        i === 0 ? true : null,
      ],
    );
  }
  e2e = await startE2e();
  ({ page, problems } = await signedInPage(
    e2e,
    'lingdao.sun',
    { width: 1920, height: 1080 },
    {
      hash: 'evaluation',
      ready: ['[data-testid=evaluation-page][data-ready=true]'],
    },
  ));
}, 300_000);

afterAll(async () => {
  if (problems?.errors.length) console.warn(`page problems:\n${problems.errors.join('\n')}`);
  await e2e?.close();
  await db?.query('DELETE FROM city_case WHERE idempotency_scope = $1', [SCOPE_KEY]);
  await db?.close();
});

it('draws the trend of the month with a dot per week and this week counting the new cases', async () => {
  const chart = page.locator('[data-testid=trend-chart]');
  await chart.waitFor({ timeout: 60_000 });
  const weeks = Number(await chart.getAttribute('data-points'));
  expect(weeks).toBeGreaterThanOrEqual(4);
  expect(weeks).toBeLessThanOrEqual(6);
  const filed = page.locator('[data-testid=trend-point][data-series=filed]');
  expect(await filed.count()).toBe(weeks);
  const values = (await filed.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))))) as number[];
  expect(Math.max(...values)).toBeGreaterThanOrEqual(3);
  // Months for the year.
  await page.locator('[data-testid=trend-interval]').selectOption('month');
  await page.waitForFunction(() =>
    document.querySelector('[data-testid=trend-chart] svg')?.getAttribute('aria-label')?.includes('按月'),
  );
  expect(await page.locator('[data-testid=trend-chart] text', { hasText: '年' }).count()).toBeGreaterThan(0);
  await page.locator('[data-testid=trend-interval]').selectOption('week');
});

it('opens the cases of a row, and one case in full', async () => {
  await page.locator('[data-testid=eval-by]').selectOption('street');
  const row = page.locator(`[data-testid=eval-row][data-key="${STREET}"]`);
  await row.waitFor({ timeout: 60_000 });
  await row.locator('[data-testid=eval-row-open]').click();
  const drill = page.locator(`[data-testid=eval-drill][data-key="${STREET}"]`);
  await drill.locator('[data-testid=drill-case]').first().waitFor({ timeout: 60_000 });
  expect(await drill.locator('h2').textContent()).toContain(`${STREET_NAME}：期内立案的案件（共 3 件）`);
  const listed = await drill.locator('[data-testid=drill-case-link]').allTextContents();
  expect(listed.sort()).toEqual([...codes].sort());
  // States in Chinese, not codes.
  const text = (await drill.locator('table').textContent())!;
  expect(text).toContain('结案');
  expect(text).not.toMatch(/handling|closed/);
  await drill.locator('[data-testid=drill-case-link]', { hasText: codes[0]! }).click();
  const detail = page.locator('[data-testid=drill-detail]');
  await detail.waitFor();
  await page.waitForFunction(
    (code) => document.querySelector('[data-testid=drill-detail]')?.textContent?.includes(code),
    codes[0]!,
    {
      timeout: 60_000,
    },
  );
  await drill.scrollIntoViewIfNeeded();
  await page.screenshot().then((b) => writeFileSync(path.join(SHOTS, 'evaluation-drill.png'), b));
});

it('assesses the handling departments by name, counting this suite’s cases', async () => {
  const dept = page.locator('[data-testid=department-row][data-department=urban-mgmt]');
  await dept.waitFor({ timeout: 60_000 });
  const name = (await dept.locator('td').first().textContent())!;
  expect(name).toMatch(/\p{Script=Han}/u);
  expect(name).not.toContain('urban-mgmt');
  expect(Number(await dept.locator('td[data-column=handled]').textContent())).toBeGreaterThanOrEqual(3);
  const headers = await page.locator('[data-testid=eval-departments] th').allTextContents();
  expect(headers).toEqual(['处置部门', '处置案件数', '已反馈数', '按期处置率', '返工案件数', '回退次数', '平均处置时长（小时）']);
  await shot('evaluation-page.png');
  expect(problems.errors).toEqual([]);
});
