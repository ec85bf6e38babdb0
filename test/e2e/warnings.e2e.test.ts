import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import type { PublicWarning } from '../../contracts/warnings';
import type { PageProblems } from '../support/browser';
import { SHOTS, signedInPage, startE2e, type E2eStack } from '../support/e2e';

/**
 * Public warnings end to end: a leader publishes a 橙色 暴雪 warning for 道里区 on the 预警发布 page (desktop); the
 * 4K wall — another browser, signed in as the wall device, open before the warning existed — shows it without a
 * reload: the chip over the map and the district filled in orange. The CAP document of the warning is served to
 * anyone. Screenshots: test-output/e2e/warnings-*.png.
 */

let e2e: E2eStack | undefined;
let leader: { page: Page; problems: PageProblems };
let wall: { page: Page; problems: PageProblems };

const shot = async (page: Page, name: string) => {
  const png = await page.screenshot();
  writeFileSync(path.join(SHOTS, name), png);
  return png;
};

/**
 * Share of clearly orange pixels in the wall's map area: the warning orange (255,128,0) as its outline draws it and
 * as its fill blends over the basemap, not the basemap's greys, greens, blues and pale road yellows.
 */
async function orangeShare(page: Page, png: Buffer): Promise<number> {
  const box = (await page.locator('[data-testid=wall-map]').boundingBox())!;
  const { data, width } = PNG.sync.read(png);
  let hits = 0;
  let total = 0;
  for (let y = Math.round(box.y); y < Math.round(box.y + box.height); y += 2) {
    for (let x = Math.round(box.x); x < Math.round(box.x + box.width); x += 2) {
      const i = (y * width + x) * 4;
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      total++;
      if (r > 200 && r - b > 70 && g > 100 && g < 215 && r - g > 35) hits++;
    }
  }
  return hits / total;
}

/** Opens a page of the app and waits for `ready`; on failure keeps a screenshot and says what the page reported. */
async function open(page: { page: Page; problems: PageProblems }, hash: string, ready: string, name: string) {
  try {
    await page.page.goto(`${e2e!.gateway.url}/#${hash}`, { timeout: 120_000 });
    await page.page.locator(ready).first().waitFor({ timeout: 120_000 });
  } catch (err) {
    await shot(page.page, `warnings-${name}-failed.png`).catch(() => undefined);
    const problems = [...page.problems.errors, ...page.problems.failedRequests].join('\n');
    throw new Error(`#${hash} did not open: ${String(err)}\n${problems}`, { cause: err });
  }
}

beforeAll(async () => {
  e2e = await startE2e();
  // The machine is shared: pages get generous time to load (software WebGL at 4K).
  leader = await signedInPage(e2e, 'lingdao.sun', { width: 1600, height: 900 });
  // Other suites share the database and may leave warnings in force over 道里区: the leader lifts every warning in
  // force first, as the duty leader would before a drill, so the wall's orange is this warning's alone.
  const inForce = (await (await leader.page.request.get(`${e2e.gateway.url}/api/warnings`)).json()) as {
    warnings: PublicWarning[];
  };
  for (const w of inForce.warnings.filter((x) => x.msgType !== 'Cancel')) {
    const lifted = await leader.page.request.post(`${e2e.gateway.url}/api/warnings/${w.id}/cancel`, {
      data: { reason: '演练前解除在先的预警' },
      headers: { origin: e2e.gateway.url },
    });
    // Lifted meanwhile by its own suite or by the expiry sweep: 404/409 are the answers for that.
    if (![200, 404, 409].includes(lifted.status())) throw new Error(`cancel ${w.id}: ${lifted.status()} ${await lifted.text()}`);
  }
  await open(leader, 'warnings', '[data-testid=warning-districts] input', 'desk');
  wall = await signedInPage(e2e, 'wall.main', { width: 3840, height: 2160 });
  await open(wall, 'wall', '[data-testid=wall-page][data-ready=true]', 'wall');
  await wall.page.locator('[data-testid=wall-connection][data-state=connected]').waitFor({ timeout: 120_000 });
  leader.page.setDefaultTimeout(120_000);
  wall.page.setDefaultTimeout(120_000);
}, 600_000);

