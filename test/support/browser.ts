import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium: Playwright's own browser download is unreachable on these machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet headless Chromium on a closed network, with WebGL on Mesa's llvmpipe (faster than SwiftShader). */
const CHROMIUM_ARGS = [
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-angle=gl-egl',
  '--ignore-gpu-blocklist',
  '--disable-gpu-rasterization',
];

export interface BrowserOptions {
  /** Extra Chromium flags, e.g. fake media devices for WebRTC tests. */
  args?: string[];
  /** `false` keeps the default software WebGL (SwiftShader) instead of llvmpipe. */
  llvmpipe?: boolean;
}

/** Launches headless Chromium through playwright-core, failing with a clear message when it is not installed. */
export async function launchBrowser(options: BrowserOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with "apt-get install -y chromium fonts-noto-cjk"`);
  }
  const base =
    options.llvmpipe === false
      ? CHROMIUM_ARGS.filter((a) => !a.startsWith('--use-angle') && a !== '--ignore-gpu-blocklist')
      : CHROMIUM_ARGS;
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...base, ...(options.args ?? [])] });
}

export interface PageProblems {
  /** Uncaught exceptions and console errors, for assertions and failure messages. */
  errors: string[];
  /** Requests that failed or answered 4xx/5xx (method, URL, status or failure). */
  failedRequests: string[];
}

/** Opens a page of the given size that records its errors and failed requests. */
export async function openPage(
  browser: Browser,
  viewport = { width: 1600, height: 900 },
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  // Less motion asked for, as a person may: the wall's alert pulse stands still instead of redrawing a 4K map twenty
  // times a second in software (these browsers have no GPU), which starved the tests running beside it.
  const context = await browser.newContext({
    viewport,
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    reducedMotion: 'reduce',
  });
  // Actions and screenshots without a time of their own get two minutes: a 4K page drawn in software beside other
  // suites can take longer than Playwright's 30 s to settle. Waits only wait: no test claims how fast a screen is.
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
  return { context, page, problems };
}
