/**
 * The one API: every command and query the CLI, the web host and the app's
 * IPC bridge may call, each with a schema for its input. A transport looks a
 * handler up by name, validates the input at the boundary, and calls it.
 */
import * as z from 'zod';
import { readFileSync } from 'node:fs';
import { InputError } from '../util/errors.js';
import { escapeText, plainText } from '../util/text.js';
import { parseInstant } from '../util/period.js';
import { getPreset, parseProvider, presets } from '../presets/index.js';
import { calc } from '../calc.js';
import type { Ctx } from '../ledger/context.js';
import { createAccount, getAccount, listAccounts, planAt, type Account } from '../ledger/accounts.js';
import { getBalance } from '../ledger/balance.js';
import { checkGraceHours, graceHours, setGraceHours } from '../ledger/late.js';
import { addMember, listActions, listDailyLimits, listMembers, setAction, setDailyLimit, updateAccount } from '../ledger/config.js';
import { forecast } from '../ledger/forecast.js';
import { planFit } from '../ledger/whatif.js';
import { grantCredits, listGrants } from '../ledger/grants.js';
import { captureHold, listHolds, placeHold, releaseHold } from '../ledger/holds.js';
import { importEvents } from '../ledger/import.js';
import { checkInvariants } from '../ledger/invariants.js';
import { changePlan } from '../ledger/plans.js';
import { previewPlanChange } from '../ledger/plan-preview.js';
import { recordOpening } from '../ledger/opening.js';
import { setArchived } from '../ledger/archive.js';
import { removeMember, renameMember, setMemberCap } from '../ledger/member-edits.js';
import { listRefusals } from '../ledger/refusals.js';
import { refundGrant } from '../ledger/refunds.js';
import { listEvents, usageReport } from '../ledger/reports.js';
import { recordUsage, seqOfEventId } from '../ledger/usage.js';
import type { UsageBatch } from '../ledger/usage-batch.js';
import { voidEvent } from '../ledger/voids.js';
import { listAlerts } from '../ledger/alerts.js';
import { mcToCredits } from '../util/credits.js';
import { iso } from '../util/period.js';
import { Payments, type PaymentsStatus } from '../purchases/service.js';
import { checkSecretKey, checkWebhookSecret, type StripeSecrets } from '../purchases/secrets.js';
import { confirmManual } from '../purchases/store.js';
import type { Caller } from '../team/types.js';
import { teamCaps } from '../team/caps.js';
import type { CapsHook } from '../ledger/caps-hook.js';
import { teamHandlers } from './team.js';
import { agentHandlers } from './agents.js';
import { hostingHandlers, type TeamHosting } from './hosting.js';
import { dataHandlers, type RestoreOnRestart } from './data.js';
import { membershipHandlers, type TeamMembership } from './membership.js';
import { syncHandlers } from './sync.js';
import { calendarHandlers } from './calendar.js';
import { vendorHandlers } from './vendors.js';
import { reconcileHandlers } from './reconcile.js';
import { withSources, type MeterStatus } from '../connectors/provenance.js';
import type { FluximageKeyService } from './reconcile.js';
import { quickInput } from './quick-input.js';

// Numbers as text are parsed strictly (util/credits.ts), which refuses any other character with a clearer message.
const num = z.union([z.string(), z.number()]);
const when = plainText().max(64);
const amounts = z.record(plainText().max(64), plainText().max(64));

/** ISO text → instant, read in the account's zone when it has no offset. */
function at(value: string | undefined, zone: string, field = '--at'): number | undefined {
  return value === undefined ? undefined : parseInstant(value, field, zone);
}

function zoneOf(ctx: Ctx, account: string): string {
  return getAccount(ctx, account).zone;
}

/** The zone of the account a grant, hold or event belongs to (UTC when it is unknown: the call fails later with a clear message). */
function zoneOfRow(ctx: Ctx, table: 'grants' | 'holds', id: string): string {
  const row = ctx.db.prepare(`SELECT account_id FROM ${table} WHERE id = ?`).get(id) as { account_id: string } | undefined;
  return row ? zoneOf(ctx, row.account_id) : 'UTC';
}

