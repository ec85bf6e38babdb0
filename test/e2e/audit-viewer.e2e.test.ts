import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { PLANNER_READY, SHOTS, signedInPage, startE2e, type E2eStack, type SignedInPage } from '../support/e2e';

/**
 * What a person checks on the screens at 1920×1080 in headless Chromium against the real gateway:
 * - the audit administrator reads a case dispatch as one row, 案件派遣 on 案件 <its code>, its details as labelled
 *   fields, the authorised and completed records of the command in that one row;
 * - a reversed audit date range is answered in Chinese beside the field, and nothing is asked;
 * - a commander who opens the audit page gets 无权访问 naming the role needed (审计管理员), not the map;
 * - a planner's service area of 90 minutes (at most 30) is answered in Chinese beside the field, and nothing is sent;
 *   so is an API token of 400 days (at most 365), a replay period or a duty shift that ends before it starts or is
 *   too long.
 * Screenshots: test-output/e2e/audit-viewer-*.png.
 */

const HD = { width: 1920, height: 1080 };
let e2e: E2eStack | undefined;
const sessions: SignedInPage[] = [];

beforeAll(async () => {
  e2e = await startE2e();
}, 300_000);

afterAll(async () => {
  for (const s of sessions) await s.context.close().catch(() => undefined);
  await e2e?.close();
});

async function open(username: string, ready?: { hash: string; ready: readonly string[] }): Promise<SignedInPage> {
  const s = await signedInPage(e2e!, username, HD, ready);
  sessions.push(s);
  return s;
}
const shot = async (page: Page, name: string) => writeFileSync(path.join(SHOTS, name), await page.screenshot());

/** The message a field's aria-describedby names, and that it sits right beside the field (below or to its right). */
async function messageBeside(field: Locator): Promise<string> {
  const id = await field.getAttribute('aria-describedby');
  const message = field.page().locator(`[id="${id}"]`);
  await message.waitFor();
  const [f, m] = [(await field.boundingBox())!, (await message.boundingBox())!];
  const gapBelow = m.y - (f.y + f.height);
  const gapRight = m.x - (f.x + f.width);
  expect((gapBelow >= -2 && gapBelow < 24 && Math.abs(m.x - f.x) < 80) || (gapRight >= -2 && gapRight < 40)).toBe(true);
  expect(await field.getAttribute('aria-invalid')).toBe('true');
  return (await message.textContent())!;
}

/** A case reported, accepted, filed and dispatched by the demo dispatcher through the API, as the console does. */
async function dispatchedCase(s: SignedInPage): Promise<{ id: number; code: string }> {
  const url = e2e!.gateway.url;
  const post = async (p: string, data: Record<string, unknown>) => {
    const res = await s.page.request.post(`${url}${p}`, { headers: { Origin: url }, data });
    expect([p, res.status()]).toEqual([p, p === '/api/cases' ? 201 : 200]);
    return (await res.json()) as { case: { id: number; code: string } };
  };
  const spot = { lon: 126.6 + Math.random() * 0.08, lat: 45.73 + Math.random() * 0.04 };
  const { case: c } = await post('/api/cases', {
    idempotencyKey: randomUUID(),
    categoryCode: 'SJ0102',
    description: '人行道暴露垃圾，需清运',
    channel: 'hotline_12319',
    ...spot,
  });
  await post(`/api/cases/${c.id}/accept`, {});
  await post(`/api/cases/${c.id}/file`, {});
  await post(`/api/cases/${c.id}/dispatch`, { note: '请当日清运' });
  return c;
}

