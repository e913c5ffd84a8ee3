/**
 * The scheduler for the vendor's meter, the desktop app's and the team host's
 * (`serve --team`): every Fluximage account is read
 * once a while after start and then every `intervalMs` (default an hour),
 * with the core's retries waiting on the app's timers (the timers.ts
 * pattern: tests drive them). The last status per account is kept here, in
 * memory — a failure writes nothing — and shown on each pool
 * (Services.meterStatus). Without a key nothing is read, nothing shown, and
 * no timer runs.
 */
import type { Ctx } from '../core/ledger/context.js';
import { listAccounts } from '../core/ledger/accounts.js';
import type { Fetch } from '../core/connectors/fluximage.js';
import type { LoadedKey } from '../core/connectors/keys.js';
import { readMeter } from '../core/connectors/meter.js';
import type { MeterStatus } from '../core/connectors/provenance.js';
import { isFluximage } from '../core/vendors/fluximage-usage.js';
import { iso } from '../core/util/period.js';
import type { Timers } from '../electron/timers.js';

export interface VendorMeterOptions {
  ctx: Ctx;
  timers: Timers;
  fetch: Fetch;
  key: () => LoadedKey;
  /** CREDITDECK_FLUXIMAGE_API (tests' local fake; fluximage.ts restricts it). */
  apiOverride?: string;
  intervalMs?: number;
  /** The first reading, this long after start (the window comes first). */
  firstAfterMs?: number;
  /** A reading was written (the tray and the window look again). */
  afterRead?: () => void;
  log: (line: string) => void;
}

export interface VendorMeter {
  status(account: string): MeterStatus | null;
  /** One pass over every Fluximage account now; resolves when it is done. */
  runNow(): Promise<void>;
  /** Start the schedule (done at creation when a key is set). */
  start(): void;
  stop(): void;
}

export const METER_INTERVAL_MS = 3_600_000;

export function createVendorMeter(o: VendorMeterOptions): VendorMeter {
  const interval = o.intervalMs ?? METER_INTERVAL_MS;
  const statuses = new Map<string, MeterStatus>();
  const sleep = (ms: number) => new Promise<void>((ok) => void o.timers.setTimeout(ok, ms));
  let running: Promise<void> | null = null;
  let stopped = false;

  const pass = async (): Promise<void> => {
    const k = o.key();
    if (!k.key) return;
    // An archived account takes no entries, a reconciliation included: its meter is not read.
    for (const acct of listAccounts(o.ctx).filter((a) => isFluximage(a) && a.archivedAt === null)) {
      if (stopped) return;
      try {
        const r = await readMeter(o.ctx, acct.id, { fetch: o.fetch, key: k.key, apiOverride: o.apiOverride, sleep });
        const now = o.ctx.clock.now();
        if (r.ok) {
          statuses.set(acct.id, { status: 'ok', message: `read at ${r.at}`, at: r.at, retryAt: iso(now + interval) });
          o.afterRead?.();
        } else {
          statuses.set(acct.id, { ...r.status, retryAt: iso(now + interval) });
          o.log(`creditdeck: reading Fluximage for ${acct.id}: ${r.status.message}`);
        }
      } catch (e) {
        o.log(`creditdeck: reading Fluximage for ${acct.id} failed: ${(e as Error).message}`);
      }
    }
  };
  const runNow = (): Promise<void> => (running ??= pass().finally(() => (running = null)));
  let first: unknown = null;
  let every: unknown = null;
  const start = (): void => {
    if (every !== null || stopped) return;
    first = o.timers.setTimeout(() => void runNow(), o.firstAfterMs ?? 30_000);
    every = o.timers.setInterval(() => void runNow(), interval);
  };
  // No key, no timers: a ledger without Fluximage's API costs nothing (start() once a key is saved).
  if (o.key().key) start();
  return {
    status: (account) => statuses.get(account) ?? null,
    runNow,
    start,
    stop: () => {
      stopped = true;
      if (first !== null) o.timers.clearTimeout(first);
      if (every !== null) o.timers.clearInterval(every);
    },
  };
}
