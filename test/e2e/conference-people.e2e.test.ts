import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { PageProblems } from '../support/browser';
import { SHOTS, signedInPage, startE2e, type E2eStack } from '../support/e2e';

/**
 * A conference as its people meet it, the commander at 1920×1080 and the traffic handler at 3840×2160 (then the other
 * way round): the control bar (icons, Chinese labels, on/off state), the participant list with each participant's
 * microphone as the SFU has it (the handler mutes itself and the commander sees 已静音), a raised hand (举手) the
 * commander sees and lowers, and the video grid filling the screen. Screenshots: test-output/e2e/conference-people-*.png.
 */
const USERS = { host: 'zhihui.wang', handler: 'chuzhi.jiaojing' } as const;
type Who = keyof typeof USERS;
const TITLE = '城区积水处置会商';
const HD = { width: 1920, height: 1080 };
const UHD = { width: 3840, height: 2160 };

let e2e: E2eStack | undefined;
const pages = {} as Record<Who, { page: Page; problems: PageProblems }>;
const shot = async (who: Who, name: string) =>
  writeFileSync(path.join(SHOTS, `conference-people-${name}-${who}.png`), await pages[who].page.screenshot());

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const remoteFrames = (who: Who) =>
  pages[who].page
    .locator('[data-testid=conf-tile][data-self=false][data-source=camera]')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-frames-decoded'))));

let handlerPeer = '';
/** The handler's row in the commander's participant list. */
const handlerRow = () => pages.host.page.locator(`[data-testid=member-item][data-peer-id="${handlerPeer}"]`);

beforeAll(async () => {
  e2e = await startE2e({
    env: { DEMO_UNITS: 'false', MEDIA_WORKERS: '1' },
    browser: {
      args: [
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        '--allow-loopback-in-peer-connection',
        '--autoplay-policy=no-user-gesture-required',
      ],
    },
  });
  pages.host = await signedInPage(e2e, USERS.host, HD);
  pages.handler = await signedInPage(e2e, USERS.handler, UHD);
}, 300_000);

afterAll(() => e2e?.close());

it('enters with the control bar and a video grid that fills the screen at 1080p and 4K', async () => {
  const host = pages.host.page;
  await host.goto(`${e2e!.gateway.url}/#conference`);
  await host.locator('[data-testid=conference-page][data-ready=true]').waitFor({ timeout: 60_000 });
  await host.locator('[data-testid=conf-title]').fill(TITLE);
  await host.locator('[data-testid=conf-role-handler]').check();
  await host.getByLabel('受邀者无需等候、直接入会').check();
  await host.locator('[data-testid=conf-create-submit]').click();
  const item = (p: Page) => p.locator(`[data-testid=conference-item][data-title="${TITLE}"]`);
  await item(host).waitFor({ timeout: 60_000 });
  await item(host).locator('[data-testid=join-conference]').click();
  await host.locator('[data-testid=conference-room][data-phase=in]').waitFor({ timeout: 60_000 });
  const handler = pages.handler.page;
  await handler.goto(`${e2e!.gateway.url}/#conference`);
  await item(handler).waitFor({ timeout: 60_000 });
  await item(handler).locator('[data-testid=join-conference]').click();
  await handler.locator('[data-testid=conference-room][data-phase=in]').waitFor({ timeout: 60_000 });
  await until(
    'both decoding each other',
    async () => {
      for (const who of ['host', 'handler'] as const) {
        const frames = await remoteFrames(who);
        if (frames.length !== 1 || frames[0]! <= 0) return false;
      }
      return true;
    },
    30_000,
  );
  handlerPeer = (await handler.locator('[data-testid=conf-tile][data-self=true]').getAttribute('data-peer-id'))!;
  expect(handlerPeer).toBeTruthy();

  // The control bar: five buttons, each an icon and a Chinese label, the state as pressed / not.
  const controls = await host.locator('[data-testid=conf-controls] button').evaluateAll((els) =>
    els.map((e) => ({
      label: e.textContent,
      icon: e.querySelector('svg') !== null,
      state: e.getAttribute('data-state'),
    })),
  );
  expect(controls).toEqual([
    { label: '静音', icon: true, state: 'on' },
    { label: '关闭摄像头', icon: true, state: 'on' },
    { label: '共享屏幕', icon: true, state: 'off' },
    { label: '举手', icon: true, state: 'off' },
    { label: '退出会商', icon: true, state: 'off' },
  ]);

  // The video uses the screen: the grid's tiles cover most of the stage at both sizes, and are 16:9-ish.
  for (const [who, size] of [
    ['host', HD],
    ['handler', UHD],
  ] as const) {
    const page = pages[who].page;
    const tiles = await page.locator('[data-testid=conf-tile]').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        return { width: r.width, height: r.height };
      }),
    );
    expect(tiles).toHaveLength(2);
    const area = tiles.reduce((sum, t) => sum + t.width * t.height, 0);
    // Two 16:9 tiles side by side beside the participant list: well over a third of the whole screen.
    expect(area / (size.width * size.height)).toBeGreaterThan(0.35);
  }
  const uhdLabel = await handler
    .locator('[data-testid=conf-tile] .conf-tile-name')
    .first()
    .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(uhdLabel).toBeGreaterThanOrEqual(32);
  await shot('host', 'room-1080');
  await shot('handler', 'room-4k');
}, 120_000);

