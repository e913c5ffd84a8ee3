/**
 * Browser helpers for the e2e suites: Debian's Chromium driven by the
 * `playwright` package (never a downloaded browser), a fresh context per page,
 * the page's clock pinned to the ledger's, and every page error collected.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { RENDERER_DIR, type TestHost } from './server.js';

export const CHROMIUM = process.env.CREDITDECK_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');

/** The ledger's "now" in every e2e test: Tuesday Nov 3 2026, 14:00 UTC. */
export const LEDGER_NOW = '2026-11-03T14:00:00Z';

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get update && apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

/** The tests drive the built renderer: refuse to test a stale build rather than pass on old code. */
export function assertRendererBuilt(): void {
  const index = join(RENDERER_DIR, 'index.html');
  const src = resolve(import.meta.dirname, '../../renderer');
  if (!existsSync(index)) throw new Error('out/renderer is missing: run `npm run build:web` (npm test and npm run test:e2e do it first)');
  if (newest(src) > statSync(index).mtimeMs + 1) throw new Error('out/renderer is older than renderer/: run `npm run build:web` (npm test and npm run test:e2e do it first)');
}

export interface AppPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, checked at the end of each test. */
  errors: string[];
}

/**
 * A fresh browser context on the app, its clock paused at the ledger's time
 * (so countdowns are exact), in en-US and UTC.
 */
export async function openApp(
  browser: Browser,
  host: TestHost,
  opts: { path?: string; colorScheme?: 'light' | 'dark'; width?: number; height?: number; init?: string; bindings?: Record<string, (...args: unknown[]) => unknown> } = {},
): Promise<AppPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: opts.colorScheme ?? 'light',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(10_000);
  const now = host.clock.now();
  await context.clock.install({ time: now - 60_000 });
  // Functions of the test the page may call (a stand-in preload's road into the shell).
  for (const [name, fn] of Object.entries(opts.bindings ?? {})) await context.exposeBinding(name, (_source, ...args: unknown[]) => fn(...args));
  if (opts.init) await context.addInitScript(opts.init);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // A refused or invalid call answers 409/400 by design; the browser logs those responses as errors.
    if (m.type() === 'error' && !/status of (400|409)/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  await page.goto(`${host.url}/${opts.path ?? ''}`);
  await page.clock.pauseAt(now);
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate('document.fonts.ready');
  const path = join(SCREENSHOTS, `${name}.png`);
  // The page scrolls inside <main>: grow the viewport to the content so the picture shows all of it.
  const height = await page.evaluate<number>("Math.ceil((document.querySelector('.main') ?? document.body).scrollHeight)");
  const size = page.viewportSize();
  if (size && height > size.height) await page.setViewportSize({ width: size.width, height });
  await page.screenshot({ path, fullPage: true });
  if (size && height > size.height) await page.setViewportSize(size);
  return path;
}
