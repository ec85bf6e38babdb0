import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { DEMO, signedIn, type Session } from '../support/cases-web';
import { ROOT, testDatabaseUrl } from '../support/env';
import { startGateway, type GatewayProcess } from '../support/gateway-process';

/**
 * 重复案件合并 in the dispatch console: two inspectors report the same overflowing bin; the dispatcher sees the other
 * report offered as a duplicate in the case detail and merges this one into it (作废 with the link, in the history).
 */
let gateway: GatewayProcess | undefined;
let browser: Browser | undefined;
const sessions: Session[] = [];

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist', 'web', 'index.html'))) throw new Error('the web app is not built (npm test builds it)');
  gateway = await startGateway({ DATABASE_URL: testDatabaseUrl(), IDENTITY_SEED: 'demo' }, 240_000);
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  for (const s of sessions) await s.context.close().catch(() => undefined);
  await browser?.close();
  await gateway?.stop();
});

it('merges a duplicate report into the case that stays, from the case detail', async () => {
  const inspector = await signedIn(browser!, gateway!.url, DEMO.inspector);
  sessions.push(inspector);
  // A spot of its own (a random point in central Harbin), reported twice.
  const spot = { lon: 126.6 + Math.random() * 0.08, lat: 45.73 + Math.random() * 0.04 };
  const report = async () => {
    const res = await inspector.page.request.post(`${gateway!.url}/api/cases`, {
      data: { idempotencyKey: randomUUID(), categoryCode: 'SJ0102', description: '垃圾桶满溢，周边散落垃圾', ...spot },
    });
    expect(res.status()).toBe(201);
    return ((await res.json()) as { case: { id: number; code: string } }).case;
  };
  const kept = await report();
  const duplicate = await report();

  const dispatcher = await signedIn(browser!, gateway!.url, DEMO.dispatcher);
  sessions.push(dispatcher);
  await dispatcher.page.goto(`${gateway!.url}/#cases`);
  await dispatcher.page.locator(`[data-testid=case-row][data-case-id="${duplicate.id}"]`).click();
  const panel = dispatcher.page.locator('[data-testid=case-duplicates]');
  await panel.waitFor({ timeout: 15_000 });
  expect(await panel.textContent()).toContain(kept.code);
  await dispatcher.shot('cases-merge-offered.png');
  await panel.locator(`[data-testid=merge-into][data-case-id="${kept.id}"]`).click();
  await dispatcher.page.waitForFunction(
    (id) => document.querySelector(`[data-testid=case-detail][data-case-id="${id}"]`)?.getAttribute('data-state') === 'voided',
    duplicate.id,
    { timeout: 15_000 },
  );
  expect(await dispatcher.page.locator('[data-testid=case-steps]').textContent()).toContain(kept.code);
  await dispatcher.shot('cases-merge-done.png');

  const res = await dispatcher.page.request.get(`${gateway!.url}/api/cases/${duplicate.id}`);
  const detail = (await res.json()) as { state: string; steps: { event: string; data: Record<string, unknown> }[] };
  expect(detail.state).toBe('voided');
  expect(detail.steps.at(-1)).toMatchObject({ event: 'void', data: { duplicateOf: kept.id } });
  expect(dispatcher.problems.errors).toEqual([]);
});
