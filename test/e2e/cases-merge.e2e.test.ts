import { randomUUID } from 'node:crypto';
import { DEMO, signedIn, type Session } from '../support/cases-web';
import { startE2e, type E2eStack } from '../support/e2e';

/**
 * 重复案件合并 in the dispatch console: two inspectors report the same overflowing bin; the dispatcher sees the other
 * report offered as a duplicate in the case detail and merges this one into it (作废 with the link, in the history).
 */
let e2e: E2eStack | undefined;
const sessions: Session[] = [];

beforeAll(async () => {
  e2e = await startE2e();
}, 300_000);

afterAll(async () => {
  for (const s of sessions) await s.context.close().catch(() => undefined);
  await e2e?.close();
});

it('merges a duplicate report into the case that stays, from the case detail', async () => {
  const inspector = await signedIn(e2e!.browser, e2e!.gateway.url, DEMO.inspector);
  sessions.push(inspector);
  // A spot of its own (a random point in central Harbin), reported twice.
  const spot = { lon: 126.6 + Math.random() * 0.08, lat: 45.73 + Math.random() * 0.04 };
  const report = async () => {
    const res = await inspector.page.request.post(`${e2e!.gateway.url}/api/cases`, {
      headers: { Origin: e2e!.gateway.url },
      data: { idempotencyKey: randomUUID(), categoryCode: 'SJ0102', description: '垃圾桶满溢，周边散落垃圾', ...spot },
    });
    expect(res.status()).toBe(201);
    return ((await res.json()) as { case: { id: number; code: string } }).case;
  };
  const kept = await report();
  const duplicate = await report();

  const dispatcher = await signedIn(e2e!.browser, e2e!.gateway.url, DEMO.dispatcher);
  sessions.push(dispatcher);
  await dispatcher.page.goto(`${e2e!.gateway.url}/#cases`);
  await dispatcher.page.locator(`[data-testid=case-row][data-case-id="${duplicate.id}"]`).click();
  const panel = dispatcher.page.locator('[data-testid=case-duplicates]');
  await panel.waitFor({ timeout: 60_000 });
  expect(await panel.textContent()).toContain(kept.code);
  await dispatcher.shot('cases-merge-offered.png');
  await panel.locator(`[data-testid=merge-into][data-case-id="${kept.id}"]`).click();
  await dispatcher.page.waitForFunction(
    (id) => document.querySelector(`[data-testid=case-detail][data-case-id="${id}"]`)?.getAttribute('data-state') === 'voided',
    duplicate.id,
    { timeout: 60_000 },
  );
  expect(await dispatcher.page.locator('[data-testid=case-steps]').textContent()).toContain(kept.code);
  await dispatcher.shot('cases-merge-done.png');

  const res = await dispatcher.page.request.get(`${e2e!.gateway.url}/api/cases/${duplicate.id}`);
  const detail = (await res.json()) as { state: string; steps: { event: string; data: Record<string, unknown> }[] };
  expect(detail.state).toBe('voided');
  expect(detail.steps.at(-1)).toMatchObject({ event: 'void', data: { duplicateOf: kept.id } });
  expect(dispatcher.problems.errors).toEqual([]);
});
