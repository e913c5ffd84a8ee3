/**
 * One browser for a file, a fresh web host and app per test: the hooks, and
 * the page errors of each test checked when it ends.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Browser } from 'playwright';
import { LEDGER_NOW, assertRendererBuilt, launch, openApp, type AppPage } from './browser.js';
import { startTestHost, type TestHost } from './server.js';

export interface PerTest {
  browser: Browser;
  host: TestHost;
  app: AppPage | undefined;
  /** A fresh host at `now` (default the ledger's), set up by `seed`, and the app opened on `path`. */
  open: (opts?: { now?: string; path?: string; seed?: (host: TestHost) => void; width?: number; height?: number; colorScheme?: 'light' | 'dark' }) => Promise<AppPage>;
}

export function perTest(): PerTest {
  const t = { app: undefined } as PerTest;
  let host: TestHost | undefined;
  t.open = async (opts = {}) => {
    host = await startTestHost({ now: opts.now ?? LEDGER_NOW });
    t.host = host;
    opts.seed?.(host);
    t.app = await openApp(t.browser, host, { ...(opts.path ? { path: opts.path } : {}), ...(opts.width ? { width: opts.width, height: opts.height } : {}), ...(opts.colorScheme ? { colorScheme: opts.colorScheme } : {}) });
    return t.app;
  };
  beforeAll(async () => {
    assertRendererBuilt();
    t.browser = await launch();
  });
  afterAll(async () => {
    await t.browser?.close();
  });
  afterEach(async () => {
    const errors = t.app?.errors ?? [];
    await t.app?.context.close();
    t.app = undefined;
    await host?.close();
    host = undefined;
    expect(errors).toEqual([]);
  });
  return t;
}
