import path from 'node:path';
import type { Page } from 'playwright-core';
import type { SharingRequest } from '../../contracts/sharing';
import { createScratchDb } from '../support/db';
import { SHOTS, signedInPage, startE2e, type E2eStack, type SignedInPage } from '../support/e2e';

/**
 * The 资源目录 page end to end at 1920×1080 with the demo people: 城管's handler browses the catalogue, sees each
 * resource's class, legal basis and metadata, finds 不予共享 unit positions not offered, and asks the command centre
 * for incidents (purpose, fields, area, period); the centre's leader approves with conditions and a short period;
 * the handler then sees the grant and reads exactly it through the OGC API. Screenshots: test-output/e2e/sharing-*.png.
 */

let scratch: { url: string; drop: () => Promise<void> } | undefined;
let e2e: E2eStack | undefined;
let handler: SignedInPage;
let leader: SignedInPage;
const READY = { hash: 'sharing', ready: ['[data-testid=sharing-catalogue] tr[data-resource=incidents]'] } as const;
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, name) });

beforeAll(async () => {
  // A database of its own: grants made by other suites for 城管 would leave nothing to ask for.
  scratch = await createScratchDb('sharing_e2e');
  e2e = await startE2e({ env: { DATABASE_URL: scratch.url } });
  handler = await signedInPage(e2e, 'chuzhi.chengguan', { width: 1920, height: 1080 }, READY);
  leader = await signedInPage(e2e, 'lingdao.sun', { width: 1920, height: 1080 }, READY);
  // The suite's database outlives runs: a request left open by an earlier run is answered first.
  const res = await leader.page.request.get(`${e2e.gateway.url}/api/sharing/requests`);
  const { requests } = (await res.json()) as { requests: SharingRequest[] };
  for (const r of requests.filter((x) => x.direction === 'incoming' && x.state === 'pending')) {
    await leader.page.request.post(`${e2e.gateway.url}/api/sharing/requests/${r.id}/decision`, {
      data: { decision: 'refuse', reason: '上一轮测试遗留的申请' },
      headers: { origin: e2e.gateway.url },
    });
  }
}, 600_000);

afterAll(async () => {
  await e2e?.close();
  await scratch?.drop();
});

it('a department browses the catalogue: class, legal basis and metadata; 不予共享 is not offered', async () => {
  const page = handler.page;
  await page.reload();
  await page.locator('[data-testid=sharing-catalogue] tbody tr').first().waitFor();
  const rows = page.locator('[data-testid=sharing-catalogue] tbody tr');
  expect(await rows.count()).toBeGreaterThanOrEqual(17);
  await page.locator('tr[data-resource=units] button.link').click();
  const detail = page.locator('[data-testid=sharing-detail]');
  await detail.getByText('不予共享，不接受申请', { exact: false }).waitFor();
  expect(await detail.innerText()).toContain('人民警察法');
  expect(await page.locator('[data-testid=sharing-request-form]').count()).toBe(0);
  await page.getByRole('button', { name: /^条件共享/ }).click();
  expect(await rows.count()).toBeGreaterThanOrEqual(2);
  await page.getByRole('button', { name: /^全部/ }).click();
  await page.locator('tr[data-resource=incidents] button.link').click();
  const text = await detail.innerText();
  for (const part of [
    '条件共享',
    '共享依据',
    '提供部门',
    '哈尔滨市城市运行指挥中心',
    '更新周期',
    '实时',
    '数据格式',
    '覆盖范围',
    '联系方式',
  ]) {
    expect(text).toContain(part);
  }
  await shot(page, 'sharing-catalogue-1080p.png');
  expect(handler.problems.errors).toEqual([]);
}, 120_000);

it('asks for incidents with purpose, fields, area and period; the provider approves with conditions; the grant is exactly what is read', async () => {
  const page = handler.page;
  const form = page.locator('[data-testid=sharing-request-form]');
  await form.waitFor();
  // Checked before sending, in Chinese beside the field.
  await form.getByRole('button', { name: '提交申请' }).click();
  await form.getByText('用途至少 4 个字').waitFor();
  await form.locator('textarea').fill('城管执法配合交通事故现场秩序维护');
  for (const f of ['编号', '状态', '类别', '标题']) await form.getByLabel(f, { exact: true }).check();
  await form.getByRole('button', { name: '提交申请' }).click();
  await page.locator('[role=status]', { hasText: '已向哈尔滨市城市运行指挥中心提出' }).waitFor({ timeout: 60_000 });
  const mine = page
    .locator('[data-testid=sharing-outgoing] .sharing-request', { hasText: '城管执法配合交通事故现场秩序维护' })
    .first();
  await mine.locator('.state-pending').waitFor();

  const lp = leader.page;
  await lp.reload();
  const incoming = lp.locator('[data-testid=sharing-incoming] .sharing-request[data-state=pending]', {
    hasText: '城管执法配合交通事故现场秩序维护',
  });
  await incoming.first().waitFor({ timeout: 60_000 });
  const card = incoming.first();
  // Grant less than was asked: not the title, for three minutes.
  await card.getByLabel('标题', { exact: true }).uncheck();
  const until = new Date(Date.now() + 8 * 3_600_000 + 3 * 60_000).toISOString().slice(0, 16);
  await card.locator('input[type=datetime-local]').fill(until);
  await card.getByRole('button', { name: '附条件同意' }).click();
  await card.getByText('使用条件至少 2 个字').waitFor();
  await card.getByPlaceholder('如：仅限本次任务使用，不得转交').fill('仅用于现场秩序维护，不得转交第三方');
  await card.getByRole('button', { name: '附条件同意' }).click();
  await lp.locator('[role=status]', { hasText: '已附条件同意' }).waitFor({ timeout: 60_000 });
  await shot(lp, 'sharing-provider-1080p.png');

  await page.reload();
  await page.locator('tr[data-resource=incidents] button.link').click();
  const grant = page.locator('[data-testid=sharing-grant]');
  await grant.waitFor({ timeout: 60_000 });
  const granted = await grant.innerText();
  expect(granted).toContain('仅用于现场秩序维护');
  expect(granted).not.toContain('标题');
  await shot(page, 'sharing-granted-1080p.png');

  const cat = await page.request.get(`${e2e!.gateway.url}/api/sharing/resources`);
  const incidents = (
    (await cat.json()) as { resources: { id: string; grant: { fields: string[]; area: number[] } | null }[] }
  ).resources.find((r) => r.id === 'incidents')!;
  expect(incidents.grant!.fields.sort()).toEqual(['category', 'id', 'status']);
  const url = (props: string) =>
    `${e2e!.gateway.url}/ogc/collections/incidents/items?properties=${props}&bbox=${incidents.grant!.area.join(',')}&limit=5`;
  expect((await page.request.get(url('id,category,status'))).status()).toBe(200);
  expect((await page.request.get(url('id,title'))).status()).toBe(403);
  expect(handler.problems.errors).toEqual([]);
  expect(leader.problems.errors).toEqual([]);
}, 180_000);
