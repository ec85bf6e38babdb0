import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import type { Db } from '../../geo/db/types';
import type { PageProblems } from './browser';
import { OUTPUT_DIR } from './env';

/** 数字城管 browser tests: demo accounts, phone and desktop contexts, photos made with sharp, screenshots. */

export const DEMO = {
  inspector: { username: 'jiandu.zhao', password: 'Jdz#Inspect-4093' },
  dispatcher: { username: 'shouli.li', password: 'Shl#Dispatch-5820' },
  handler: { username: 'chuzhi.chengguan', password: 'Czc#UrbanMgmt-3158' },
} as const;

export const SHOTS = path.join(OUTPUT_DIR, 'e2e');
export const PHONE = { width: 390, height: 844 };

export interface Session {
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
  shot: (name: string) => Promise<void>;
}

/** A signed-in browser context: a phone (390×844, touch, located at `at`) or a desktop console. */
export async function signedIn(
  browser: Browser,
  baseUrl: string,
  account: { username: string; password: string },
  options: { phone?: boolean; at?: { lon: number; lat: number } } = {},
): Promise<Session> {
  mkdirSync(SHOTS, { recursive: true });
  const context = await browser.newContext({
    viewport: options.phone ? PHONE : { width: 1600, height: 900 },
    deviceScaleFactor: options.phone ? 2 : 1,
    isMobile: options.phone ?? false,
    hasTouch: options.phone ?? false,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(options.at
      ? { geolocation: { longitude: options.at.lon, latitude: options.at.lat, accuracy: 10 }, permissions: ['geolocation'] }
      : {}),
  });
  // As test/support/browser.ts: waits get two minutes on a busy machine.
  context.setDefaultTimeout(120_000);
  const page = await context.newPage();
  const problems: PageProblems = { errors: [], failedRequests: [] };
  page.on('pageerror', (err) => problems.errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.errors.push(`console: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => {
    const reason = req.failure()?.errorText ?? 'failed';
    // Requests the page cancels itself (tiles that scrolled away, superseded searches) are not failures.
    if (!reason.includes('ERR_ABORTED')) problems.failedRequests.push(`${req.method()} ${req.url()}: ${reason}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.failedRequests.push(`${res.request().method()} ${res.url()}: HTTP ${res.status()}`);
  });
  const res = await context.request.post(`${baseUrl}/api/auth/login`, { data: account });
  if (res.status() !== 200) throw new Error(`login of ${account.username} answered ${res.status()}: ${await res.text()}`);
  return {
    context,
    page,
    problems,
    shot: async (name) => writeFileSync(path.join(SHOTS, name), await page.screenshot()),
  };
}

/** A small JPEG of one colour with a few shapes (a real image the gateway re-encodes). */
export async function makeJpeg(name: string, rgb: { r: number; g: number; b: number }): Promise<string> {
  const dir = path.join(tmpdir(), 'harbin-cases-e2e');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><rect width="640" height="480" fill="rgb(${rgb.r},${rgb.g},${rgb.b})"/><circle cx="320" cy="240" r="120" fill="#333"/><rect x="40" y="380" width="560" height="40" fill="#eee"/></svg>`,
  );
  await sharp(svg).jpeg({ quality: 80 }).toFile(file);
  return file;
}

/** The centre of a unit-grid cell of a district (a place an inspector of that district patrols). */
export async function gridPoint(db: Db, adcode: string, offset: number): Promise<{ lon: number; lat: number; gridCode: string }> {
  const [c] = await db.query<{ code: string; lon: number; lat: number }>(
    `SELECT code, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
       FROM grid_cell WHERE district_adcode = $1 ORDER BY code OFFSET $2 LIMIT 1`,
    [adcode, offset],
  );
  if (!c) throw new Error(`no grid cell in district ${adcode}`);
  return { lon: Number(c.lon), lat: Number(c.lat), gridCode: c.code };
}