function zoneOfEvent(ctx: Ctx, id: string): string {
  const seq = seqOfEventId(id);
  const row = seq === null ? undefined : (ctx.db.prepare('SELECT account_id FROM events WHERE seq = ? AND id = ?').get(seq, id) as { account_id: string } | undefined);
  return row ? zoneOf(ctx, row.account_id) : 'UTC';
}

function accountView(ctx: Ctx, a: Account) {
  const plan = planAt(ctx, a, ctx.clock.now());
  return {
    id: a.id,
    name: a.name,
    provider: a.providerId,
    providerName: a.provider.name,
    plan: plan.plan.id,
    planName: plan.plan.name,
    amounts: Object.fromEntries(Object.entries(plan.amounts).map(([k, v]) => [k, v === 'unlimited' ? 'unlimited' : mcToCredits(v)])),
    /** Each pool's name for people ("Video credits"), so no page shows a pool's id. */
    poolLabels: Object.fromEntries(a.provider.pools.map((p) => [p.id, p.label])),
    zone: a.zone,
    anchor: a.anchor,
    reset: a.provider.reset.rule === 'calendar-month' ? `1st of each month, 00:00 ${a.provider.reset.zone}` : `day ${a.rule.day} of each month (clamped), 00:00 ${a.zone}`,
    createdAt: iso(a.createdAt),
    archived: a.archivedAt !== null,
    monthlyLimit: a.monthlyLimitMc === null ? null : mcToCredits(a.monthlyLimitMc),
    lowBalance: a.lowBalanceMc === null ? null : mcToCredits(a.lowBalanceMc),
    lowBalancePercent: a.lowBalancePct,
    thresholds: a.thresholds,
    alertBasis: a.alertBasis,
    graceHours: graceHours(ctx, a.id),
    packs: a.provider.packs,
    packPools: plan.plan.packPools,
    refundWindowDays: a.provider.refundWindowDays,
    onEmpty: a.provider.onEmpty,
    byoKey: a.provider.byoKey,
    notes: a.provider.notes,
  };
}

/**
 * What some handlers need beyond the ledger: the payments service (Stripe
 * client, browser opener). Transports pass it when they have one; without
 * it, purchases that need Stripe say Stripe is not set up.
 */
export interface Services {
  payments?: Payments;
  /**
   * Store new Stripe keys and use them (the desktop app only: encrypted with
   * safeStorage). Given validated keys; answers the new status, never the keys.
   * Absent in the web host and the CLI, which read them from the environment.
   */
  saveStripeKeys?: (keys: StripeSecrets) => PaymentsStatus;
  /** Who is calling, on a team ledger (main/core/team/call-as.ts sets it): attribution, caps and the team calls use it. */
  caller?: Caller;
  /** A team push's batch (api/sync.ts): its usage.record entries keep their state in memory until the push flushes it. */
  usageBatch?: UsageBatch;
  /** A team push's caps hook for its caller (team/caps.ts), made once for all its entries: the caps are read once. */
  caps?: CapsHook;
  /** The team host's key (main/core/team/host-key.ts): the team calls that issue or check secrets need it. */
  teamKey?: Buffer;
  /** The last status of a vendor's meter per account, kept by the transport that reads it (core/connectors/meter.ts). */
  meterStatus?: (account: string) => MeterStatus | null;
  /** The Fluximage API key in the desktop app (safeStorage): its status, and saving a new one; never the key itself. */
  fluximageKey?: FluximageKeyService;
  /** The desktop app's team host, started and stopped from Settings → Team (api/hosting.ts). */
  hosting?: TeamHosting;
  /** The desktop app as a member of a team hosted elsewhere: Join, sync, the outbox (api/membership.ts). */
  membership?: TeamMembership;
  /** The desktop app's restore of a backup at its next start (api/data.ts). */
  restore?: RestoreOnRestart;
  /** Set by team.push only: the call replays an entry recorded on a member's machine (usage.ts, `offline`). */
  pushed?: boolean;
  /** Set by team.push for each of its entries: a member's clock stamped it, the host's clock decides (usage.ts, `memberClock`). */
  memberClock?: boolean;
  /** Set by team.push for each of its entries: the push's one audit row lists the entry and its answer, the entry writes none (team/push-audit.ts). */
  inPush?: boolean;
}

