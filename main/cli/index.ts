/**
 * `creditdeck`: the command line over the same API the app uses.
 * Exit codes: 0 done · 2 invalid input, nothing written · 3 refused by a
 * ledger rule (recorded as a refusal) · 1 anything else.
 */
import { Command, CommanderError, Option } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { call, type HandlerName, type HandlerOutput } from '../core/api/handlers.js';
import { callAs } from '../core/team/call-as.js';
import { getTeam, localOwner } from '../core/team/team.js';
import { ForbiddenError, UnauthorizedError } from '../core/team/types.js';
import { defaultDbPath, openLedger } from '../core/api/open.js';
import type { Ctx } from '../core/ledger/context.js';
import { systemClock, type Clock } from '../core/util/clock.js';
import { InputError, RefusedError } from '../core/util/errors.js';
import type { IdSource } from '../core/util/ids.js';
import * as fmt from './format.js';
import { registerTeam } from './team.js';
import { registerTeamClient, teamAccount } from './team-client.js';
import { teamAlertsText, teamEventsText, teamForecastText, teamUsageText } from './team-reads-text.js';
import { parseUsageKey } from '../core/sync/mirror-reads.js';
import { requireTeamCredentials } from '../core/sync/credentials.js';
import { registerReconcile } from './reconcile.js';
import { memberText, planPreviewText, registerCorrections } from './corrections.js';
import { at } from './human.js';
import { restoreBackup, restoreExport } from '../core/ledger/backup.js';
import { importEvents, type ImportResult } from '../core/ledger/import.js';
import { DEFAULT_PORT } from '../web/default-port.js';
import { paymentsFromEnv } from '../core/purchases/setup.js';
import { takeStripeEnv } from '../core/purchases/secrets.js';
import type { Payments, Opener } from '../core/purchases/service.js';
import type { PurchaseView } from '../core/purchases/store.js';
import { formatMoney } from '../core/util/credits.js';
import { escapeDeep, escapeOutput, escapeText } from '../core/util/text.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
  clock?: Clock;
  ids?: IdSource;
  /** Opens a URL in the system browser (default: xdg-open / open / start, guarded to Stripe's and the packs' hosts). */
  openUrl?: Opener;
  /** Waits between checks while `buy` waits for the payment (default: real time; tests pass a trigger). */
  sleep?: (ms: number) => Promise<void>;
  /** Whether stderr is a terminal (the progress line); default process.stderr.isTTY. */
  isTTY?: boolean;
  /** Asks a question on the terminal and returns the answer; null without a terminal. Default: stdin and stderr. */
  ask?: (question: string) => Promise<string | null>;
}

const defaultIo: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  env: process.env,
};

export const EXIT = { ok: 0, failure: 1, input: 2, refused: 3, forbidden: 4 } as const;

const collect = (v: string, prev: string[]) => [...prev, v];

/** "k=v" pairs → object; refuses anything else with the option named. */
function pairs(list: string[] | undefined, option: string): Record<string, string> | undefined {
  if (!list || list.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const item of list) {
    const i = item.indexOf('=');
    if (i <= 0) throw new InputError(`${option} takes KEY=VALUE (got "${item.slice(0, 40)}")`, option);
    const k = item.slice(0, i);
    if (Object.hasOwn(out, k)) throw new InputError(`${option} ${k} given twice`, option);
    out[k] = item.slice(i + 1);
  }
  return out;
}

const noneOr = (v: string | undefined): string | null | undefined => (v === undefined ? undefined : v === 'none' || v === 'off' ? null : v);

