import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright';
import { LEDGER_NOW, assertRendererBuilt, launch } from './browser.js';
import { startTestHost, type TestHost } from './server.js';
import { seedFluxNote, seedOthers } from './seed.js';

/** Every page of the app with the text that says it has loaded, and the two screen sizes each is checked at. */
export const PAGES: { name: string; path: string; ready: string }[] = [
  { name: 'dashboard', path: '', ready: 'Video credits' },
  { name: 'usage', path: '#/usage?account=fluxnote-rise', ready: 'Burn-down to the reset' },
  { name: 'purchases', path: '#/purchases?account=flux-edge', ready: 'Credit packs' },
  { name: 'plans', path: '#/plans?preset=fluxnote', ready: '$0.38/video' },
  { name: 'calculator', path: '#/calculator', ready: 'Lux monthly estimate' },
  { name: 'settings', path: '#/settings?account=fluxnote-rise', ready: 'Rate card' },
];

export const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

/** One browser and one lived-in ledger (four services, a few days of usage) for a whole file. */
export function livedIn(): { browser: Browser; host: TestHost } {
  const s = {} as { browser: Browser; host: TestHost };
  beforeAll(async () => {
    assertRendererBuilt();
    s.browser = await launch();
    s.host = await startTestHost({ now: LEDGER_NOW });
    seedFluxNote(s.host);
    seedOthers(s.host);
  });
  afterAll(async () => {
    await s.browser?.close();
    await s.host?.close();
  });
  return s;
}
