import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, openPage, type BrowserOptions, type PageProblems } from './browser';
import { OUTPUT_DIR, ROOT, testDatabaseUrl } from './env';
import { startGateway, type GatewayProcess } from './gateway-process';

/** Browser tests: the real gateway serving the built web app, headless Chromium, pages signed in as demo people. */

export const SHOTS = path.join(OUTPUT_DIR, 'e2e');
/** The built app the gateway serves: `WEB_DIST` (as the gateway reads it) or the default build folder. */
const WEB_INDEX = path.join(process.env.WEB_DIST ?? path.join(ROOT, 'dist', 'web'), 'index.html');
const DEMO_USERS = path.join(ROOT, 'data', 'demo', 'users.json');

export interface E2eStack {
  /** The running gateway; a suite that restarts it puts the new process here, and `close` stops that one. */
  gateway: GatewayProcess;
  browser: Browser;
  /** Closes the browser and stops the gateway. */
  close: () => Promise<void>;
}

export interface E2eOptions {
  /** Added to the gateway's environment; the test database and the demo accounts unless overridden. */
  env?: Record<string, string>;
  browser?: BrowserOptions;
}

/**
 * Starts the gateway (`IDENTITY_SEED=demo` on the suite's test database unless `env` says otherwise) and Chromium,
 * once the web app is built. Call `close` in `afterAll`, also when a test failed.
 */
export async function startE2e(options: E2eOptions = {}): Promise<E2eStack> {
  if (!existsSync(WEB_INDEX)) {
    throw new Error(
      `the web app is not built (${WEB_INDEX} is missing): run "npx vite build --config web/vite.config.ts" first (npm test does)`,
    );
  }
  mkdirSync(SHOTS, { recursive: true });
  const gateway = await startGateway({ DATABASE_URL: testDatabaseUrl(), IDENTITY_SEED: 'demo', ...options.env }, 240_000);
  let browser: Browser;
  try {
    browser = await launchBrowser(options.browser);
  } catch (err) {
    await gateway.stop();
    throw err;
  }
  const stack: E2eStack = {
    gateway,
    browser,
    close: async () => {
      await browser.close();
      await stack.gateway.stop();
    },
  };
  return stack;
}

/** A demo account's password, from the same file the gateway seeds them from. */
export function demoAccount(username: string): { username: string; password: string } {
  const { users } = JSON.parse(readFileSync(DEMO_USERS, 'utf8')) as { users: { username: string; password: string }[] };
  const user = users.find((u) => u.username === username);
  if (!user) throw new Error(`${username} is not a demo account of ${DEMO_USERS}`);
  return { username, password: user.password };
}

export interface SignedInPage {
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
}

/**
 * A page of the given size signed in as a demo person. With `open`, goes to that page of the app (`#wall`,
 * `#planner` …) and waits for each `ready` selector.
 */
export async function signedInPage(
  stack: E2eStack,
  username: string,
  viewport: { width: number; height: number } = { width: 1600, height: 900 },
  open?: { hash: string; ready: readonly string[] },
): Promise<SignedInPage> {
  const opened = await openPage(stack.browser, viewport);
  const res = await opened.page.request.post(`${stack.gateway.url}/api/auth/login`, { data: demoAccount(username) });
  if (res.status() !== 200) throw new Error(`login of ${username} answered ${res.status()}: ${await res.text()}`);
  if (open) {
    await opened.page.goto(`${stack.gateway.url}/#${open.hash}`);
    // A 4K wall drawn by software (no GPU in these browsers) on a loaded 2-core machine can take over 30 s to load.
    for (const selector of open.ready) await opened.page.locator(selector).waitFor({ timeout: 60_000 });
  }
  return opened;
}

/** The command wall, signed in and connected to the live feed. */
export const WALL_READY = {
  hash: 'wall',
  ready: ['[data-testid=wall-page][data-ready=true]', '[data-testid=wall-connection][data-state=connected]'],
} as const;

/** The planner's page with its map and panels ready. */
export const PLANNER_READY = { hash: 'planner', ready: ['[data-testid=planner-page][data-ready=true]'] } as const;
