/**
 * `creditdeck reconcile`: the vendor's own meter against the ledger
 * (docs/vendors.md). `--fetch` reads Fluximage's usage API once (with
 * retries); `--accept` records what the last reading showed missing;
 * `POOL --remaining N` records what the vendor's page shows; `--auto on|off`
 * is the opt-in auto-reconcile setting; alone, it shows where each pool's
 * number comes from. `serve --team` reads the meter hourly with the same key.
 */
import type { Command } from 'commander';
import { call, type HandlerName, type HandlerOutput } from '../core/api/handlers.js';
import { callAs } from '../core/team/call-as.js';
import { getTeam, localOwner } from '../core/team/team.js';
import type { Ctx } from '../core/ledger/context.js';
import type { Reconciliation } from '../core/ledger/reconcile.js';
import { loadFluximageKey, takeFluximageEnv } from '../core/connectors/keys.js';
import { readMeter, type MeterResult } from '../core/connectors/meter.js';
import type { Fetch } from '../core/connectors/fluximage.js';
import type { PoolSource } from '../core/connectors/provenance.js';
import { driftText } from '../core/connectors/words.js';
import { InputError } from '../core/util/errors.js';
import { escapeDeep } from '../core/util/text.js';
import { createVendorMeter, type VendorMeter } from '../web/vendor-meter.js';
import { systemTimers } from '../electron/timers.js';

export interface ReconcileCliDeps {
  open: () => Ctx;
  json: () => boolean;
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  sleep?: (ms: number) => Promise<void>;
  fetch?: Fetch;
}

export function sourceText(s: PoolSource): string {
  if (s.kind === 'ledger') return 'the ledger alone';
  if (s.kind === 'vendor') return `${s.vendor}'s meter agreed at ${s.at}`;
  return `reconciled with ${s.vendor}${s.origin === 'page' ? "'s page" : "'s meter"} at ${s.at}`;
}

const recText = (r: Reconciliation) => `${r.id}: recorded ${r.recorded} unrecorded ${r.pool} credits (${r.vendor} ${r.figure} ${r.vendorFigure}, the ledger ${r.ledgerFigure}, at ${r.observedAt}) as event ${r.eventId}`;

function meterText(r: MeterResult, labels: Record<string, string>): string {
  if (!r.ok) return `${r.status.status}: ${r.status.message}`;
  const lines = r.comparisons.map((c) => driftText(c, labels[c.pool] ?? c.pool));
  lines.push(...r.reconciled.map(recText), ...r.notReconciled.map((m) => `not reconciled: ${m}`));
  if (r.comparisons.some((c) => c.unrecorded > 0) && r.reconciled.length === 0) lines.push(`record the difference with: creditdeck reconcile ${r.account} --accept (or turn on --auto on)`);
  return lines.join('\n');
}

/** What `serve --team` needs from here: the vendor's meter on a schedule, with the key this command line read. */
export interface ReconcileCli {
  schedule(ctx: Ctx, log: (line: string) => void): VendorMeter;
}

export function registerReconcile(program: Command, d: ReconcileCliDeps): ReconcileCli {
  // Read once and dropped from the environment, which child processes inherit (as the Stripe keys are).
  const envKey = takeFluximageEnv(d.env);
  // On a team ledger the command line is its owner, through callAs like every other command (decided and audited).
  const run = <N extends HandlerName>(ctx: Ctx, name: N, input: unknown): HandlerOutput<N> => (getTeam(ctx) ? callAs(ctx, localOwner(ctx), name, input) : call(ctx, name, input));
  const print = <T>(result: T, text: (r: T) => string) => d.out(d.json() ? JSON.stringify(result, null, 2) + '\n' : text(escapeDeep(result)) + '\n');
  program
    .command('reconcile')
    .description("compare with the vendor's own meter and record what the ledger missed: --fetch (Fluximage's usage API), --accept, POOL --remaining N (the vendor's page), --auto on|off")
    .argument('<account>')
    .argument('[pool]')
    .option('--fetch', "read the vendor's usage API now (Fluximage: FLUXIMAGE_API_KEY or the key file)")
    .option('--accept', 'record the differences the last reading showed as reconciliations')
    .option('--remaining <credits>', "what the vendor's page shows left in POOL")
    .option('--used <credits>', "what the vendor's page shows used this period in POOL")
    .option('--note <text>')
    .option('--at <time>', "when the vendor's page showed it (default now)")
    .option('--auto <on|off>', 'record differences automatically after each reading (off by default)')
    .action(async (acc: string, pool: string | undefined, o: { fetch?: boolean; accept?: boolean; remaining?: string; used?: string; note?: string; at?: string; auto?: string }) => {
      const ctx = d.open();
      const modes = [o.fetch, o.accept, o.remaining ?? o.used, o.auto].filter((x) => x !== undefined).length;
      if (modes > 1) throw new InputError('give one of --fetch, --accept, --remaining/--used or --auto', 'reconcile');
      if (o.auto !== undefined) {
        if (o.auto !== 'on' && o.auto !== 'off') throw new InputError('--auto takes on or off', '--auto');
        return print(run(ctx, 'reconcile.auto', { account: acc, auto: o.auto === 'on' }), (r) => `auto-reconcile ${r.auto ? 'on' : 'off'} for ${r.account}`);
      }
      if (o.remaining !== undefined || o.used !== undefined) {
        if (pool === undefined) throw new InputError('name the pool the page shows: creditdeck reconcile ACCOUNT POOL --remaining N', 'pool');
        return print(run(ctx, 'reconcile.page', { account: acc, pool, remaining: o.remaining, used: o.used, note: o.note, at: o.at }), recText);
      }
      if (o.accept) return print(run(ctx, 'reconcile.accept', { account: acc, pool }), (l) => l.map(recText).join('\n'));
      const status = run(ctx, 'reconcile.status', { account: acc });
      const labels = Object.fromEntries(status.pools.map((p) => [p.pool, p.label]));
      if (o.fetch) {
        const key = loadFluximageKey(d.env, envKey);
        const r = await readMeter(ctx, acc, {
          fetch: d.fetch ?? (fetch as unknown as Fetch),
          key: key.key,
          missing: key.missing,
          apiOverride: d.env.CREDITDECK_FLUXIMAGE_API,
          sleep: d.sleep ?? ((ms) => new Promise((ok) => setTimeout(ok, ms))),
        });
        print(r, (x) => meterText(x, labels));
        if (!r.ok) throw new Error(`${r.status.message}`);
        return;
      }
      print(status, (s) =>
        [
          ...s.pools.map((p) => `${p.pool}: ${sourceText(p.source)}${p.drift ? `; ${driftText(p.drift, p.label)}` : ''}`),
          `auto-reconcile ${s.auto ? 'on' : 'off'}`,
          ...s.reconciliations.map(recText),
        ].join('\n'),
      );
    });
  return {
    schedule: (ctx, log) =>
      createVendorMeter({ ctx, timers: systemTimers, fetch: d.fetch ?? (fetch as unknown as Fetch), key: () => loadFluximageKey(d.env, envKey), apiOverride: d.env.CREDITDECK_FLUXIMAGE_API, log }),
  };
}
