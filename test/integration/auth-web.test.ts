import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { readSeed } from '../../gateway/auth/seed';
import { launchBrowser, openPage, type PageProblems } from '../support/browser';
import { openTestDb } from '../support/db';
import { OUTPUT_DIR, ROOT, testDatabaseUrl } from '../support/env';
import { startGateway, type GatewayProcess } from '../support/gateway-process';
import { createAccount } from '../support/identity';

/**
 * The identity UI end to end in headless Chromium against the real gateway: 登录, the header's user menu,
 * 会话即将过期 with 续期, 用户/角色/部门管理 for the system administrator, 审计日志 with 校验链 for the
 * audit administrator, and a live revocation sending the page back to the login form.
 */
const SHOTS = path.join(OUTPUT_DIR, 'e2e');
const demo = readSeed();
const account = (role: string) => demo.find((u) => u.role === role)!;
let gateway: GatewayProcess;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist', 'web', 'index.html'))) {
    throw new Error('the web app is not built: run "npx vite build --config web/vite.config.ts" first (npm test does)');
  }
  mkdirSync(SHOTS, { recursive: true });
  gateway = await startGateway({ DATABASE_URL: testDatabaseUrl(), IDENTITY_SEED: 'demo' });
  browser = await launchBrowser();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
});

async function fresh(): Promise<{ page: Page; problems: PageProblems }> {
  const { page, problems } = await openPage(browser, { width: 1600, height: 900 });
  return { page, problems };
}
const shot = async (page: Page, name: string) => writeFileSync(path.join(SHOTS, name), await page.screenshot());

