import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ModeResponse } from '../../contracts/modes';
import { SHOTS, signedInPage, startE2e, WALL_READY, type E2eStack, type SignedInPage } from '../support/e2e';
import { withSharedMode } from '../support/shared-mode';

/**
 * The standing conference of 战时 in the browser: after a leader switches to 战时 (a drill), the wall's chip links
 * straight into the conference (`#conference/<id>`) and the conference page joins it with camera and microphone; an
 * invited commander finds it in the list marked 常设会商; switching back to 平时 ends it on the page with the reason.
 * Real gateway with one mediasoup worker, Chromium with fake media devices. Screenshot: test-output/e2e/standing-*.png.
 */
let e2e: E2eStack | undefined;
let leader: SignedInPage;
let commander: SignedInPage;

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
  leader = await signedInPage(e2e, 'lingdao.sun', { width: 1600, height: 900 }, WALL_READY);
  commander = await signedInPage(e2e, 'zhihui.wang', { width: 1400, height: 860 });
}, 300_000);

afterAll(() => e2e?.close());

/** A mode switch as the leader signed in on the page (a drill, or back to 平时: no second leader needed). */
async function switchMode(body: { mode: string; drill?: boolean; reason: string }) {
  const res = await leader.page.request.post(`${e2e!.gateway.url}/api/mode`, {
    data: body,
    headers: { origin: e2e!.gateway.url },
  });
  expect(res.status()).toBe(200);
}

it('links the wall chip straight into the standing conference, lists it for invitees, and ends it with the mode', async () => {
  await withSharedMode(async () => {
    try {
      await switchMode({ mode: 'daily', reason: '演练前恢复平时' });
      await switchMode({ mode: 'wartime', drill: true, reason: '人防指挥部常设会商演练' });
      const mode = (await (await leader.page.request.get(`${e2e!.gateway.url}/api/mode`)).json()) as ModeResponse;
      const id = mode.conference!.id;

      // The wall's chip names the conference and links into it.
      const chip = leader.page.locator('[data-testid=mode-conference]');
      await chip.waitFor({ timeout: 60_000 });
      expect(await chip.getAttribute('href')).toBe(`#conference/${id}`);
      await chip.click();
      const room = leader.page.locator(`[data-testid=conference-room][data-conference-id="${id}"][data-phase=in]`);
      await room.waitFor({ timeout: 60_000 });
      expect(new URL(leader.page.url()).hash).toBe(`#conference/${id}`);
      // The leader who switched the mode convenes it.
      await leader.page.locator('[data-testid=moderator-panel]').waitFor({ timeout: 60_000 });

      // An invited commander sees it in the list, marked as the standing conference, and joins without the lobby.
      await commander.page.goto(`${e2e!.gateway.url}/#conference`);
      const item = commander.page.locator(`[data-testid=conference-item][data-conference-id="${id}"]`);
      await item.waitFor({ timeout: 60_000 });
      expect(await item.getAttribute('data-standing')).toBe('true');
      expect(await item.textContent()).toContain('常设会商');
      await item.locator('[data-testid=join-conference]').click();
      await commander.page
        .locator(`[data-testid=conference-room][data-conference-id="${id}"][data-phase=in]`)
        .waitFor({ timeout: 60_000 });
      writeFileSync(path.join(SHOTS, 'standing-conference-leader.png'), await leader.page.screenshot());

      // Back to 平时: the conference ends on both pages, with the reason.
      await switchMode({ mode: 'daily', reason: '演练结束' });
      for (const p of [leader.page, commander.page]) {
        await p.locator('[data-testid=conference-room]').waitFor({ state: 'detached', timeout: 60_000 });
        expect(await p.locator('[data-testid=conference-message]').textContent()).toMatch(
          /已结束：「战时指挥」（演练）模式已结束/,
        );
      }
      await commander.page.locator(`[data-testid=conference-item][data-conference-id="${id}"]`).waitFor({
        state: 'detached',
        timeout: 60_000,
      });
      expect(new URL(leader.page.url()).hash).toBe('#conference');
      for (const p of [leader, commander]) expect(p.problems.errors).toEqual([]);
    } finally {
      await switchMode({ mode: 'daily', reason: '演练结束' });
    }
  });
}, 300_000);
