import type { CaseDetail, CaseListResponse } from '../../contracts/cases';
import type { Db } from '../../geo/db/types';
import { DEMO, gridPoint, makeJpeg, signedIn, type Session } from '../support/cases-web';
import { openTestDb } from '../support/db';
import { startE2e, type E2eStack } from '../support/e2e';

/**
 * The 数字城管 closed loop through the real UI: the inspector reports on a phone (390×844, touch) with a photo and
 * the phone's position → the dispatcher accepts, files (立案) and dispatches in the console → the handler signs
 * for it (签收) and feeds back with a photo → the dispatcher sends it for a check → the inspector checks (核查)
 * with a photo on the phone → the dispatcher closes it (结案). The final state is read from the API.
 * Screenshots: test-output/e2e/cases-*.png.
 */

let e2e: E2eStack | undefined;
let db: Db | undefined;
const sessions: Session[] = [];

beforeAll(async () => {
  e2e = await startE2e();
  db = await openTestDb();
}, 300_000);

afterAll(async () => {
  for (const s of sessions) await s.context.close().catch(() => undefined);
  await e2e?.close();
  await db?.close();
});

const open = async (
  who: keyof typeof DEMO,
  hash: string,
  options: { phone?: boolean; at?: { lon: number; lat: number } } = {},
) => {
  const s = await signedIn(e2e!.browser, e2e!.gateway.url, DEMO[who], options);
  sessions.push(s);
  await s.page.goto(`${e2e!.gateway.url}/${hash}`);
  return s;
};

/** Waits until the element matching `selector` has `data-state` equal to `state`. */
const stateIs = (s: Session, selector: string, state: string, timeout = 30_000) =>
  s.page.waitForFunction(
    ([sel, st]) => document.querySelector(sel)?.getAttribute('data-state') === st,
    [selector, state] as const,
    {
      timeout,
    },
  );