export async function run(argv: string[], rawIo: Io = defaultIo): Promise<number> {
  // Text from data is shown escaped (\u001b, \u202e), never obeyed by the terminal: every value is
  // escaped before a text view is built (escapeDeep), and all output once more on its way out, newlines
  // aside (escapeOutput; --json too: JSON.stringify leaves DEL, C1 and bidi characters raw). Only the
  // progress lines below write control characters of their own, through rawIo.
  const io: Io = { ...rawIo, out: (s) => rawIo.out(escapeOutput(s)), err: (s) => rawIo.err(escapeOutput(s)) };
  // The keys are read once and dropped from the environment, which the browser opener and its children inherit.
  const envKeys = takeStripeEnv(io.env);
  let ctx: Ctx | null = null;
  let json = false;
  const open = (): Ctx => {
    if (!ctx) {
      const g = program.opts<{ db?: string }>();
      ctx = openLedger(g.db ?? defaultDbPath(io.env), { clock: io.clock ?? systemClock, ids: io.ids });
    }
    return ctx;
  };
  /** Run an API call and print it, as JSON or as text. */
  const emit = <N extends HandlerName>(name: N, input: unknown, text: (r: HandlerOutput<N>) => string, needsDb = true) => {
    const c = needsDb ? open() : (null as unknown as Ctx);
    // On a team ledger the command line is its owner (docs/team.md): decided and audited like any caller's call.
    const result = needsDb && getTeam(c) ? callAs(c, localOwner(c), name, input) : call(c, name, input);
    io.out(json ? JSON.stringify(result, null, 2) + '\n' : text(escapeDeep(result)) + '\n');
  };
  const now = () => (io.clock ?? systemClock).now();
  let pay: Payments | null = null;
  const payments = (): Payments => {
    pay ??= paymentsFromEnv(open(), io.env, { envKeys, openUrl: io.openUrl, confirmHost, warn: (l) => io.err(l + '\n'), ...(io.sleep ? { sleep: io.sleep, retryDelayMs: 0 } : {}) }).payments;
    return pay;
  };
  // `buy` only: a pack's link to a host that is not Stripe's opens once the user agrees (docs/purchases.md); `serve` never opens one itself.
  let consent: { openHost: string | undefined; refused: string | null } | null = null;
  const confirmHost = async (host: string): Promise<boolean> => {
    const c = consent;
    if (!c) return false;
    if (c.openHost !== undefined) {
      if (c.openHost.toLowerCase() === host) return true;
      c.refused = `the pack's link goes to ${host}, not ${c.openHost}; nothing was opened`;
      return false;
    }
    const answer = await (io.ask ?? askOnTerminal)(`Open ${host}? [y/N] `);
    if (answer !== null && /^y(es)?$/i.test(answer.trim())) return true;
    c.refused = answer === null ? `the pack's link goes to ${host}, not to Stripe, and there is no terminal to ask: rerun with --open-host ${host} to open it` : `${host} was not opened`;
    return false;
  };
  let teamClient: ReturnType<typeof registerTeamClient> | null = null;
  const print = <T,>(result: T, text: (r: T) => string) => io.out(json ? JSON.stringify(result, null, 2) + '\n' : text(escapeDeep(result)) + '\n');

  const program = new Command('creditdeck');
  program
    .description('An exact ledger of usage credits for AI and creative services.')
    .option('--db <path>', 'ledger file (default: $CREDITDECK_DB, else the desktop app\'s data folder)')
    .option('--json', 'print one JSON document on stdout')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run with --help for usage)')
    .hook('preAction', () => {
      json = program.opts<{ json?: boolean }>().json === true;
    });

  program
    .command('presets')
    .description('list the provider presets, or show one')
    .argument('[id]', 'preset id')
    .action((id?: string) => {
      if (id) emit('presets.show', { id }, (p) => JSON.stringify(p, null, 2), false);
      else emit('presets.list', {}, fmt.presetsText, false);
    });

  const account = program.command('account').description('add, list, show and change accounts');
  account
    .command('add')
    .description('add an account from a preset or a custom provider file; prints its id')
    .option('--preset <id>', 'flux, lux, flowly, fluxnote or fluximage')
    .option('--provider-file <path>', 'a custom provider in the preset JSON schema')
    .requiredOption('--plan <id>', 'plan id')
    .option('--name <name>', 'display name (default: provider and plan)')
    .option('--anchor <date>', 'billing anchor YYYY-MM-DD (default: today)')
    .option('--tz <zone>', 'IANA time zone', 'UTC')
    .option('--amount <pool=n>', 'monthly credits where the plan leaves it open (repeatable)', collect, [])
    .option('--at <time>', 'when the account starts (default: now)')
    .option('--used <pool=n>', "already used this period, recorded as the opening entry (repeatable; see account opening)", collect, [])
    .action((o) =>
      emit(
        'accounts.add',
        { preset: o.preset, providerFile: o.providerFile, plan: o.plan, name: o.name, anchor: o.anchor, tz: o.tz, amounts: pairs(o.amount, '--amount'), at: o.at, used: pairs(o.used, '--used') },
        (a) => a.id,
      ),
    );
  account
    .command('list')
    .option('--all', 'archived accounts too')
    .description('list accounts (archived ones with --all)')
    .action((o: { all?: boolean }) => emit('accounts.list', { includeArchived: o.all === true }, (l) => fmt.accountsText(l.map((a) => (a.archived ? { ...a, name: `${a.name} (archived)` } : a)))));
  account
    .command('show')
    .argument('<account>')
    .description('plan, reset rule, rate card, members and limits')
    .action((acc: string) => emit('accounts.show', { account: acc }, fmt.accountText));
  account
    .command('plan')
    .argument('<account>')
    .argument('<plan>')
    .option('--at <time>', 'when the change takes effect (default: now)')
    .option('--amount <pool=n>', 'monthly credits where the plan leaves it open', collect, [])
    .option('--preview', 'say what the change would grant now and what applies at the reset; change nothing')
    .description('change plan (see docs/ledger.md for the rule in the current period)')
    .action((acc: string, plan: string, o) =>
      o.preview
        ? emit('accounts.planPreview', { account: acc, plan, at: o.at, amounts: pairs(o.amount, '--amount') }, (r) => planPreviewText(r, now()))
        : emit('accounts.plan', { account: acc, plan, at: o.at, amounts: pairs(o.amount, '--amount') }, (r) =>
        [
          `${r.account}: ${r.from} → ${r.to} at ${r.effectiveAt}`,
          ...r.granted.map((g) => `  granted ${fmt.creditsOf(g.credits, g.pool)} now, for the rest of this period`),
          ...r.forfeited.map((g) => `  ${fmt.creditsOf(g.credits, g.pool)} of the old allowance expired: this period's usage already counts against the new plan`),
        ].join('\n'),
      ),
    );
  account
    .command('set')
    .argument('<account>')
    .option('--name <name>')
    .option('--monthly-limit <credits>', 'monthly spending limit, or "none"')
    .option('--low-balance <credits>', 'low-balance alert level in credits, a share of the allocation ("10%"), or "none"')
    .option('--thresholds <list>', 'alert thresholds in %, e.g. 50,80,100')
    .option('--alert-basis <basis>', 'what the thresholds measure: allocation, limit (the monthly spending limit) or both')
    .option('--grace-hours <hours>', "on a team ledger: how long after a reset entries recorded offline and dated before it are still booked in their period (default 72)")
    .description('name, spending limit, alert levels and the grace window for late entries')
    .action((acc: string, o) =>
      emit(
        'accounts.set',
        {
          account: acc,
          name: o.name,
          monthlyLimit: noneOr(o.monthlyLimit),
          lowBalance: noneOr(o.lowBalance),
          thresholds: o.thresholds === undefined ? undefined : String(o.thresholds).split(',').map((x) => (/^\d+$/.test(x.trim()) ? Number(x) : NaN)),
          alertBasis: o.alertBasis,
          graceHours: o.graceHours,
        },
        (a) => `${a.id} updated`,
      ),
    );

  const action = program.command('action').description('the rate card: what each action costs');
  action.command('list').argument('<account>').action((acc: string) => emit('accounts.show', { account: acc }, fmt.accountText));
  action
    .command('set')
    .argument('<account>')
    .argument('<action>')
    .option('--pool <pool>')
    .option('--cost <credits>', 'credits per --per units')
    .option('--per <n>', 'units the cost covers (e.g. 1000 tokens)')
    .option('--unit <unit>', 'what the quantity counts')
    .option('--label <text>')
    .option('--free', 'the action costs nothing')
    .option('--whole-units', 'quantities are whole numbers (an asset: a video, an image, a call)')
    .option('--no-whole-units', 'quantities may have up to 3 decimals (tokens, minutes)')
    .option('--hourly-limit <n>', 'calls per hour, or "none"')
    .option('--dedupe <group:attr>', 'one charge per attribute value per period across the group, or "none"')
    .description('add or change an action')
    .action((acc: string, act: string, o) =>
      emit(
        'actions.set',
        { account: acc, action: act, pool: o.pool, cost: o.cost, per: o.per, unit: o.unit, label: o.label, free: o.free, wholeUnits: o.wholeUnits, hourlyLimit: noneOr(o.hourlyLimit), dedupe: noneOr(o.dedupe) },
        (a) => `${a.id}: ${a.free ? 'free' : `${a.cost === null ? '(no cost set)' : fmt.creditsOf(a.cost, a.pool)} per ${a.per} ${a.unit}`}${a.hourlyLimit ? `, ${a.hourlyLimit}/hour` : ''}`,
      ),
    );

  const member = program.command('member').description('team members sharing the pool');
  member
    .command('add')
    .argument('<account>')
    .argument('<member>')
    .option('--name <name>')
    .option('--monthly-limit <credits>', 'their monthly spending limit, or "none"')
    .action((acc: string, m: string, o) => emit('members.add', { account: acc, member: m, name: o.name, monthlyLimit: noneOr(o.monthlyLimit) }, (r) => `${r.id} (${r.name}) ${r.existed ? 'updated' : 'added'}${r.monthlyLimit === null ? '' : `, monthly limit ${r.monthlyLimit} credits`}`));
  member
    .command('list')
    .argument('<account>')
    .option('--all', 'removed members too')
    .action((acc: string, o: { all?: boolean }) => emit('members.list', { account: acc, includeRemoved: o.all === true }, (l) => l.map((m) => memberText(m, now())).join('\n') || 'No members.'));
  registerCorrections(account, member, emit, now);

  program
    .command('limit')
    .description('daily limit per attribute value, e.g. limit ACCOUNT server=eu-1 50 (server=* for each server); "none" removes it')
    .argument('<account>')
    .argument('<attr>', 'ATTR=VALUE or ATTR=*')
    .argument('<credits>')
    .action((acc: string, attr: string, credits: string) => {
      const [k, v] = attr.includes('=') ? [attr.slice(0, attr.indexOf('=')), attr.slice(attr.indexOf('=') + 1)] : [attr, '*'];
      emit('limits.daily', { account: acc, attr: k, value: v, limit: noneOr(credits) ?? null }, (l) => l.map((d) => `${d.attr}=${d.value}: ${d.limit} a day`).join('\n') || 'No daily limits.');
    });

  const useOptions = (c: Command) =>
    c
      .option('--at <time>', 'when it happened (default: now)')
      .option('--key <key>', 'idempotency key: retrying with it never charges twice')
      .option('--member <id>')
      .option('--attr <k=v>', 'attribute for reports (flow, execution, server, model, image…); repeatable', collect, []);
  useOptions(
    program
      .command('use')
      .description('record usage of an action')
      .argument('<account>')
      .argument('<action>')
      .argument('[quantity]', 'tokens, minutes, messages… (default 1)'),
  )
    .option('--byo-key', 'used your own API key: recorded, no credits used')
    .option('--hold <id>', 'capture against a hold')
    .action(async (acc: string, act: string, qty: string | undefined, o) => {
      const input = { account: acc, action: act, quantity: qty, at: o.at, key: o.key, member: o.member, attrs: pairs(o.attr, '--attr'), byoKey: o.byoKey, holdId: o.hold };
      // STUDIO/ACCOUNT: an account of a team joined from here, through the outbox (team-client.ts).
      if (teamAccount(acc)) {
        if (o.key !== undefined || o.hold !== undefined) throw new InputError('--key and --hold are for local accounts: a team entry is keyed by its outbox id', o.key !== undefined ? '--key' : '--hold');
        return teamClient!.use(acc, Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== undefined && k !== 'key' && k !== 'holdId')), fmt.useText as (r: never) => string);
      }
      emit('usage.record', input, fmt.useText);
    });

  program
    .command('grant')
    .description('add credits: purchase, bonus, promo or manual')
    .argument('<account>')
    .argument('<pool>')
    .argument('<amount>')
    .addOption(new Option('--source <source>').choices(['purchase', 'bonus', 'promo', 'manual']).default('manual'))
    .option('--expires <time>', 'expiry (default: never)')
    .option('--price <cents>', 'price paid, in minor units')
    .option('--at <time>')
    .option('--key <key>', 'idempotency key')
    .option('--note <text>')
    .action((acc: string, pool: string, amount: string, o) =>
      emit('grants.add', { account: acc, pool, amount, source: o.source, expires: o.expires, priceCents: o.price, at: o.at, key: o.key, note: o.note }, (g) =>
        `${g.grantId}${g.status === 'duplicate' ? ' (duplicate, already granted)' : ''}: ${fmt.creditsOf(g.credits, g.pool)} (${g.source})${g.expiresAt ? `, expires ${g.expiresAt}` : ', never expires'}${g.refundableUntil ? `, refundable until ${g.refundableUntil}` : ''}`,
      ),
    );
  program
    .command('grants')
    .description('list grants with what is left of each')
    .argument('<account>')
    .option('--live', 'only grants with credits left')
    .action((acc: string, o) => emit('grants.list', { account: acc, live: o.live }, (l) => fmt.grantsText(l, now())));

  program
    .command('hold')
    .description('reserve credits before a batch job')
    .argument('<account>')
    .argument('<pool>')
    .argument('<amount>')
    .option('--expires <time>', 'when the hold lapses (default: in 1 hour)')
    .option('--at <time>')
    .option('--key <key>')
    .option('--note <text>')
    .action(async (acc: string, pool: string, amount: string, o) => {
      const input = { account: acc, pool, amount, expires: o.expires, at: o.at, key: o.key, note: o.note };
      const text = (h: HandlerOutput<'holds.place'>) => `${h.holdId}: ${fmt.creditsOf(h.credits, h.pool)} held until ${h.expiresAt}`;
      // A team's hold counts against everyone's credits: placed on the host, now (team-client.ts).
      const t = teamAccount(acc);
      if (t) return print((await teamClient!.direct(t.alias, 'holds.place', { ...input, account: t.account })) as HandlerOutput<'holds.place'>, (h) => text(h).replace(h.holdId, `${t.alias}/${h.holdId}`));
      emit('holds.place', input, text);
    });
  useOptions(program.command('capture').description('record usage against a hold (TEAM/HOLD for a team hold)').argument('<hold>').argument('<action>').argument('[quantity]')).action(
    async (hold: string, act: string, qty: string | undefined, o) => {
      const input = { hold, action: act, quantity: qty, at: o.at, key: o.key, member: o.member, attrs: pairs(o.attr, '--attr') };
      const t = teamAccount(hold);
      if (t) return print((await teamClient!.direct(t.alias, 'holds.capture', { ...input, hold: t.account })) as HandlerOutput<'holds.capture'>, fmt.useText);
      emit('holds.capture', input, fmt.useText);
    },
  );
  program
    .command('release')
    .description('release what is left of a hold (TEAM/HOLD for a team hold)')
    .argument('<hold>')
    .option('--at <time>')
    .action(async (hold: string, o) => {
      const text = (h: HandlerOutput<'holds.release'>) => `${h.holdId}: ${h.status}; ${h.captured} captured`;
      const t = teamAccount(hold);
      if (t) return print((await teamClient!.direct(t.alias, 'holds.release', { hold: t.account, at: o.at })) as HandlerOutput<'holds.release'>, text);
      emit('holds.release', { hold, at: o.at }, text);
    });
  program
    .command('holds')
    .argument('<account>')
    .action(async (acc: string) => {
      const text = (l: HandlerOutput<'holds.list'>) => l.map((h) => `${h.holdId}  ${h.pool}  ${h.credits} held, ${h.outstanding} outstanding, ${h.status}, until ${h.expiresAt}`).join('\n') || 'No holds.';
      const t = teamAccount(acc);
      if (t) return print((await teamClient!.direct(t.alias, 'holds.list', { account: t.account })) as HandlerOutput<'holds.list'>, text);
      emit('holds.list', { account: acc }, text);
    });

  program
    .command('void')
    .description('void an event: its credits go back to the grants they came from')
    .argument('<event>')
    .option('--reason <text>')
    .option('--at <time>')
    .action((ev: string, o) =>
      emit('events.void', { event: ev, reason: o.reason, at: o.at }, (r) =>
        r.status === 'duplicate' ? `${r.eventId} was already voided at ${r.at}` : `${r.eventId} voided; ${r.returned.map((x) => `${x.credits} ${x.live ? 'returned to' : 'not returned (expired):'} ${x.grantId}`).join(', ') || 'nothing was charged'}`,
      ),
    );
  program
    .command('refund')
    .description('refund the unused part of a purchased grant, inside the refund window')
    .argument('<grant>')
    .option('--at <time>')
    .action((g: string, o) => emit('grants.refund', { grant: g, at: o.at }, (r) => `${r.refundId}: refunded ${r.credits} credits from ${r.grantId}${r.currency ? ` (${r.amountCents / 100} ${r.currency})` : ''}`));

  program
    .command('packs')
    .description('credit packs an account can buy, with price, price per credit and how they are bought')
    .argument('<account>')
    .action((acc: string) => print(payments().packs(open(), acc), packsText));
  program
    .command('buy')
    .description('buy a credit pack: opens Stripe Checkout (or the provider\'s link) in the browser and waits until the payment is verified')
    .argument('<account>')
    .argument('<pack>')
    .option('--no-wait', 'print the Checkout URL and return; `creditdeck purchase show ID` checks it later')
    .option('--timeout <minutes>', 'stop waiting after this long (default: until the Checkout Session expires)')
    .option('--open-host <host>', "open a pack's own link on this host (not Stripe's) without asking; needed without a terminal")
    .action(async (acc: string, pack: string, o: { wait: boolean; timeout?: string; openHost?: string }) => {
      const p = payments();
      const ctx = open();
      consent = { openHost: o.openHost, refused: null };
      const started = await p.start(ctx, acc, pack);
      if (started.via === 'link') {
        if (!started.opened && consent.refused) throw new InputError(consent.refused, '--open-host');
        io.err(`${started.opened ? 'Opened' : 'Open'} ${started.url} to buy it from the provider; once the credits arrive, record them with: creditdeck purchase confirm ${acc} ${pack} --note "receipt …"\n`);
        print(started, (s) => s.url);
        return;
      }
      const purchase = started.purchase!;
      io.err(`${started.opened ? 'Opened Stripe Checkout in your browser' : 'Open this link to pay'}: ${started.url}\n`);
      if (!o.wait) {
        print(started, (s) => `${s.purchase!.id}  pending  ${s.url}`);
        return;
      }
      const sleep = io.sleep ?? ((ms: number) => new Promise<void>((ok) => setTimeout(ok, ms)));
      const tty = io.isTTY ?? process.stderr.isTTY === true;
      const deadline = o.timeout !== undefined ? now() + strictInt(o.timeout, '--timeout') * 60_000 : (purchase.expiresAt ? Date.parse(purchase.expiresAt) : now() + 3_600_000) + 5 * 60_000;
      const spin = ['|', '/', '-', '\\'];
      let v: PurchaseView = purchase;
      for (let i = 0; v.status === 'pending'; i++) {
        if (tty) rawIo.err(`\r${spin[i % 4]} waiting for the payment to be verified${v.message ? ` (${escapeText(v.message)})` : ''}…`);
        await sleep(2000);
        v = await p.get(ctx, purchase.id);
        if (v.status === 'pending' && now() > deadline) break;
      }
      if (tty) rawIo.err('\r\x1b[K');
      print(v, purchaseText);
      if (v.status === 'paid') return;
      throw new Error(v.status === 'pending' ? `purchase ${v.id} is still pending; \`creditdeck purchase show ${v.id}\` checks it again` : `purchase ${v.id} ${v.status}: ${v.message ?? 'no payment'}`);
    });
  program
    .command('purchases')
    .description('purchases, newest first')
    .argument('[account]')
    .action((acc?: string) => {
      const list = payments().list(open(), acc);
      print(list, (l) => l.map(purchaseLine).join('\n') || 'No purchases yet.');
    });
  const purchase = program.command('purchase').description('one purchase: show (verifies a pending one), refund, cancel, confirm a link purchase, check all pending');
  purchase
    .command('show')
    .argument('<purchase>')
    .option('--recheck', 'ask Stripe again about a failed or expired purchase')
    .action(async (id: string, o: { recheck?: boolean }) => {
      const v = await payments().get(open(), id, { recheck: o.recheck });
      print(v, purchaseText);
    });
  purchase
    .command('refund')
    .argument('<purchase>')
    .description('refund the unused credits through Stripe, inside the provider\'s refund window')
    .action(async (id: string) => {
      const r = await payments().refund(open(), id);
      print(r, (r) => `${r.refundId}: refunded ${r.credits} credits from ${r.grantId} (${formatMoney(r.amount.minor, r.amount.currency)}${r.stripeRefund ? `, Stripe refund ${r.stripeRefund}` : ''})`);
    });
  purchase
    .command('cancel')
    .argument('<purchase>')
    .description('close a pending Checkout Session so it cannot be paid')
    .action(async (id: string) => {
      const v = await payments().cancel(open(), id);
      print(v, purchaseText);
    });
  purchase
    .command('confirm')
    .argument('<account>')
    .argument('<pack>')
    .requiredOption('--note <text>', 'what arrived, e.g. the provider\'s receipt number')
    .option('--credits <n>', 'credits that arrived (for packs without a fixed amount)')
    .option('--price <cents>', 'what was paid, in minor units (default: the pack\'s price)')
    .description('record a pack bought through the provider\'s own link')
    .action((acc: string, pack: string, o: { note: string; credits?: string; price?: string }) =>
      emit('purchases.confirmManual', { account: acc, pack, note: o.note, credits: o.credits, priceMinor: o.price }, purchaseText),
    );
  purchase
    .command('check')
    .description('verify every pending purchase with Stripe once')
    .action(async () => {
      const r = await payments().poll(open());
      print(r, (r) => `checked ${r.checked}: ${r.paid.length} paid, ${r.expired.length} expired, ${r.failed.length} failed${r.errors.length ? `; ${r.errors[0]}` : ''}`);
    });

  program
    .command('balance')
    .description('remaining credits in every pool, now or --at any instant')
    .argument('[account]', 'default: every account')
    .option('--at <time>')
    .action(async (acc: string | undefined, o) => {
      // TEAM/ACCOUNT: the host's numbers, or this device's copy as of its last sync (team-client.ts).
      if (acc && teamAccount(acc)) {
        if (o.at !== undefined) throw new InputError('--at is for local accounts: a team account is read as the host has it now', '--at');
        return print(await teamClient!.balance(acc), (t) => fmt.teamBalanceText(t, now()));
      }
      if (acc) return emit('balance.get', { account: acc, at: o.at }, (b) => fmt.balanceText(b, now()));
      const local = call(open(), 'balance.all', { at: o.at });
      // The teams joined from here, from their mirrors: no network for a list.
      const team = o.at === undefined ? teamClient!.mirrored() : [];
      if (json) return io.out(JSON.stringify(team.length ? [...local, ...team] : local, null, 2) + '\n');
      io.out([...local.map((b) => fmt.balanceText(escapeDeep(b), now())), ...team.map((t) => fmt.teamBalanceText(escapeDeep(t), now()))].join('\n\n') + '\n' || 'No accounts yet.\n');
    });
  program
    .command('usage')
    .description('usage report, grouped by day, week, month, action, member, pool, status or attr:NAME')
    .argument('<account>')
    .option('--from <time>', 'default: start of the current period')
    .option('--to <time>', 'default: the next reset')
    .option('--by <keys>', 'comma-separated groupings', 'day')
    .option('--action <id>')
    .option('--pool <id>')
    .option('--member <id>')
    .option('--where <k=v>', 'only events with this attribute value; repeatable', collect, [])
    .option('--format <format>', '"fluximage": this period in the shape of Fluximage\'s usage API (docs/vendors.md)')
    .action(async (acc: string, o) => {
      // TEAM/ACCOUNT: this period from the host, or offline from this device's copy (team-client.ts).
      if (teamAccount(acc)) {
        const extra = ['from', 'to', 'action', 'pool', 'member', 'format'].filter((k) => o[k] !== undefined).concat(o.where.length ? ['where'] : []);
        if (extra.length) throw new InputError(`--${extra[0]} is for local accounts: a team account's usage is this period, --by day, action or member`, `--${extra[0]}`);
        return print(await teamClient!.usage(acc, parseUsageKey(o.by)), (u) => teamUsageText(u, now()));
      }
      if (o.format === 'fluximage') return emit('usage.fluximage', { account: acc }, (u) => JSON.stringify(u, null, 2));
      if (o.format !== undefined) throw new InputError(`--format takes "fluximage" (got "${String(o.format).slice(0, 40)}")`, '--format');
      const by = String(o.by).split(',');
      // Credits of different pools never add up: the table groups by pool too, unless one pool is asked for (--json keeps the grouping asked for).
      if (!json && o.pool === undefined && !by.includes('pool')) by.push('pool');
      emit('reports.usage', { account: acc, from: o.from, to: o.to, by, action: o.action, pool: o.pool, member: o.member, where: pairs(o.where, '--where') }, (r) => fmt.reportText(r, now(), o.pool));
    });
  program
    .command('events')
    .description('usage history, newest first')
    .argument('<account>')
    .option('--limit <n>', 'rows per page', '50')
    .option('--before <seq>', 'next page')
    .option('--action <id>')
    .action(async (acc: string, o) => {
      if (teamAccount(acc)) {
        if (o.before !== undefined) throw new InputError("--before is for local accounts: a team account's history is its latest events (--limit)", '--before');
        const limit = strictInt(o.limit, '--limit');
        if (limit < 1 || limit > 1000) throw new InputError('--limit must be between 1 and 1000', '--limit');
        return print(await teamClient!.events(acc, { limit, ...(o.action !== undefined ? { action: String(o.action) } : {}) }), (r) => teamEventsText(r, now()));
      }
      return emit('events.list', { account: acc, limit: strictInt(o.limit, '--limit'), before: o.before === undefined ? undefined : strictInt(o.before, '--before'), action: o.action }, (r) => fmt.eventsText(r, now()));
    });
  program
    .command('forecast')
    .description('burn rate, pace and run-out against the next reset')
    .argument('<account>')
    .option('--at <time>')
    .action(async (acc: string, o) => {
      if (teamAccount(acc)) {
        if (o.at !== undefined) throw new InputError('--at is for local accounts: a team account is forecast from the host now, or offline from the last sync', '--at');
        return print(await teamClient!.forecast(acc), (f) => teamForecastText(f, now()));
      }
      return emit('reports.forecast', { account: acc, at: o.at }, (f) => fmt.forecastText(f, now()));
    });
  program
    .command('fit')
    .description('plan fit: every plan against what the account used in its last periods, with the packs each would need')
    .argument('<account>')
    .option('--periods <n>', 'periods to look back (1–24)', '3')
    .action(async (acc: string, o) => {
      // TEAM/ACCOUNT: the host's fit, now; offline there is none (team-client.ts).
      if (teamAccount(acc)) return print(await teamClient!.fit(acc, strictInt(o.periods, '--periods')), (r) => `From the team host, now (${r.asOf}): ${r.account}\n${fmt.fitText(r, now())}`);
      return emit('plans.fit', { account: acc, periods: strictInt(o.periods, '--periods') }, (r) => fmt.fitText(r, now()));
    });
  program
    .command('calendar')
    .description("every pool's next resets as an iCalendar file, with a reminder before credits expire unused (or subscribe to the host's feed: docs/app.md)")
    .argument('[account]', 'one account (default: every account)')
    .option('-o, --out <file>', 'write the .ics file here instead of printing it')
    .action((acc: string | undefined, o: { out?: string }) => {
      const r = call(open(), 'calendar.ics', { account: acc });
      if (json) return io.out(JSON.stringify(r, null, 2) + '\n');
      if (o.out !== undefined) {
        writeFileSync(o.out, r.text);
        return io.out(`Wrote ${r.events} events to ${o.out}: open it with your calendar app to add the resets.\n`);
      }
      // iCalendar lines end in CRLF: escaped line by line, then written as they are.
      rawIo.out(escapeOutput(r.text.replace(/\r\n/g, '\n')).replace(/\n/g, '\r\n'));
    });
  program
    .command('refusals')
    .description('why work was stopped: every refused event with its reason')
    .argument('<account>')
    .action((acc: string) => emit('refusals.list', { account: acc }, (l) => fmt.refusalsText(l, now())));
  program
    .command('alerts')
    .description('threshold and low-balance alerts')
    .argument('[account]')
    .action(async (acc?: string) => {
      // TEAM/ACCOUNT: the host's alerts, or offline this period's from this device's copy (team-client.ts).
      if (acc !== undefined && teamAccount(acc)) return print(await teamClient!.alerts(acc), (r) => teamAlertsText(r, now()));
      return emit('alerts.list', { account: acc }, (l) => fmt.alertsText(l, now()));
    });

  program
    .command('calc')
    .description('size a plan: finished videos × variations, images, members, buffer → recommended plan')
    .argument('<preset>')
    .option('--videos <n>', 'finished videos a month (per member)')
    .option('--variations <x>', 'generations per finished video (the guide: 3–5 → 4)')
    .option('--images <n>', 'images a month (per member)')
    .option('--members <n>', 'people sharing the account', '1')
    .option('--buffer <f>', 'growth buffer as a fraction (the guide: 0.2–0.3)', '0.2')
    .option('--need <pool=n>', 'credits a month for a pool (per member); repeatable', collect, [])
    .option('--use <action=qty>', 'monthly use of an action, e.g. ai:claude-sonnet=200x1500 (calls × tokens); repeatable', collect, [])
    .option('--provider-file <path>', 'size a custom provider instead of a preset')
    .action((preset: string, o) =>
      emit(
        'calc',
        { preset, providerFile: o.providerFile, videos: o.videos, variations: o.variations, images: o.images, members: o.members, buffer: o.buffer, need: pairs(o.need, '--need'), use: pairs(o.use, '--use') },
        fmt.calcText,
        false,
      ),
    );

  program
    .command('import')
    .description('import usage events from JSONL or CSV, all or nothing')
    .argument('<file>')
    .option('--account <id>', 'account for lines without an account column')
    .addOption(new Option('--format <format>', 'default: from the file extension').choices(['jsonl', 'csv']))
    .action((file: string, o) => {
      const format = o.format ?? (file.toLowerCase().endsWith('.csv') ? 'csv' : file.toLowerCase().endsWith('.jsonl') || file.toLowerCase().endsWith('.ndjson') ? 'jsonl' : undefined);
      if (!format) throw new InputError(`cannot tell the format of ${file}; name it .jsonl or .csv, or pass --format`, 'format');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'file');
      }
      // A long import shows how far it is on a terminal; the ledger commits it all at the end (all or nothing).
      const tty = !json && (io.isTTY ?? process.stderr.isTTY === true);
      const onProgress = (done: number, total: number) => rawIo.err(`\r\x1b[Kimporting ${fmt.count(done)} of ${fmt.count(total)} lines (${Math.floor((done * 100) / total)} %)…`);
      let r: ImportResult;
      try {
        r = importEvents(open(), text, { format, ...(o.account !== undefined ? { account: o.account } : {}), ...(tty ? { onProgress } : {}) });
      } finally {
        if (tty) rawIo.err('\r\x1b[K');
      }
      const c = fmt.count;
      print(r, (r) => `imported ${c(r.lines)} lines: ${c(r.applied)} applied, ${c(r.free)} free, ${c(r.bypassed)} bypassed, ${c(r.covered)} covered, ${c(r.duplicate)} duplicates; ${fmt.creditsOf(r.credits, 'credits')}`);
    });
  const dbPath = () => program.opts<{ db?: string }>().db ?? defaultDbPath(io.env);
  const teamCmd = registerTeam(program, { open, dbPath, json: () => json, out: io.out, now });
  // A member's own side of a team joined from here: join, status, sync, outbox, leave, and TEAM/ACCOUNT writes.
  teamClient = registerTeamClient(teamCmd, { dbPath, json: () => json, out: io.out, err: io.err, now, ask: io.ask ?? askOnTerminal, ...(io.env.CREDITDECK_TEAM_TIMEOUT_MS ? { timeoutMs: Number(io.env.CREDITDECK_TEAM_TIMEOUT_MS) } : {}) });
  const meters = registerReconcile(program, { open, json: () => json, out: io.out, err: io.err, env: io.env, sleep: io.sleep });
  program
    .command('check')
    .description('verify the ledger: SQLite integrity and every invariant')
    .action(() => {
      emit('check', {}, (r) => (r.ok ? 'ok: integrity and invariants hold' : `PROBLEMS:\n${r.problems.join('\n')}\nintegrity: ${r.integrity}`));
      const r = call(open(), 'check', {});
      if (!r.ok) throw new Error('the ledger check found problems');
    });
  program
    .command('serve')
    .description('serve the app to a browser on this machine, printing its URL, until stopped (Ctrl-C); --team: to the team over HTTPS, everyone signed in (docs/team.md)')
    .option('--host <host>', 'address to listen on; beyond loopback only with --team', '127.0.0.1')
    .option('--port <port>', 'port (0: any free one)', String(DEFAULT_PORT))
    .option('--team', 'the team host: HTTPS (a self-signed certificate made on first run, or --tls-cert/--tls-key), every call with a token or a signed-in browser')
    .option('--public-url <url>', 'with --team: the https:// address members use (a proxy\'s, a DNS name)')
    .option('--tls-cert <file>', 'with --team: serve this certificate (PEM) instead of the generated one')
    .option('--tls-key <file>', 'with --tls-cert: its private key (PEM)')
    .option('--behind-proxy', 'with --team: plain HTTP on loopback for a TLS-terminating proxy on this machine (Caddy, nginx)')
    .action(async (o) => {
      // Loaded on first use, as the MCP server below: the hosts' HTTP, TLS and certificate code stays out of every other command's start.
      const [{ serve }, { teamServe }] = await Promise.all([import('../web/serve.js'), import('../web/team-core.js')]);
      return serve(open(), { ...o, json, vendorMeter: (ctx: Ctx) => meters.schedule(ctx, (l) => io.err(l + '\n')) }, io, undefined, payments(), teamServe);
    });
  program
    .command('mcp')
    .description('serve the Model Context Protocol over stdio on this ledger, for Claude Desktop, Cursor and other agents (docs/mcp.md)')
    .option('--team [alias]', "the tools of a team joined from here, relayed to its host as you (default: the only team joined)")
    .action(async (o: { team?: string | true }) => {
      if (o.team !== undefined) {
        const creds = requireTeamCredentials(dbPath(), o.team === true ? undefined : o.team);
        // Raw stdout: JSON-RPC lines are the protocol's own, already JSON-escaped.
        return (await import('../mcp/team-relay.js')).relayStdio(creds, { out: (s) => rawIo.out(s), log: (l) => io.err(l + '\n') });
      }
      // Loaded on first use: the MCP SDK stays out of every other command's start.
      return (await import('../mcp/stdio.js')).serveStdio(open(), { log: (l) => io.err(l + '\n') });
    });
  program
    .command('backup')
    .description('copy the ledger to a new file while it stays in use (default: backups/ beside the ledger)')
    .argument('[file]')
    .action((file?: string) => emit('data.backup', { path: file }, (r) => `backed up to ${r.path} (${Math.round(r.bytes / 1024)} KiB)`));
  program
    .command('export')
    .description('write every row of the ledger as JSON Lines (reload it with restore)')
    .argument('<file>')
    .action((file: string) => emit('data.export', { path: file }, (r) => `exported ${r.rows} rows from ${r.tables} tables to ${r.path}`));
  program
    .command('restore')
    .description('restore a backup (.sqlite: replaces the ledger, keeping the old file beside it — close the app first) or an export (.jsonl: into an empty ledger)')
    .argument('<file>')
    .action((file: string) => {
      const target = program.opts<{ db?: string }>().db ?? defaultDbPath(io.env);
      const clock = io.clock ?? systemClock;
      if (/\.(jsonl|ndjson)$/i.test(file)) {
        const r = restoreExport(open(), file);
        io.out(json ? JSON.stringify({ target, ...r }) + '\n' : `restored ${r.rows} rows (${r.accounts} accounts) into ${target}\n`);
      } else {
        const r = restoreBackup(file, target, clock);
        io.out(json ? JSON.stringify(r) + '\n' : `restored ${file} (${r.accounts} accounts, ${r.events} events) to ${target}${r.keptAs ? `; the previous ledger is kept as ${r.keptAs}` : ''}\n`);
      }
    });
  program
    .command('where')
    .description('print the ledger file this command would use')
    .action(() => io.out(`${program.opts<{ db?: string }>().db ?? defaultDbPath(io.env)}\n`));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (e) {
    return report(e, io, json || argv.includes('--json'), now());
  } finally {
    (ctx as Ctx | null)?.db.close();
  }
}