async function signIn(page: Page, role: string): Promise<void> {
  const u = account(role);
  await page.goto(`${gateway.url}/#login`);
  await page.getByLabel('用户名').fill(u.username);
  await page.getByLabel('密码').fill(u.password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.locator('.user-name', { hasText: u.displayName }).waitFor();
}

describe('identity UI', () => {
  it('shows visitors the public map with 登录, and logs in and out', async () => {
    const { page, problems } = await fresh();
    await page.goto(gateway.url);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByLabel('用户名').fill(account('commander').username);
    await page.getByLabel('密码').fill('Wrong#Password-1');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
    await shot(page, 'identity-login-error.png');
    await page.getByLabel('密码').fill(account('commander').password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('.user-name', { hasText: '王指挥' }).waitFor();
    expect(await page.locator('.user-role').textContent()).toBe('指挥员');
    // The page menu offers what the role may open: the command wall, not user administration.
    await page.getByText('切换页面').click();
    await page.getByRole('menuitem', { name: '指挥大屏' }).waitFor();
    expect(await page.getByRole('menuitem', { name: '用户/角色/部门管理' }).count()).toBe(0);
    await shot(page, 'identity-signed-in.png');
    await page.getByLabel('用户菜单').click();
    await page.getByRole('menuitem', { name: '退出' }).click();
    await page.locator('.login-notice', { hasText: '已退出登录' }).waitFor();
    await page.getByRole('button', { name: /返回地图/ }).click();
    await page.getByRole('button', { name: '登录' }).waitFor();
    // The browser reports the refused wrong password as a failed resource load; nothing else failed.
    expect(problems.errors.filter((e) => !e.includes('status of 401'))).toEqual([]);
    // The one failed request is the wrong password.
    expect(problems.failedRequests.filter((r) => !r.includes('/api/auth/login: HTTP 401'))).toEqual([]);
    await page.close();
  });

  it('warns before the idle timeout and 续期 renews the session', async () => {
    const { page } = await fresh();
    await signIn(page, 'leader');
    // Make the session look 90 s from its idle deadline; 续期 then goes to the real server.
    await page.route('**/api/auth/session', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { session: { idleExpiresAt: string } | null };
      if (body.session) body.session.idleExpiresAt = new Date(Date.now() + 90_000).toISOString();
      await route.fulfill({ response: res, json: body });
    });
    await page.reload();
    const warning = page.locator('.expiry-warning', { hasText: '会话即将过期' });
    await warning.waitFor();
    expect(await warning.locator('.expiry-countdown').textContent()).toMatch(/^1:[0-3]\d$/);
    await shot(page, 'identity-expiry-warning.png');
    await warning.getByRole('button', { name: '续期' }).click();
    await warning.waitFor({ state: 'detached' });
    await page.close();
  });

  it('lets the system administrator manage users, and not read the audit log', async () => {
    const { page, problems } = await fresh();
    await signIn(page, 'sysadmin');
    await page.getByText('切换页面').click();
    await page.getByRole('menuitem', { name: '用户/角色/部门管理' }).waitFor();
    expect(await page.getByRole('menuitem', { name: '审计日志' }).count()).toBe(0);
    await page.getByRole('menuitem', { name: '用户/角色/部门管理' }).click();
    await page.locator('tr[data-username="zhihui.wang"]').waitFor();
    expect(await page.locator('tr[data-username="auditor.qian"]').textContent()).toContain('三员分立');
    const username = `web.${Date.now().toString(36)}`;
    await page.getByRole('button', { name: '新建用户' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel(/^登录名/).fill(username);
    await form.getByLabel('姓名').fill('网页新建');
    await form.getByLabel('角色').selectOption('dispatcher');
    await form.getByLabel('所属部门').selectOption('command-center');
    await form.getByLabel(/^初始密码/).fill('password123');
    await form.getByRole('button', { name: '创建' }).click();
    await form.getByRole('alert').filter({ hasText: '密码不符合要求' }).waitFor();
    await form.getByLabel(/^初始密码/).fill('Web#Initial-5521');
    await form.getByRole('button', { name: '创建' }).click();
    await page.locator(`tr[data-username="${username}"]`).waitFor();
    expect(await page.locator(`tr[data-username="${username}"]`).textContent()).toContain('待修改初始密码');
    await shot(page, 'identity-admin-users.png');
    await page.getByRole('tab', { name: '部门管理' }).click();
    await page.getByText('市消防救援支队（119）').waitFor();
    // The weak password was refused with a 400 on purpose.
    expect(problems.errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
    await page.close();
  });

  it('lets the audit administrator filter the log and verify the chain', async () => {
    const { page, problems } = await fresh();
    await signIn(page, 'auditadmin');
    await page.getByText('切换页面').click();
    await page.getByRole('menuitem', { name: '审计日志' }).waitFor();
    expect(await page.getByRole('menuitem', { name: '用户/角色/部门管理' }).count()).toBe(0);
    await page.getByRole('menuitem', { name: '审计日志' }).click();
    await page.locator('.audit-table tbody tr').first().waitFor();
    await page.getByLabel('用户', { exact: true }).fill(account('sysadmin').username);
    await page.getByLabel('操作').selectOption('user.create');
    await page.getByRole('button', { name: '查询' }).click();
    // The unfiltered list may already hold user.create rows: wait until the filtered answer has replaced it.
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll('[data-testid=audit-entry]')];
        return rows.length > 0 && rows.every((tr) => tr.getAttribute('data-action') === 'user.create');
      },
      undefined,
      { timeout: 10_000 },
    );
    // People read the action and the object in Chinese: 新建用户, 用户 <login name>.
    const actions = await page.locator('[data-testid=audit-entry] .audit-action').allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(['新建用户']));
    expect(await page.locator('[data-testid=audit-entry] .audit-object').first().textContent()).toMatch(/^用户 \S+$/);
    await page.getByRole('button', { name: '校验链' }).click();
    // The whole chain is walked: every suite running beside this one adds to it, so it may take a while.
    await page.getByRole('status').filter({ hasText: '哈希链完整' }).waitFor({ timeout: 120_000 });
    await shot(page, 'identity-audit.png');
    expect(problems.errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('shows the system administrator a person’s API tokens and revokes one from the users page', async () => {
    const db = await openTestDb();
    const own = await createAccount(db, { role: 'planner', departmentId: 'planning' }).finally(() => db.close());
    const { page, problems } = await fresh();
    await page.goto(`${gateway.url}/#login`);
    await page.getByLabel('用户名').fill(own.username);
    await page.getByLabel('密码').fill(own.password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('.user-name').waitFor();
    const token = await page.evaluate(async () => {
      const res = await fetch('/api/auth/tokens', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ label: 'QGIS 网页测试', days: 30 }),
      });
      return ((await res.json()) as { token: string }).token;
    });
    const read = () =>
      fetch(`${gateway.url}/ogc/collections/incidents/items?limit=1`, { headers: { authorization: `Bearer ${token}` } });
    expect((await read()).status).toBe(200);
    await page.close();

    const admin = await fresh();
    await signIn(admin.page, 'sysadmin');
    await admin.page.getByText('切换页面').click();
    await admin.page.getByRole('menuitem', { name: '用户/角色/部门管理' }).click();
    const row = admin.page.locator(`tr[data-username="${own.username}"]`);
    await row.getByRole('button', { name: 'API 令牌' }).click();
    const dialog = admin.page.getByRole('dialog');
    const tokenRow = dialog.locator('tr', { hasText: 'QGIS 网页测试' });
    await tokenRow.waitFor();
    expect(await tokenRow.textContent()).toContain('有效');
    expect(await dialog.textContent()).not.toContain(token);
    await tokenRow.getByRole('button', { name: '撤销' }).click();
    await tokenRow.filter({ hasText: '已撤销' }).waitFor();
    await shot(admin.page, 'identity-admin-user-tokens.png');
    expect((await read()).status).toBe(401);
    expect([...problems.errors, ...admin.problems.errors]).toEqual([]);
    await admin.page.close();
  });

  it('sends a page whose session is revoked back to the login form at once', async () => {
    const { page } = await fresh();
    // An account of its own: revoking the demo planner's sessions would end other suites' browser sessions.
    const db = await openTestDb();
    const own = await createAccount(db, { role: 'planner', departmentId: 'planning' }).finally(() => db.close());
    await page.goto(`${gateway.url}/#login`);
    await page.getByLabel('用户名').fill(own.username);
    await page.getByLabel('密码').fill(own.password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('[data-realtime="connected"]').waitFor();
    const admin = await fresh();
    await signIn(admin.page, 'sysadmin');
    const me = await page.evaluate(
      async () => ((await (await fetch('/api/auth/me')).json()) as { user: { id: string } }).user.id,
    );
    await admin.page.evaluate(async (id) => {
      await fetch(`/api/admin/users/${id}/revoke-sessions`, { method: 'POST' });
    }, me);
    // The page is told by the server (no reload, no user action); the 1 s budget is measured at the socket layer
    // in realtime-auth.test.ts, not here under a browser's scheduling.
    await page.locator('.login-notice', { hasText: '会话已被管理员注销' }).waitFor({ timeout: 10_000 });
    await shot(page, 'identity-revoked.png');
    await page.close();
    await admin.page.close();
  });
});