let unconfigured: Payments | null = null;
function payments(s: Services | undefined): Payments {
  return s?.payments ?? (unconfigured ??= new Payments({ gateway: null }));
}

function def<S extends z.ZodType, R>(input: S, run: (ctx: Ctx, input: z.infer<S>, services?: Services) => R) {
  return { input, run };
}

const ref = plainText().min(1).max(128);

export const handlers = {
  'presets.list': def(z.object({}), () =>
    Object.values(presets).map((p) => ({
      id: p.id,
      name: p.name,
      reset: p.reset.rule,
      pools: p.pools.map((x) => x.id),
      plans: p.plans.map((x) => ({ id: x.id, name: x.name, priceCents: x.priceCents, allocations: x.allocations })),
      packs: p.packs.length,
    })),
  ),
  'presets.show': def(z.object({ id: plainText() }), (_ctx, i) => getPreset(i.id)),
  'accounts.add': def(
    z.object({
      preset: plainText().optional(),
      provider: z.unknown().optional(),
      providerFile: plainText().optional(),
      plan: plainText(),
      name: plainText().max(200).optional(),
      anchor: plainText().max(40).optional(),
      tz: plainText().max(64).optional(),
      amounts: amounts.optional(),
      at: when.optional(),
      // What is already used this period, per pool: recorded as the opening entry (ledger/opening.ts), with the account or not at all.
      used: amounts.optional(),
    }),
    (ctx, i) => {
      const sources = [i.preset, i.provider, i.providerFile].filter((x) => x !== undefined).length;
      if (sources !== 1) throw new InputError('give exactly one of --preset or --provider-file', 'preset');
      const provider =
        i.preset !== undefined
          ? getPreset(i.preset)
          : i.providerFile !== undefined
            ? parseProvider(readJson(i.providerFile), `provider file ${i.providerFile}`)
            : parseProvider(i.provider, 'provider');
      const zone = i.tz ?? 'UTC';
      return ctx.write(() => {
        const a = createAccount(ctx, { provider, planId: i.plan, name: i.name, anchor: i.anchor, zone, amounts: i.amounts, at: at(i.at, zone) });
        return { ...accountView(ctx, a), opening: i.used && Object.keys(i.used).length ? recordOpening(ctx, a.id, i.used).entries : [] };
      });
    },
  ),
  // Archived accounts are left out unless asked for (Settings lists them to restore).
  'accounts.list': def(z.object({ includeArchived: z.boolean().optional() }), (ctx, i) =>
    listAccounts(ctx)
      .filter((a) => i.includeArchived === true || a.archivedAt === null)
      .map((a) => accountView(ctx, a)),
  ),
  'accounts.show': def(z.object({ account: plainText() }), (ctx, i) => {
    const a = getAccount(ctx, i.account);
    return { ...accountView(ctx, a), actions: listActions(ctx, a.id), members: listMembers(ctx, a.id), dailyLimits: listDailyLimits(ctx, a.id) };
  }),
  'accounts.plan': def(z.object({ account: plainText(), plan: plainText(), at: when.optional(), amounts: amounts.optional() }), (ctx, i) =>
    changePlan(ctx, i.account, i.plan, { at: at(i.at, zoneOf(ctx, i.account)), amounts: i.amounts }),
  ),
  // The same change run and rolled back: what it grants now and what applies from the reset (ledger/plan-preview.ts).
  'accounts.planPreview': def(z.object({ account: plainText(), plan: plainText(), at: when.optional(), amounts: amounts.optional() }), (ctx, i) =>
    previewPlanChange(ctx, i.account, i.plan, { at: at(i.at, zoneOf(ctx, i.account)), amounts: i.amounts }),
  ),
  'accounts.opening': def(z.object({ account: plainText(), used: amounts, at: when.optional() }), (ctx, i) =>
    recordOpening(ctx, i.account, i.used, { at: at(i.at, zoneOf(ctx, i.account)) }),
  ),
  'accounts.archive': def(z.object({ account: plainText(), archived: z.boolean() }), (ctx, i) => accountView(ctx, setArchived(ctx, i.account, i.archived))),
  'accounts.set': def(
    z.object({
      account: plainText(),
      name: plainText().max(200).optional(),
      monthlyLimit: num.nullable().optional(),
      lowBalance: num.nullable().optional(),
      thresholds: z.array(z.number()).optional(),
      alertBasis: plainText().max(20).optional(),
      /** Hours after a reset during which entries from members' machines dated before it are still booked (ledger/late.ts). */
      graceHours: num.optional(),
    }),
    (ctx, i) => {
      // Checked before anything is written: a bad --grace-hours changes nothing else either.
      if (i.graceHours !== undefined) checkGraceHours(i.graceHours);
      const a = updateAccount(ctx, i.account, i);
      if (i.graceHours !== undefined) setGraceHours(ctx, a.id, i.graceHours);
      return accountView(ctx, a);
    },
  ),
  'actions.list': def(z.object({ account: plainText() }), (ctx, i) => listActions(ctx, i.account)),
  'actions.set': def(
    z.object({
      account: plainText(),
      action: plainText().max(64),
      pool: plainText().optional(),
      cost: num.optional(),
      per: num.optional(),
      unit: plainText().max(40).optional(),
      label: plainText().max(80).optional(),
      free: z.boolean().optional(),
      wholeUnits: z.boolean().optional(),
      hourlyLimit: num.nullable().optional(),
      dedupe: plainText().nullable().optional(),
    }),
    (ctx, i) => setAction(ctx, i),
  ),
  'members.add': def(z.object({ account: plainText(), member: plainText(), name: plainText().max(200).optional(), monthlyLimit: num.nullable().optional() }), (ctx, i) =>
    addMember(ctx, i.account, i.member, i),
  ),
  'members.list': def(z.object({ account: plainText(), includeRemoved: z.boolean().optional() }), (ctx, i) => listMembers(ctx, i.account, i)),
  'members.rename': def(z.object({ account: plainText(), member: plainText(), name: plainText().max(200) }), (ctx, i) => renameMember(ctx, i.account, i.member, i.name)),
  'members.cap': def(z.object({ account: plainText(), member: plainText(), pool: plainText(), cap: num.nullable() }), (ctx, i) => setMemberCap(ctx, i.account, i.member, i.pool, i.cap)),
  'members.remove': def(z.object({ account: plainText(), member: plainText() }), (ctx, i) => removeMember(ctx, i.account, i.member)),
  'limits.daily': def(z.object({ account: plainText(), attr: plainText(), value: plainText(), limit: num.nullable() }), (ctx, i) =>
    setDailyLimit(ctx, i.account, i.attr, i.value, i.limit),
  ),
  'usage.record': def(
    z.object({
      account: plainText(),
      action: plainText().max(64),
      quantity: num.optional(),
      at: when.optional(),
      key: plainText().max(200).optional(),
      member: plainText().max(64).optional(),
      attrs: z.record(plainText().max(64), plainText().max(1000)).optional(),
      byoKey: z.boolean().optional(),
      holdId: plainText().max(64).optional(),
    }),
    (ctx, i, s) =>
      recordUsage(
        ctx,
        {
          account: i.account,
          action: i.action,
          quantity: i.quantity,
          at: i.at === undefined ? undefined : at(i.at, zoneOf(ctx, i.account)),
          key: i.key,
          member: i.member,
          attrs: i.attrs,
          byoKey: i.byoKey,
          holdId: i.holdId,
          caps: s?.caps ?? teamCaps(ctx, s?.caller),
          offline: s?.pushed === true,
          memberClock: s?.pushed === true || s?.memberClock === true,
        },
        s?.usageBatch,
      ),
  ),
  'grants.add': def(
    z.object({
      account: plainText(),
      pool: plainText(),
      amount: num,
      source: z.enum(['purchase', 'bonus', 'promo', 'manual']).optional(),
      expires: when.optional(),
      priceCents: num.optional(),
      at: when.optional(),
      key: plainText().max(200).optional(),
      note: plainText().max(500).optional(),
    }),
    (ctx, i) => {
      const zone = zoneOf(ctx, i.account);
      return grantCredits(ctx, { ...i, at: at(i.at, zone), expiresAt: at(i.expires, zone, '--expires') });
    },
  ),
  'grants.list': def(z.object({ account: plainText(), live: z.boolean().optional() }), (ctx, i) => listGrants(ctx, i.account, i)),
  'grants.refund': def(z.object({ grant: plainText(), at: when.optional() }), (ctx, i) => refundGrant(ctx, i.grant, { at: at(i.at, zoneOfRow(ctx, 'grants', i.grant)) })),
  'holds.place': def(
    z.object({
      account: plainText(),
      pool: plainText(),
      amount: num,
      expires: when.optional(),
      // Seconds from the hold's time, at most 30 days (an agent's TTL; main/mcp/tools/reserve-credits.ts).
      ttlSeconds: z.number().int().min(1).max(30 * 86_400).optional(),
      at: when.optional(),
      key: plainText().max(200).optional(),
      note: plainText().max(500).optional(),
    }),
    (ctx, i) => {
      const zone = zoneOf(ctx, i.account);
      return placeHold(ctx, { ...i, at: at(i.at, zone), expiresAt: at(i.expires, zone, '--expires'), ttlMs: i.ttlSeconds === undefined ? undefined : i.ttlSeconds * 1000 });
    },
  ),
  'holds.capture': def(
    z.object({
      hold: plainText(),
      action: plainText().max(64),
      quantity: num.optional(),
      at: when.optional(),
      key: plainText().max(200).optional(),
      member: plainText().max(64).optional(),
      attrs: z.record(plainText().max(64), plainText().max(1000)).optional(),
    }),
    (ctx, i, s) => captureHold(ctx, i.hold, { ...i, at: at(i.at, zoneOfRow(ctx, 'holds', i.hold)), caps: teamCaps(ctx, s?.caller) }),
  ),
  'holds.release': def(z.object({ hold: plainText(), at: when.optional() }), (ctx, i) => releaseHold(ctx, i.hold, at(i.at, zoneOfRow(ctx, 'holds', i.hold)))),
  'holds.list': def(z.object({ account: plainText() }), (ctx, i) => listHolds(ctx, i.account)),
  'events.void': def(z.object({ event: plainText(), at: when.optional(), reason: plainText().max(500).optional() }), (ctx, i) =>
    voidEvent(ctx, i.event, { at: at(i.at, zoneOfEvent(ctx, i.event)), reason: i.reason }),
  ),
  'events.list': def(
    z.object({
      account: plainText(),
      before: z.number().int().optional(),
      limit: z.number().int().optional(),
      action: plainText().optional(),
      pool: plainText().optional(),
      member: plainText().optional(),
      attr: z.object({ name: plainText().max(64), value: plainText().max(200) }).optional(),
      from: when.optional(),
      to: when.optional(),
    }),
    (ctx, i) => {
      const zone = zoneOf(ctx, i.account);
      return listEvents(ctx, { ...i, from: at(i.from, zone, '--from'), to: at(i.to, zone, '--to') });
    },
  ),
  // Each pool says where its number comes from: the ledger, the vendor's meter, or a reconciliation (connectors/provenance.ts).
  'balance.get': def(z.object({ account: plainText(), at: when.optional() }), (ctx, i, s) => withSources(ctx, getBalance(ctx, i.account, at(i.at, zoneOf(ctx, i.account))), s?.meterStatus)),
  'balance.all': def(z.object({ at: when.optional(), includeArchived: z.boolean().optional() }), (ctx, i, s) =>
    listAccounts(ctx)
      .filter((a) => i.includeArchived === true || a.archivedAt === null)
      .map((a) => withSources(ctx, getBalance(ctx, a.id, at(i.at, a.zone)), s?.meterStatus)),
  ),
  'reports.usage': def(
    z.object({
      account: plainText(),
      from: when.optional(),
      to: when.optional(),
      by: z.array(plainText().max(64)).max(8).optional(),
      action: plainText().optional(),
      pool: plainText().optional(),
      member: plainText().optional(),
      where: z.record(plainText().max(64), plainText().max(200)).optional(),
    }),
    (ctx, i) => {
      const zone = zoneOf(ctx, i.account);
      return usageReport(ctx, { ...i, from: at(i.from, zone, '--from'), to: at(i.to, zone, '--to') });
    },
  ),
  'reports.forecast': def(z.object({ account: plainText(), at: when.optional() }), (ctx, i) => forecast(ctx, i.account, at(i.at, zoneOf(ctx, i.account)))),
  'plans.fit': def(z.object({ account: plainText(), periods: z.number().int().min(1).max(24).optional() }), (ctx, i) => planFit(ctx, i.account, { periods: i.periods })),
  'refusals.list': def(z.object({ account: plainText(), limit: z.number().int().min(1).max(500).optional() }), (ctx, i) => listRefusals(ctx, getAccount(ctx, i.account).id, i.limit)),
  'alerts.list': def(z.object({ account: plainText().optional(), sinceId: z.number().int().optional() }), (ctx, i) =>
    listAlerts(ctx, i.account === undefined ? null : getAccount(ctx, i.account).id, i.sinceId ?? 0),
  ),
  calc: def(
    z.object({
      preset: plainText().optional(),
      providerFile: plainText().optional(),
      videos: num.optional(),
      variations: num.optional(),
      images: num.optional(),
      members: num.optional(),
      buffer: num.optional(),
      need: amounts.optional(),
      use: amounts.optional(),
    }),
    (_ctx, i) => {
      const provider = i.providerFile !== undefined ? parseProvider(readJson(i.providerFile), `provider file ${i.providerFile}`) : getPreset(i.preset ?? '');
      return calc(provider, i);
    },
  ),
  // The file's text is many lines: each line's fields are checked as plain text where they are read (import.ts).
  import: def(z.object({ text: z.string(), format: z.enum(['jsonl', 'csv']), account: plainText().optional() }), (ctx, i) => importEvents(ctx, i.text, i)),
  'purchases.packs': def(z.object({ account: ref }), (ctx, i, s) => payments(s).packs(ctx, i.account)),
  'purchases.list': def(z.object({ account: ref.optional(), limit: z.number().int().min(1).max(500).optional() }), (ctx, i, s) => payments(s).list(ctx, i.account, i.limit)),
  'purchases.start': def(z.object({ account: ref, pack: ref }), (ctx, i, s) => payments(s).start(ctx, i.account, i.pack)),
  'purchases.get': def(z.object({ purchase: ref, recheck: z.boolean().optional() }), (ctx, i, s) => payments(s).get(ctx, i.purchase, { recheck: i.recheck })),
  'purchases.cancel': def(z.object({ purchase: ref }), (ctx, i, s) => payments(s).cancel(ctx, i.purchase)),
  'purchases.refund': def(z.object({ purchase: ref }), (ctx, i, s) => payments(s).refund(ctx, i.purchase)),
  'purchases.poll': def(z.object({}), (ctx, _i, s) => payments(s).poll(ctx)),
  'purchases.confirmManual': def(
    z.object({ account: ref, pack: ref, note: plainText().max(500), credits: num.optional(), priceMinor: num.optional() }),
    (ctx, i) => confirmManual(ctx, i),
  ),
  // Whether Stripe is set up and in which mode: no key, no part of one.
  'payments.status': def(z.object({}), (_ctx, _i, s) => payments(s).status()),
  // Write-only: the keys go in, only {configured, mode} comes back. Desktop only (dispatch.ts: DESKTOP_ONLY_CALLS).
  'payments.setKeys': def(z.object({ secretKey: plainText().max(300), webhookSecret: plainText().max(300).optional() }), (_ctx, i, s): PaymentsStatus => {
    const badKey = checkSecretKey(i.secretKey);
    if (badKey) throw new InputError(badKey, 'secretKey');
    const hook = i.webhookSecret === undefined || i.webhookSecret.trim() === '' ? null : i.webhookSecret.trim();
    const badHook = hook === null ? null : checkWebhookSecret(hook);
    if (badHook) throw new InputError(badHook, 'webhookSecret');
    if (!s?.saveStripeKeys) throw new InputError('Stripe keys are saved from the Creditdeck desktop app; the web host and the command line read STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (or the key file, docs/purchases.md)', 'secretKey');
    return s.saveStripeKeys({ secretKey: i.secretKey.trim(), webhookSecret: hook });
  }),
  check: def(z.object({}), (ctx) => {
    const problems = checkInvariants(ctx);
    const integrity = ctx.db.pragma('integrity_check', { simple: true }) as string;
    return { ok: problems.length === 0 && integrity === 'ok', integrity, problems };
  }),
  // People, roles, invites, tokens, sessions and the audit log (main/core/api/team.ts).
  ...teamHandlers,
  // What an agent asks before it spends: estimates, a budget check, the resets (main/core/api/agents.ts).
  ...agentHandlers,
  // Hosting the team from the desktop app (main/core/api/hosting.ts).
  ...hostingHandlers,
  ...dataHandlers,
  // The desktop app as a member of a team hosted elsewhere (main/core/api/membership.ts).
  ...membershipHandlers,
  // A member's outbox pushed to the team host (main/core/api/sync.ts).
  ...syncHandlers,
  // Every pool's resets as an iCalendar file (main/core/api/calendar.ts).
  ...calendarHandlers,
  // Provider-shaped reads: Fluximage's usage API, every balance the caller may read (main/core/api/vendors.ts).
  ...vendorHandlers,
  // The vendor's own meter: sources, differences, reconciliations (main/core/api/reconcile.ts).
  ...reconcileHandlers,
};