function money(m: { minor: number; currency: string } | null): string {
  return m ? formatMoney(m.minor, m.currency) : 'no price';
}

function packsText(list: ReturnType<Payments['packs']>): string {
  if (list.length === 0) return 'This provider sells no credit packs.';
  return list
    .map((p) => `${p.id}  ${p.name}: ${p.credits === null ? `any amount of ${p.pool === 'credits' ? '' : `${p.pool} `}credits` : fmt.creditsOf(p.credits, p.pool)}, ${money(p.price)}${p.perCredit ? ` (${p.perCredit} per credit)` : ''} — ${p.buyable ? `buy: creditdeck buy ACCOUNT ${p.id}${p.via === 'link' ? ` (the provider's link)` : ''}` : p.reason}`)
    .join('\n');
}

function purchaseLine(v: PurchaseView): string {
  return `${v.id}  ${v.createdAt.slice(0, 10)}  ${v.account}  ${v.packName}  ${fmt.creditsOf(v.credits, v.pool)}  ${money(v.paid ?? v.price)}  ${v.status}${v.refund ? ` (refunded ${money(v.refund.amount)})` : ''}${v.via === 'recorded' ? '  recorded by hand' : ''}`;
}

function purchaseText(v: PurchaseView): string {
  const lines = [purchaseLine(v)];
  if (v.status === 'pending' && v.checkoutUrl) lines.push(`  pay at: ${v.checkoutUrl}`);
  if (v.grantId) lines.push(`  grant: ${v.grantId}`);
  if (v.receiptUrl) lines.push(`  receipt: ${v.receiptUrl}`);
  if (v.message) lines.push(`  ${v.message}`);
  if (v.status === 'paid') lines.push(v.refundable ? `  refundable: creditdeck purchase refund ${v.id}` : `  not refundable: ${v.refundReason}`);
  return lines.join('\n');
}