it('shows the audit administrator a case dispatch as one row in Chinese, with labelled details', async () => {
  const dispatcher = await open('shouli.li');
  const c = await dispatchedCase(dispatcher);

  const { page, problems } = await open('auditor.qian', { hash: 'audit', ready: ['[data-testid=audit-entry] >> nth=0'] });
  await page.getByLabel('用户', { exact: true }).fill('shouli.li');
  await page.getByLabel('操作').selectOption('case.dispatch');
  await page.getByRole('button', { name: '查询' }).click();
  const rows = page.locator('[data-testid=audit-entry]', { hasText: `案件 ${c.code}` });
  // The completed record is written when the response has ended: the row shows both once it is there.
  const dispatchRow = rows.filter({ hasText: '案件派遣' });
  await dispatchRow.filter({ hasText: '完成' }).waitFor({ timeout: 60_000 });
  expect(await dispatchRow.count()).toBe(1);
  expect(await dispatchRow.locator('.audit-action').textContent()).toBe('案件派遣');
  expect(await dispatchRow.locator('.audit-object').textContent()).toBe(`案件 ${c.code}`);
  expect(await dispatchRow.locator('td').nth(2).textContent()).toBe('受理员/派遣员');
  // Details as label: value, not JSON.
  const fields = await dispatchRow.locator('.audit-fields div').allTextContents();
  expect(fields).toEqual(expect.arrayContaining(['备注请当日清运', '状态已立案 → 已派遣', 'HTTP 状态200']));
  expect(fields.some((f) => f.startsWith('步骤 · 处置部门'))).toBe(true);
  // Instants read as local time, as in the 时间 column, not as ISO strings.
  expect(fields.find((f) => f.startsWith('步骤 · 处置时限'))).toMatch(
    /^步骤 · 处置时限\d{4}\/\d{1,2}\/\d{1,2} \d{2}:\d{2}:\d{2}$/,
  );
  expect(await dispatchRow.locator('.audit-detail').textContent()).not.toContain('{');
  expect(await dispatchRow.locator('.audit-stages').textContent()).toMatch(/^#\d+ 授权#\d+ 完成$/);
  // The case's three commands are three rows, newest first; none shows its authorised record as a row of its own.
  await rows.nth(2).waitFor();
  expect(await rows.locator('.audit-action').allTextContents()).toEqual(['案件派遣', '案件立案', '案件受理']);
  await shot(page, 'audit-viewer-entries.png');
  await dispatchRow.getByText('原始记录').click();
  expect(await dispatchRow.locator('pre').textContent()).toContain('"stage": "authorised"');
  expect(problems.errors).toEqual([]);
});

it('answers a reversed date range beside the field in Chinese and asks nothing', async () => {
  const { page, problems } = await open('auditor.qian', { hash: 'audit', ready: ['[data-testid=audit-entry] >> nth=0'] });
  let asked = 0;
  page.on('request', (r) => {
    if (r.url().includes('/api/audit/entries')) asked++;
  });
  await page.getByLabel('开始时间').fill('2026-12-07T18:00');
  await page.getByLabel('结束时间').fill('2026-12-07T08:00');
  expect(await messageBeside(page.getByLabel('结束时间'))).toBe('开始时间须早于结束时间');
  expect(await page.getByRole('button', { name: '查询' }).isDisabled()).toBe(true);
  await page.getByLabel('结束时间').press('Enter');
  await page.waitForTimeout(500);
  expect(asked).toBe(0);
  await shot(page, 'audit-viewer-range.png');
  // Put right, the message goes and the query runs.
  await page.getByLabel('结束时间').fill('2026-12-08T08:00');
  await page.locator('#audit-to-error').waitFor({ state: 'detached' });
  await page.getByRole('button', { name: '查询' }).click();
  await page.waitForFunction(() => !document.querySelector('.warning'));
  expect(asked).toBeGreaterThan(0);
  expect(problems.errors).toEqual([]);
});

it('tells a commander who opens the audit page 无权访问 and which role may, instead of the map', async () => {
  const { page, problems } = await open('zhihui.wang');
  await page.goto(`${e2e!.gateway.url}/#audit`);
  const notice = page.locator('[data-testid=no-access][data-page=audit]');
  await notice.waitFor();
  expect(await notice.locator('h2').textContent()).toBe('无权访问「审计日志」');
  expect(await notice.textContent()).toContain('角色「指挥员」');
  await notice.locator('[data-testid=no-access-roles]').waitFor();
  expect(await notice.locator('[data-testid=no-access-roles]').textContent()).toBe('需要以下角色之一：审计管理员');
  expect(await notice.textContent()).toContain('「查看审计日志」：审计管理员');
  expect(await page.locator('.maplibregl-canvas').count()).toBe(0);
  await shot(page, 'audit-viewer-no-access.png');
  // A page with several actions names every role any of them grants.
  await page.goto(`${e2e!.gateway.url}/#admin`);
  await page.locator('[data-testid=no-access][data-page=admin]').waitFor();
  expect(await page.locator('[data-testid=no-access-roles]').textContent()).toBe('需要以下角色之一：系统管理员');
  await page.getByRole('button', { name: '返回指挥一张图' }).click();
  await page.locator('.maplibregl-canvas').waitFor({ timeout: 60_000 });
  expect(problems.errors).toEqual([]);
});

it('answers a planner’s 90-minute service area and a 400-day token beside the fields in Chinese, sending nothing', async () => {
  const { page, problems } = await open('guihua.zhou', PLANNER_READY);
  let sent = 0;
  page.on('request', (r) => {
    if (r.url().includes('/api/analysis/service-area') || (r.url().includes('/api/auth/tokens') && r.method() === 'POST')) sent++;
  });
  await page.getByRole('button', { name: '服务区' }).click();
  const minutes = page.locator('[data-testid=service-minutes]');
  await minutes.fill('90');
  expect(await messageBeside(minutes)).toBe('驾车时间须为 1 到 30 分钟');
  expect(await page.locator('[data-testid=service-area-button]').isDisabled()).toBe(true);
  await shot(page, 'audit-viewer-service-minutes.png');
  await minutes.fill('');
  expect(await messageBeside(minutes)).toBe('驾车时间须为 1 到 30 分钟');
  await minutes.fill('5');
  await page.locator('#service-minutes-error').waitFor({ state: 'detached' });
  expect(await page.locator('[data-testid=service-area-button]').isEnabled()).toBe(true);

  await page.getByLabel('用户菜单').click();
  await page.getByRole('menuitem', { name: 'API 令牌' }).click();
  const dialog = page.getByRole('dialog', { name: 'API 令牌' });
  await dialog.waitFor();
  await dialog.getByLabel('用途').fill('e2e 天数检查');
  await dialog.getByLabel('有效天数').fill('400');
  await dialog.getByRole('button', { name: '签发令牌' }).click();
  expect(await messageBeside(dialog.getByLabel('有效天数'))).toBe('有效天数须为 1 到 365 的整数');
  await dialog.getByLabel('用途').fill('');
  expect(await messageBeside(dialog.getByLabel('用途'))).toBe('请填写令牌用途，如“QGIS 规划科”');
  await shot(page, 'audit-viewer-token-days.png');
  await page.waitForTimeout(300);
  expect(sent).toBe(0);
  expect(problems.errors).toEqual([]);
});

it('answers a replay period that ends before it starts, or is too long, beside the end field in Chinese', async () => {
  const { page, problems } = await open('zhihui.wang', { hash: 'replay', ready: ['[data-testid=replay-page]'] });
  let asked = 0;
  page.on('request', (r) => {
    if (r.url().includes('/api/replay')) asked++;
  });
  const to = page.locator('[data-testid=replay-to]');
  await page.locator('[data-testid=replay-from]').fill('2026-12-07T10:00:00');
  await to.fill('2026-12-07T09:00:00');
  expect(await messageBeside(to)).toBe('结束时间须晚于开始时间');
  expect(await page.locator('[data-testid=replay-load]').isDisabled()).toBe(true);
  await shot(page, 'audit-viewer-replay-range.png');
  await to.fill('2027-01-30T09:00:00');
  expect(await messageBeside(to)).toBe('复盘时段不能超过 31 天');
  await to.fill('2026-12-07T11:00:00');
  await page.locator('#replay-to-error').waitFor({ state: 'detached' });
  expect(await page.locator('[data-testid=replay-load]').isEnabled()).toBe(true);
  expect(asked).toBe(0);
  expect(problems.errors).toEqual([]);
});

it('answers a duty shift that ends before it starts, or runs over 72 hours, beside the end field in Chinese', async () => {
  const { page, problems } = await open('zhihui.wang', { hash: 'duty', ready: ['form[aria-label=新增班次]'] });
  let sent = 0;
  page.on('request', (r) => {
    if (r.url().includes('/api/duty/shifts') && r.method() === 'POST') sent++;
  });
  const form = page.locator('form[aria-label=新增班次]');
  const ends = form.getByLabel('结束（北京时间）');
  await form.getByLabel('开始（北京时间）').fill('2026-12-07T18:00');
  await ends.fill('2026-12-07T08:00');
  expect(await messageBeside(ends)).toBe('结束时间须晚于开始时间');
  expect(await form.getByRole('button', { name: '新增班次' }).isDisabled()).toBe(true);
  await form.scrollIntoViewIfNeeded();
  await shot(page, 'audit-viewer-duty-shift.png');
  await ends.fill('2026-12-11T08:00');
  expect(await messageBeside(ends)).toBe('一个班次不超过 72 小时');
  await ends.fill('2026-12-08T08:00');
  await page.locator('#shift-ends-error').waitFor({ state: 'detached' });
  expect(sent).toBe(0);
  expect(problems.errors).toEqual([]);
});
