import type { Page } from 'playwright-core';
import type { Rect } from './pixels';

/** Browser-side helpers for the command map page; they drive the map through `window.__harbinMap`. */

const IDLE_TIMEOUT_MS = 120_000;

/** Waits until the map has drawn everything it is showing (`data-map-state="idle"`). */
export async function waitForMapIdle(page: Page): Promise<void> {
  await page.waitForSelector('.map[data-map-state="idle"]', { timeout: IDLE_TIMEOUT_MS });
}

/** Moves the camera at once and resolves when the new view is fully drawn. */
export async function jumpTo(page: Page, center: [number, number], zoom: number): Promise<void> {
  await page.evaluate(
    async ([lon, lat, z]) => {
      const map = window.__harbinMap;
      if (!map) throw new Error('window.__harbinMap is not set: the map did not start');
      const idle = map.once('idle');
      map.jumpTo({ center: [lon, lat], zoom: z });
      await idle;
    },
    [center[0], center[1], zoom] as const,
  );
  await waitForMapIdle(page);
}

/** Asks for one more frame and waits for it, so that late drawing (deck.gl markers) is on screen. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const map = window.__harbinMap;
    if (!map) throw new Error('window.__harbinMap is not set');
    const idle = map.once('idle');
    map.triggerRepaint();
    await idle;
  });
  await page.waitForTimeout(300);
}

export async function mapCenterAndZoom(page: Page): Promise<{ lon: number; lat: number; zoom: number }> {
  return page.evaluate(() => {
    const map = window.__harbinMap;
    if (!map) throw new Error('window.__harbinMap is not set');
    const c = map.getCenter();
    return { lon: c.lng, lat: c.lat, zoom: map.getZoom() };
  });
}

/** The geographic position under a pixel of the map (relative to the map's top-left corner). */
export async function unproject(page: Page, x: number, y: number): Promise<{ lon: number; lat: number }> {
  return page.evaluate(
    ([px, py]) => {
      const map = window.__harbinMap;
      if (!map) throw new Error('window.__harbinMap is not set');
      const p = map.unproject([px, py]);
      return { lon: p.lng, lat: p.lat };
    },
    [x, y] as const,
  );
}

export async function mapRect(page: Page): Promise<Rect> {
  const box = await page.locator('.map').boundingBox();
  if (!box) throw new Error('the map element is not on the page');
  return box;
}

/** Page areas drawn over the map (panels, controls, popups), left out of pixel statistics. */
export async function overlayRects(page: Page): Promise<Rect[]> {
  return page.$$eval('.map-overlay-ui, .maplibregl-ctrl, .maplibregl-popup', (els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
}