it('runs a case from the inspector’s report to 结案 through the UI', async () => {
  try {
    await loop();
  } catch (err) {
    // What each screen showed when it failed, and what the browsers complained about.
    for (const [i, s] of sessions.entries()) await s.shot(`cases-failed-${i}.png`).catch(() => undefined);
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\n${sessions.map((s) => [...s.problems.errors, ...s.problems.failedRequests].join('\n')).join('\n')}`,
      { cause: err },
    );
  }
}, 300_000);

async function loop(): Promise<void> {
  const spot = await gridPoint(db!, '230103', 7);
  const before = await makeJpeg('before.jpg', { r: 120, g: 90, b: 60 });
  const after = await makeJpeg('after.jpg', { r: 60, g: 140, b: 80 });
  const checkPhoto = await makeJpeg('check.jpg', { r: 70, g: 120, b: 160 });

  // 1. The inspector reports from the phone.
  const inspector = await open('inspector', '#inspector', { phone: true, at: spot });
  await inspector.page.locator('[data-testid=inspector-page]').waitFor({ timeout: 60_000 });
  await inspector.page.locator('[data-testid=report-photo]').setInputFiles(before);
  await inspector.page.locator('[data-testid=picked-photos][data-count="1"]').waitFor();
  await inspector.page.locator('[data-testid=use-gps]').tap();
  await inspector.page.waitForFunction(
    (grid) => document.querySelector('[data-testid=report-place]')?.textContent?.includes(grid) ?? false,
    spot.gridCode,
    { timeout: 60_000 },
  );
  const place = await inspector.page.locator('[data-testid=report-place]').textContent();
  expect(place).toContain('南岗区');
  await inspector.page.locator('[data-testid=category-search]').tap();
  await inspector.page.locator('[data-testid=category-search]').fill('上水井盖');
  await inspector.page.locator('[data-testid=category-option][data-code=BJ0101]').tap();
  await inspector.page.locator('[data-testid=report-description]').fill('人行道上水井盖缺失，已放置警示');
  await inspector.page.locator('[data-testid=point-picker] .map[data-map-state=idle]').waitFor({ timeout: 60_000 });
  await inspector.page.locator('[data-testid=chosen-category]').scrollIntoViewIfNeeded();
  await inspector.shot('cases-1-inspector-report.png');
  await inspector.page.locator('[data-testid=report-submit]').tap();
  const result = inspector.page.locator('[data-testid=report-result]');
  const duplicates = inspector.page.locator('[data-testid=duplicates]');
  await Promise.race([result.waitFor({ timeout: 60_000 }), duplicates.waitFor({ timeout: 60_000 })]);
  if (await duplicates.isVisible()) {
    await inspector.shot('cases-1b-inspector-duplicates.png');
    await inspector.page.locator('[data-testid=duplicate-report-anyway]').tap();
  }
  await inspector.page.locator('[data-testid=report-result][data-status=sent]').waitFor({ timeout: 60_000 });
  const key = (await result.getAttribute('data-key'))!;
  expect(key).toMatch(/^[0-9a-f-]{36}$/);
  await inspector.shot('cases-2-inspector-sent.png');
  expect(await inspector.page.locator('[data-testid=outbox-count]').getAttribute('data-count')).toBe('0');

  const [row] = await db!.query<{ id: string; code: string; state: string; grid_code: string }>(
    'SELECT id, code, state, grid_code FROM city_case WHERE idempotency_key = $1',
    [key],
  );
  expect(row).toBeDefined();
  expect(row!.state).toBe('reported');
  expect(row!.grid_code).toBe(spot.gridCode);
  const id = Number(row!.id);
  const caseRow = `[data-testid=case-row][data-case-id="${id}"]`;

  // 2. The dispatcher accepts (受理), files (立案) and dispatches (派遣) from the queue, one click each.
  const dispatcher = await open('dispatcher', '#cases');
  await dispatcher.page.locator('[data-testid=cases-page][data-ready=true]').waitFor({ timeout: 60_000 });
  await dispatcher.page.locator(caseRow).waitFor({ timeout: 60_000 });
  await dispatcher.page.locator(caseRow).click();
  await dispatcher.page.locator(`[data-testid=case-detail][data-case-id="${id}"]`).waitFor();
  await dispatcher.shot('cases-3-dispatcher-queue.png');
  await dispatcher.page.locator(`${caseRow} [data-testid=quick-accept]`).click();
  await stateIs(dispatcher, caseRow, 'pending_filing');
  await dispatcher.page.locator(`${caseRow} [data-testid=quick-file]`).click();
  await stateIs(dispatcher, caseRow, 'filed');
  // The detail names the department the server's dispatch rules pick, and 派遣 sends the case there.
  await stateIs(dispatcher, '[data-testid=case-detail]', 'filed');
  const suggestion = dispatcher.page.locator('[data-testid=dispatch-suggestion]');
  await suggestion.waitFor();
  const suggestedId = await suggestion.getAttribute('data-department-id');
  const dispatchButton = dispatcher.page.locator(`${caseRow} [data-testid=quick-dispatch]`);
  expect(await dispatchButton.textContent()).toBe('派遣');
  await dispatchButton.click();
  // Dispatched cases leave the acceptance queue; the detail stays open.
  await stateIs(dispatcher, '[data-testid=case-detail]', 'dispatched');
  await dispatcher.page.locator(caseRow).waitFor({ state: 'detached' });
  expect(await dispatcher.page.locator('[data-testid=case-department]').textContent()).toContain('城市管理');
  const [dispatchedTo] = await db!.query<{ department_id: string }>('SELECT department_id FROM city_case WHERE id = $1', [id]);
  expect(dispatchedTo!.department_id).toBe(suggestedId);
  // 督办: the dispatcher raises a yellow card; only higher levels are offered afterwards.
  await dispatcher.page.locator('[data-testid=event-supervise]').click();
  await dispatcher.page.locator('[data-testid=level-yellow]').click();
  await dispatcher.page.locator('[data-testid=event-submit]').click();
  await dispatcher.page.locator('[data-testid=event-form-supervise]').waitFor({ state: 'detached' });
  await dispatcher.page.locator('[data-testid=case-detail] .case-level-yellow').waitFor();
  await dispatcher.page.locator('[data-testid=event-supervise]').click();
  await dispatcher.page.locator('[data-testid=level-red]').waitFor();
  expect(await dispatcher.page.locator('[data-testid=level-normal], [data-testid=level-yellow]').count()).toBe(0);
  await dispatcher.page.locator('[data-testid=event-supervise]').click();
  await dispatcher.shot('cases-4-dispatcher-dispatched.png');

  // 3. The handler of 城管 signs for it and feeds back with an after photo.
  const handler = await open('handler', '#cases');
  await handler.page.locator('[data-testid=cases-page][data-ready=true]').waitFor({ timeout: 60_000 });
  await handler.page.locator(caseRow).waitFor({ timeout: 60_000 });
  await handler.page.locator(`${caseRow} [data-testid=quick-take]`).click();
  await stateIs(handler, caseRow, 'handling');
  await handler.page.locator(caseRow).click();
  await stateIs(handler, '[data-testid=case-detail]', 'handling');
  await handler.page.locator('[data-testid=event-feedback]').click();
  await handler.page.locator('[data-testid=event-photo-feedback]').setInputFiles(after);
  await handler.page.locator('[data-testid=event-note]').fill('已补装井盖');
  await handler.shot('cases-5-handler-feedback.png');
  await handler.page.locator('[data-testid=event-submit]').click();
  await stateIs(handler, '[data-testid=case-detail]', 'fed_back');
  await handler.page.locator('[data-testid=case-photo][data-stage=feedback]').waitFor();

  // 4. The dispatcher sends it for a check (派发核查).
  await stateIs(dispatcher, '[data-testid=case-detail]', 'fed_back');
  await dispatcher.page.locator('[data-testid=event-request_check]').click();
  await dispatcher.page.locator('[data-testid=event-submit]').click();
  await stateIs(dispatcher, '[data-testid=case-detail]', 'checking');
  // Fed back and being checked: the handling clock stopped, but the case is not completed yet.
  const badge = dispatcher.page.locator('[data-testid=case-detail] [data-testid=sla-badge]');
  expect(await badge.getAttribute('data-tone')).toBe('awaiting');
  expect(await badge.textContent()).toContain('已反馈待结案');

  // 5. The inspector finds it under 我的任务 and checks it with a photo.
  await inspector.page.locator('[data-testid=tab-tasks]').tap();
  const task = inspector.page.locator(`[data-testid=task][data-case-id="${id}"]`);
  await task.waitFor({ timeout: 60_000 });
  expect(await task.locator('[data-testid=navigate]').getAttribute('href')).toMatch(/^geo:45\.\d+,126\.\d+/);
  await inspector.shot('cases-6-inspector-tasks.png');
  await task.locator('.insp-task').tap();
  await stateIs(inspector, '[data-testid=case-detail]', 'checking');
  await inspector.page.locator('[data-testid=event-check]').tap();
  await inspector.page.locator('[data-testid=result-yes]').tap();
  await inspector.page.locator('[data-testid=event-photo-check]').setInputFiles(checkPhoto);
  await inspector.page.locator('[data-testid=event-submit]').scrollIntoViewIfNeeded();
  await inspector.shot('cases-7-inspector-check.png');
  await inspector.page.locator('[data-testid=event-submit]').tap();
  await stateIs(inspector, '[data-testid=case-detail]', 'checked');

  // 6. The dispatcher closes it (结案).
  await stateIs(dispatcher, '[data-testid=case-detail]', 'checked');
  await dispatcher.page.locator('[data-testid=event-close]').click();
  await dispatcher.page.locator('[data-testid=event-submit]').click();
  await stateIs(dispatcher, '[data-testid=case-detail]', 'closed');
  expect(await badge.getAttribute('data-tone')).toBe('done');
  await dispatcher.shot('cases-8-dispatcher-closed.png');

  const res = await dispatcher.context.request.get(`${e2e!.gateway.url}/api/cases/${id}`);
  expect(res.status()).toBe(200);
  const final = (await res.json()) as CaseDetail;
  expect(final.state).toBe('closed');
  expect(final.departmentId).toBe('urban-mgmt');
  expect(final.checkPassed).toBe(true);
  expect(final.steps.map((s) => s.event)).toEqual([
    'report',
    'accept',
    'file',
    'dispatch',
    'supervise',
    'take',
    'feedback',
    'request_check',
    'check',
    'close',
  ]);
  expect(final.steps.map((s) => s.actorName)).toEqual([
    '赵监督',
    '李受理',
    '李受理',
    '李受理',
    '李受理',
    '刘处置（城管）',
    '刘处置（城管）',
    '李受理',
    '赵监督',
    '李受理',
  ]);
  expect(final.supervision).toBe('yellow');
  expect(final.photos.map((p) => p.stage).sort()).toEqual(['check', 'feedback', 'report']);
  const list = (await (
    await dispatcher.context.request.get(`${e2e!.gateway.url}/api/cases?state=closed`)
  ).json()) as CaseListResponse;
  expect(list.cases.filter((c) => c.code === final.code)).toHaveLength(1);

  // 7. 综合评价 counts the case: filed and closed in this month, by grid on the heat map, exports download.
  await dispatcher.page.goto(`${e2e!.gateway.url}/#evaluation`);
  await dispatcher.page.locator('[data-testid=evaluation-page][data-ready=true]').waitFor({ timeout: 60_000 });
  const kpi = (id: string) => dispatcher.page.locator(`[data-testid=eval-total] [data-indicator=${id}] strong`).textContent();
  expect(Number(await kpi('filed'))).toBeGreaterThanOrEqual(1);
  expect(Number(await kpi('closed'))).toBeGreaterThanOrEqual(1);
  expect(await dispatcher.page.locator('[data-testid=eval-row][data-key="230103"]').count()).toBe(1);
  for (const format of ['csv', 'xlsx']) {
    const href = (await dispatcher.page.locator(`[data-testid=export-${format}]`).getAttribute('href'))!;
    expect(href).toContain(`format=${format}`);
    const file = await dispatcher.context.request.get(new URL(href, e2e!.gateway.url).toString());
    expect(file.status()).toBe(200);
    expect((await file.body()).length).toBeGreaterThan(20);
  }
  await dispatcher.page.locator('[data-testid=eval-by]').selectOption('grid');
  await dispatcher.page.locator(`[data-testid=eval-row][data-key="${spot.gridCode}"]`).waitFor({ timeout: 60_000 });
  await dispatcher.page.locator('[data-testid=grid-heat] .map[data-map-state=idle]').waitFor({ timeout: 60_000 });
  await dispatcher.shot('cases-9-evaluation-grid.png');

  for (const s of sessions) expect(s.problems.errors).toEqual([]);
}