/** A line typed on the terminal, or null when stdin or stderr is not one. */
async function askOnTerminal(question: string): Promise<string | null> {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return null;
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

function strictInt(v: string, field: string): number {
  if (!/^\d{1,15}$/.test(v)) throw new InputError(`${field} must be a whole number`, field);
  return Number(v);
}

/** An instant the ledger put in a refusal, for people: "Dec 20 00:00 UTC" (`--json` keeps the message as it is). Input errors quote what was typed, so they are left alone. */
const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z\b/g;

function report(e: unknown, io: Io, json: boolean, nowMs: number): number {
  const words = (m: string): string => m.replace(ISO_INSTANT, (t) => at(t, nowMs));
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
    if (json) io.out(JSON.stringify({ error: { code: 'invalid_input', message: e.message.replace(/^error: /, '') } }) + '\n');
    return EXIT.input; // commander already printed the message and a hint
  }
  let code: number = EXIT.failure;
  let body: Record<string, unknown>;
  if (e instanceof RefusedError) {
    code = EXIT.refused;
    body = { code: 'refused', reason: e.reason, message: e.message, details: e.details };
    io.err(`creditdeck: refused (${e.reason}): ${words(e.message)}\n`);
  } else if (e instanceof ForbiddenError || e instanceof UnauthorizedError) {
    code = EXIT.forbidden;
    body = { code: e instanceof ForbiddenError ? 'forbidden' : 'unauthorized', message: e.message };
    io.err(`creditdeck: not allowed: ${e.message}\nNothing was written.\n`);
  } else if (e instanceof InputError) {
    code = EXIT.input;
    body = { code: 'invalid_input', message: e.message, field: e.field };
    io.err(`creditdeck: ${e.message}\nNothing was written.\n`);
  } else {
    const msg = e instanceof Error ? e.message : String(e);
    body = { code: 'error', message: msg };
    io.err(`creditdeck: ${msg}\n`);
  }
  if (json) io.out(JSON.stringify({ error: body }) + '\n');
  return code;
}