afterAll(async () => {
  await e2e?.close();
});

it('a leader publishes an orange snowstorm warning for 道里区 and the 4K wall shows it at once', async () => {
  // The wall shows the warnings layer (by its mode's defaults, or switched on by hand as an operator would).
  const mapSection = wall.page.locator('[data-testid=wall-map]');
  if (!(await mapSection.getAttribute('data-layers'))!.split(',').includes('warnings')) {
    await wall.page.locator('[data-testid=layer-toggle] summary').click();
    await wall.page.locator('[data-testid=layer-toggle-warnings]').check();
    await wall.page.locator('[data-testid=layer-toggle] summary').click();
  }
  await wall.page.waitForFunction(() =>
    document.querySelector('[data-testid=wall-map]')?.getAttribute('data-layers')?.split(',').includes('warnings'),
  );
  await wall.page.waitForFunction(
    () => document.querySelector('.maplibregl-map')?.getAttribute('data-map-state') === 'idle',
    null,
    {
      timeout: 120_000,
    },
  );
  await wall.page.waitForTimeout(1000);
  const before = await orangeShare(wall.page, await shot(wall.page, 'warnings-wall-4k-before.png'));

  // The leader fills in the form: 暴雪, 橙色, 道里区, content and 防御指南.
  const form = leader.page.locator('[data-testid=warning-form]');
  await form.locator('select[name=hazard]').selectOption('snowstorm');
  await form.locator('[data-level=orange]').click();
  await form.locator('[data-testid=warning-districts] label', { hasText: '道里区' }).locator('input').check();
  await form
    .locator('textarea[name=description]')
    .fill('预计今天夜间到明天白天道里区将出现暴雪，降雪量10毫米以上，局地伴有6级阵风。');
  await form.locator('textarea[name=instruction]').fill('减少不必要的外出；机动车减速慢行；环卫、交警做好道路除雪与交通疏导。');
  await shot(leader.page, 'warnings-desk-form.png');
  const answer = leader.page.waitForResponse((r) => r.url().endsWith('/api/warnings') && r.request().method() === 'POST');
  await form.locator('[data-testid=warning-submit]').click();
  const res = await answer;
  expect(res.status()).toBe(201);
  const warning = (await res.json()) as PublicWarning;
  expect(warning).toMatchObject({ hazard: 'snowstorm', level: 'orange', areaDesc: '道里区', areaCodes: ['230102'] });
  await leader.page.locator('[data-testid=warning-notice]').waitFor();
  await leader.page.locator('[data-testid=warning-list] li[data-level=orange]').waitFor();
  await leader.page.waitForTimeout(1500);
  await shot(leader.page, 'warnings-desk-published.png');

  // The wall: the chip, live over the socket, and the district filled in orange.
  const chip = wall.page.locator(`[data-testid=wall-warnings] li[data-level=orange][data-id="${warning.id}"]`);
  await chip.waitFor({ timeout: 60_000 });
  expect(await chip.textContent()).toContain('道里区 暴雪橙色预警');
  await wall.page.waitForTimeout(2500);
  const after = await orangeShare(wall.page, await shot(wall.page, 'warnings-wall-4k-published.png'));
  // 道里区's urban part fills a large share of the first view; at least 3 % more of the map turns orange.
  expect(after - before).toBeGreaterThan(0.03);

  // Anyone can take it as CAP 1.2 (no session).
  const cap = await fetch(`${e2e!.gateway.url}/api/warnings/${warning.id}.cap`);
  expect(cap.status).toBe(200);
  expect(cap.headers.get('content-type')).toMatch(/^application\/cap\+xml/);
  expect(await cap.text()).toContain('<severity>Severe</severity>');

  expect(wall.problems.errors).toEqual([]);
  expect(leader.problems.errors).toEqual([]);
}, 540_000);