export type Handlers = typeof handlers;
export type HandlerName = keyof Handlers;
export type HandlerInput<N extends HandlerName> = z.input<Handlers[N]['input']>;
/** What a call answers; for the purchase calls that talk to Stripe, what their promise resolves to. */
export type HandlerOutput<N extends HandlerName> = Awaited<ReturnType<Handlers[N]['run']>>;
/** The calls that answer asynchronously (they may talk to Stripe): transports await them. */
export const ASYNC_CALLS = ['purchases.start', 'purchases.get', 'purchases.cancel', 'purchases.refund', 'purchases.poll', 'hosting.start', 'hosting.stop', 'membership.join', 'membership.sync', 'membership.leave', 'membership.record'] as const satisfies readonly HandlerName[];
export type AsyncCall = (typeof ASYNC_CALLS)[number];
const asyncCalls: ReadonlySet<string> = new Set(ASYNC_CALLS);
export function isAsyncCall(name: unknown): name is AsyncCall {
  return typeof name === 'string' && asyncCalls.has(name);
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'file');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path} is not valid JSON: ${(e as Error).message}`, 'file');
  }
}

/**
 * Validate and run one call: the boundary every transport goes through.
 * The calls in ASYNC_CALLS answer a promise: use callAsync for them.
 */
export function call<N extends HandlerName>(ctx: Ctx, name: N, input: unknown, services?: Services): HandlerOutput<N> {
  if (isAsyncCall(name)) throw new InputError(`"${name}" answers asynchronously; call it with callAsync`, 'call');
  return run(ctx, name, input, services) as HandlerOutput<N>;
}

/** Any call, awaited. */
export async function callAsync<N extends HandlerName>(ctx: Ctx, name: N, input: unknown, services?: Services): Promise<HandlerOutput<N>> {
  return (await run(ctx, name, input, services)) as HandlerOutput<N>;
}

/** A call's input through its schema; the hot call's plainly valid input gets the same answer without it (quick-input.ts). */
export function parseInput(name: HandlerName, input: unknown): { success: true; data: unknown } | { success: false; error: z.ZodError } {
  return quickInput(name, input) ?? (handlers[name].input as z.ZodType).safeParse(input);
}

function run(ctx: Ctx, name: HandlerName, input: unknown, services?: Services): unknown {
  const h = (Object.hasOwn(handlers, name) ? handlers[name] : undefined) as { input: z.ZodType; run: (ctx: Ctx, i: unknown, s?: Services) => unknown } | undefined;
  if (!h) throw new InputError(`unknown API call "${String(name)}"`, 'call');
  const parsed = parseInput(name, input ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    // A record key's own problem (plain text) says so; a path that holds such a key is shown escaped.
    const why = first.code === 'invalid_key' && first.issues[0] ? `the key ${first.issues[0].message}` : first.message;
    const where = escapeText(first.path.join('.'));
    throw new InputError(`invalid ${String(name)} input at ${where || '(root)'}: ${why}`, where);
  }
  return h.run(ctx, parsed.data, services);
}
