import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { report, signedHeaders } from '../support/feeds';
import { SHOTS, signedInPage, startE2e, type E2eStack } from '../support/e2e';

/**
 * 信息报送 in the browser (1080p desk): the duty clerk (shouli.li) drafts the 首报 of a live Ⅲ级 response and
 * writes the next steps, the duty leader (lingdao.sun) approves and sends it; the gateway's outbox delivers it to a
 * local upper-level receiver that checks the signature; the page shows it sent and the clock met. Then the
 * situation report page with its map. Screenshots: test-output/e2e/reports-*.png.
 */
const SECRET = 'e2e-upper-level-secret-0123456789abcdef';
const VIEW = { width: 1920, height: 1080 };

let e2e: E2eStack | undefined;
let receiver: Server;
const received: { id: string; body: string; signatureOk: boolean }[] = [];
let incidentTitle = '';

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const given = Buffer.from(String(req.headers['x-report-signature'] ?? ''));
      const want = Buffer.from(
        `sha256=${createHmac('sha256', SECRET)
          .update(`${String(req.headers['x-report-timestamp'])}.${body}`)
          .digest('hex')}`,
      );
      const signatureOk = given.length === want.length && timingSafeEqual(given, want);
      received.push({ id: String(req.headers['x-report-id']), body, signatureOk });
      res.writeHead(signatureOk ? 200 : 401).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  e2e = await startE2e({ env: { REPORT_RECEIVER_URL: `http://127.0.0.1:${port}/upward`, REPORT_RECEIVER_SECRET: SECRET } });

  // A crash through the 110 webhook, and a Ⅲ级 road-traffic response declared for it by the commander.
  const url = e2e.gateway.url;
  const r = report('110', 'traffic_crash', { lon: 126.634, lat: 45.758 }, new Date(Date.now() - 10 * 60_000), { casualties: 3 });
  const body = JSON.stringify(r.payload);
  const fed = await fetch(`${url}/api/feeds/110`, { method: 'POST', headers: signedHeaders('110', body), body });
  expect(fed.status).toBe(201);
  const { incidentId } = (await fed.json()) as { incidentId: number };
  const { page } = await signedInPage(e2e, 'zhihui.wang', VIEW);
  const incident = await page.request.get(`${url}/api/incidents/${incidentId}`);
  incidentTitle = ((await incident.json()) as { title: string }).title;
  const declared = await page.request.post(`${url}/api/responses`, {
    headers: { origin: url },
    data: { incidentIds: [incidentId], planId: 'road-traffic', level: 'III', reason: '两车相撞，3人受伤' },
  });
  expect(declared.status()).toBe(201);
  await page.context().close();
}, 300_000);

afterAll(async () => {
  await e2e?.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const shot = async (page: Page, name: string) => writeFileSync(path.join(SHOTS, name), await page.screenshot());

it('the clerk drafts and edits the 首报, the leader approves and sends it, and the upper level receives it signed', async () => {
  const clerk = await signedInPage(e2e!, 'shouli.li', VIEW, { hash: 'reports', ready: ['[data-testid=receiver-status]'] });
  const p = clerk.page;
  expect(await p.locator('[data-testid=receiver-status]').textContent()).toMatch(/报送至上级接收端 127\.0\.0\.1:\d+/);
  await p.locator('.report-responses button', { hasText: '道路交通事故' }).first().click();
  await p.locator('button', { hasText: '起草首报' }).click();
  const body = p.getByLabel('报告正文');
  await p.waitForFunction(() => (document.querySelector('textarea') as HTMLTextAreaElement | null)?.value.includes('启动原因'));
  const text = await body.inputValue();
  expect(text).toContain(incidentTitle);
  expect(text).toContain('Ⅲ级（较大）');
  expect(text).toContain('报告伤亡 3 人');
  await body.fill(text.replace('（请值班员填写）', '交警已实施交通管制，伤员送医救治。'));
  await p.locator('button', { hasText: '保存修改' }).click();
  await p.locator('.report-editor .muted', { hasText: '修改于' }).waitFor();
  // The clerk cannot approve: the page says who does.
  expect(await p.locator('button', { hasText: '审核通过' }).count()).toBe(0);
  await p.locator('.report-actions', { hasText: '保存后请带班领导审核' }).waitFor();
  await shot(p, 'reports-clerk-draft.png');

  const lead = await signedInPage(e2e!, 'lingdao.sun', VIEW, { hash: 'reports', ready: ['[data-testid=receiver-status]'] });
  const q = lead.page;
  await q.locator('.report-responses button', { hasText: '道路交通事故' }).first().click();
  await q.waitForFunction(() =>
    (document.querySelector('textarea') as HTMLTextAreaElement | null)?.value.includes('交警已实施交通管制'),
  );
  await q.locator('button', { hasText: '审核通过' }).click();
  await q.locator('button', { hasText: '报送上级' }).click();
  await q.locator('.report-archived', { hasText: '已报送上级并存档' }).waitFor({ timeout: 60_000 });
  await q.locator('[data-testid=report-clock] li.clock-met', { hasText: '首报' }).waitFor({ timeout: 60_000 });
  expect(await q.locator('[data-testid=report-clock]').textContent()).toContain('续报1');
  await shot(q, 'reports-leader-sent.png');

  expect(received).toHaveLength(1);
  expect(received[0]!.signatureOk).toBe(true);
  const sent = JSON.parse(received[0]!.body) as { kindLabel: string; body: string; approvedBy: string };
  expect(sent).toMatchObject({ kindLabel: '首报', approvedBy: 'lingdao.sun' });
  expect(sent.body).toContain('交警已实施交通管制，伤员送医救治。');
  expect(clerk.problems.errors).toEqual([]);
  expect(lead.problems.errors).toEqual([]);
  await clerk.context.close();

  // 态势报告: the city's figures, its map from the server, and one district's streets.
  await q.goto(`${e2e!.gateway.url}/#situation`);
  await q.locator('[data-testid=situation-figures]').waitFor();
  await q.waitForFunction(() => {
    const img = document.querySelector('img.situation-map') as HTMLImageElement | null;
    return img !== null && img.complete && img.naturalWidth === 1200;
  });
  expect(await q.locator('[data-testid=situation-figures]').textContent()).toMatch(/启动中的应急响应\s*[1-9]/);
  await shot(q, 'reports-situation-city.png');
  await q.locator('.situation-table button', { hasText: '道里区' }).click();
  await q.locator('.situation-trail strong', { hasText: '道里区' }).waitFor();
  await q.waitForFunction(() => (document.querySelector('img.situation-map') as HTMLImageElement | null)?.complete === true);
  await shot(q, 'reports-situation-district.png');
  expect(lead.problems.errors).toEqual([]);
}, 240_000);
