/**
 * The web host for the browser tests: the real one (main/web/server.ts, its
 * allow-list, CSP and envelopes) serving the built renderer (out/renderer)
 * over a ledger on a manual clock with seeded ids — in memory, or in a file
 * when a test needs one (backups, exports).
 */
import { resolve } from 'node:path';
import { call, type HandlerName } from '../../main/core/api/handlers.js';
import { openLedger } from '../../main/core/api/open.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { startWebHost } from '../../main/web/server.js';
import type { Payments } from '../../main/core/purchases/service.js';

export const RENDERER_DIR = resolve(import.meta.dirname, '../../out/renderer');

export interface TestHost {
  url: string;
  ctx: Ctx;
  clock: ManualClock;
  /** Call the API directly (setting up a ledger without the UI). */
  api: <N extends HandlerName>(name: N, input: unknown) => ReturnType<typeof call<N>>;
  close: () => Promise<void>;
}

/**
 * `payments`: purchases (docs/purchases.md) with a Stripe of the test's
 * choosing and its own browser opener; without it, Stripe is not set up.
 */
export async function startTestHost(opts: { now?: string; seed?: number; root?: string; dbPath?: string; payments?: Payments } = {}): Promise<TestHost> {
  const clock = new ManualClock(Date.parse(opts.now ?? '2026-11-03T14:00:00Z'));
  const ctx = openLedger(opts.dbPath ?? ':memory:', { clock, ids: seededIds(opts.seed ?? 1) });
  const api: TestHost['api'] = (name, input) => call(ctx, name, input);
  const web = await startWebHost({ ctx, staticDir: opts.root ?? RENDERER_DIR, log: () => {}, ...(opts.payments ? { payments: opts.payments } : {}) });
  return {
    url: web.url,
    ctx,
    clock,
    api,
    close: async () => {
      await web.close();
      ctx.db.close();
    },
  };
}