it('shows each participant’s microphone in the list, following the participant’s own mute', async () => {
  const row = handlerRow();
  await until('the handler’s microphone open', async () => (await row.getAttribute('data-mic')) === 'on', 10_000);
  await expect(row.locator('[data-testid=member-mic]').textContent()).resolves.toBe('麦克风开');
  const mic = pages.handler.page.locator('[data-testid=toggle-mic]');
  await mic.click();
  await until('the handler’s button to show muted', async () => (await mic.getAttribute('data-state')) === 'off', 5000);
  await expect(mic.textContent()).resolves.toBe('取消静音');
  await until('the commander to see the handler muted', async () => (await row.getAttribute('data-mic')) === 'off', 5000);
  await expect(row.locator('[data-testid=member-mic]').textContent()).resolves.toBe('已静音');
  // The handler's own row says so as well.
  const own = pages.handler.page.locator(`[data-testid=member-item][data-peer-id="${handlerPeer}"]`);
  await expect(own.getAttribute('data-mic')).resolves.toBe('off');
  await shot('host', 'mic-muted-1080');
  await mic.click();
  await until('the commander to see the handler speak again', async () => (await row.getAttribute('data-mic')) === 'on', 5000);
}, 90_000);

it('shows a raised hand to the commander, who lowers it', async () => {
  const handler = pages.handler.page;
  const hand = handler.locator('[data-testid=raise-hand]');
  await hand.click();
  await until('the hand to be raised', async () => (await hand.getAttribute('data-state')) === 'on', 5000);
  await expect(hand.textContent()).resolves.toBe('放下手');
  const row = handlerRow();
  await row.locator('[data-testid=hand-raised]').waitFor({ timeout: 60_000 });
  await expect(pages.host.page.locator('[data-testid=hands-count]').textContent()).resolves.toBe('1 人举手');
  // Raised hands come first in the list.
  await expect(pages.host.page.locator('[data-testid=member-item]').first().getAttribute('data-peer-id')).resolves.toBe(
    handlerPeer,
  );
  await shot('host', 'hand-raised-1080');
  await shot('handler', 'hand-raised-4k');
  // Now the other way round: the commander at 4K, the handler at 1080p.
  await pages.host.page.setViewportSize(UHD);
  await handler.setViewportSize(HD);
  await pages.host.page.waitForTimeout(800);
  await shot('host', 'hand-raised-4k');
  await shot('handler', 'hand-raised-1080');

  await row.locator('[data-testid=lower-hand]').click();
  await row.locator('[data-testid=hand-raised]').waitFor({ state: 'detached', timeout: 60_000 });
  await until('the handler to see the hand lowered', async () => (await hand.getAttribute('data-state')) === 'off', 5000);
  await expect(pages.host.page.locator('[data-testid=hands-count]').count()).resolves.toBe(0);
  for (const who of ['host', 'handler'] as const) expect([who, pages[who].problems.errors]).toEqual([who, []]);
}, 90_000);
