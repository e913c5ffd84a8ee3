/** Accounts: one per service subscription, with its provider rules snapshotted. */
import { DateTime } from 'luxon';
import type { Provider, Plan } from '../presets/schema.js';
import { parseProvider } from '../presets/index.js';
import { InputError, NotFoundError } from '../util/errors.js';
import { parseCredits } from '../util/credits.js';
import { checkPlainText } from '../util/text.js';
import { assertZone, parseLocalDate, periodAt, type ResetRule } from '../util/period.js';
import type { Ctx } from './context.js';

export interface Account {
  id: string;
  name: string;
  providerId: string;
  provider: Provider;
  zone: string;
  anchor: string;
  rule: ResetRule;
  firstPeriodStart: number;
  createdAt: number;
  monthlyLimitMc: number | null;
  lowBalanceMc: number | null;
  /** Low-balance level as a percentage of the period's allocation (Flowly's low-credit emails). */
  lowBalancePct: number | null;
  thresholds: number[];
  /** What threshold alerts measure: the period's allocation, the monthly spending limit, or both. */
  alertBasis: AlertBasis;
  /** When the account was archived (hidden, read-only), or null. */
  archivedAt: number | null;
}

export const ALERT_BASES = ['allocation', 'limit', 'both'] as const;
export type AlertBasis = (typeof ALERT_BASES)[number];

/** A pool's allocation for a period: millicredits, or unlimited. */
export type Allocation = number | 'unlimited';

export interface PlanState {
  plan: Plan;
  amounts: Record<string, Allocation>;
  effectiveAt: number;
}

interface AccountRow {
  id: string;
  name: string;
  provider_id: string;
  provider_json: string;
  zone: string;
  anchor: string;
  first_period_start: number;
  created_at: number;
  monthly_limit_mc: number | null;
  low_balance_mc: number | null;
  low_balance_pct: number | null;
  thresholds: string;
  alert_basis: string;
  archived_at: number | null;
}

const providerCache = new Map<string, Provider>();

function providerOf(json: string): Provider {
  let p = providerCache.get(json);
  if (!p) {
    p = parseProvider(JSON.parse(json));
    providerCache.set(json, p);
  }
  return p;
}

export function ruleFor(provider: Provider, zone: string, anchorDay: number): ResetRule {
  return provider.reset.rule === 'calendar-month' ? { day: 1, zone: provider.reset.zone } : { day: anchorDay, zone };
}

function toAccount(r: AccountRow): Account {
  const provider = providerOf(r.provider_json);
  return {
    id: r.id,
    name: r.name,
    providerId: r.provider_id,
    provider,
    zone: r.zone,
    anchor: r.anchor,
    rule: ruleFor(provider, r.zone, Number(r.anchor.slice(8, 10))),
    firstPeriodStart: r.first_period_start,
    createdAt: r.created_at,
    monthlyLimitMc: r.monthly_limit_mc,
    lowBalanceMc: r.low_balance_mc,
    lowBalancePct: r.low_balance_pct,
    thresholds: JSON.parse(r.thresholds) as number[],
    alertBasis: (ALERT_BASES as readonly string[]).includes(r.alert_basis) ? (r.alert_basis as AlertBasis) : 'allocation',
    archivedAt: r.archived_at ?? null,
  };
}

export function getAccount(ctx: Ctx, id: string): Account {
  if (typeof id !== 'string' || id.length === 0) throw new InputError('an account id is required', 'account');
  const acct = ctx.config(`account:${id}`, () => {
    const row = ctx.stmt('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined;
    return row ? toAccount(row) : null;
  });
  if (!acct) throw new NotFoundError('account', id, 'run `creditdeck account list` to see account ids');
  return acct;
}

export function listAccounts(ctx: Ctx): Account[] {
  return (ctx.stmt('SELECT * FROM accounts ORDER BY created_at, id').all() as AccountRow[]).map(toAccount);
}

export function getPlan(provider: Provider, planId: string): Plan {
  const plan = provider.plans.find((p) => p.id === planId);
  if (!plan) throw new InputError(`unknown plan "${planId}" for ${provider.name}; its plans are ${provider.plans.map((p) => p.id).join(', ')}`, 'plan');
  return plan;
}

/**
 * Resolve a plan's allocations, filling the ones the docs leave open from
 * `amounts` (pool → credits). Every pool ends up with a number or unlimited.
 */
export function resolveAmounts(provider: Provider, plan: Plan, amounts: Record<string, string> = {}): Record<string, Allocation> {
  const pools = new Set(provider.pools.map((p) => p.id));
  for (const k of Object.keys(amounts)) {
    if (!pools.has(k)) throw new InputError(`--amount names unknown pool "${k}"; ${provider.name} pools are ${[...pools].join(', ')}`, 'amount');
  }
  const out: Record<string, Allocation> = {};
  for (const pool of provider.pools) {
    const given = amounts[pool.id];
    const fixed = plan.allocations[pool.id];
    if (given !== undefined) {
      if (fixed !== null && fixed !== undefined) {
        throw new InputError(`${provider.name} ${plan.name} already sets ${pool.id} to ${String(fixed)} per period; --amount is only for allocations the plan leaves open`, 'amount');
      }
      out[pool.id] = given === 'unlimited' ? 'unlimited' : parseCredits(given, `--amount ${pool.id}`, { allowZero: true });
    } else if (fixed === null || fixed === undefined) {
      throw new InputError(`${provider.name} ${plan.name} has no fixed ${pool.id} allocation in its docs; give yours with --amount ${pool.id}=N`, 'amount');
    } else {
      out[pool.id] = fixed === 'unlimited' ? 'unlimited' : parseCredits(fixed, `${pool.id} allocation`, { allowZero: true });
    }
  }
  return out;
}

export interface NewAccount {
  provider: Provider;
  planId: string;
  name?: string;
  anchor?: string;
  zone?: string;
  amounts?: Record<string, string>;
  at?: number;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'account'
  );
}

export function createAccount(ctx: Ctx, input: NewAccount): Account {
  const provider = parseProvider(input.provider);
  const plan = getPlan(provider, input.planId);
  const amounts = resolveAmounts(provider, plan, input.amounts);
  const zone = assertZone(input.zone ?? 'UTC', '--tz');
  const now = ctx.clock.now();
  const at = input.at ?? now;
  const anchor = input.anchor ?? DateTime.fromMillis(at, { zone }).toISODate()!;
  const a = parseLocalDate(anchor, '--anchor');
  const anchorMs = DateTime.fromObject(a, { zone }).toMillis();
  if (anchorMs > at) throw new InputError(`--anchor ${anchor} is after the account's start; the anchor is the date you first subscribed`, 'anchor');
  const name = (input.name ?? `${provider.name} ${plan.name}`).trim();
  if (!name || name.length > 80) throw new InputError('--name must be 1–80 printable characters', 'name');
  checkPlainText(name, '--name');
  const rule = ruleFor(provider, zone, a.day);
  const first = periodAt(rule, at).start;

  return ctx.write(() => {
    const base = slug(name);
    let id = base;
    for (let i = 2; ctx.stmt('SELECT 1 FROM accounts WHERE id = ?').get(id); i++) id = `${base}-${i}`;
    ctx
      .stmt(
        `INSERT INTO accounts (id, name, provider_id, provider_json, zone, anchor, first_period_start, created_at, monthly_limit_mc, low_balance_mc, low_balance_pct, thresholds)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
      )
      .run(
        id,
        name,
        provider.id,
        JSON.stringify(provider),
        zone,
        anchor,
        first,
        at,
        provider.alerts.lowBalance === null ? null : parseCredits(provider.alerts.lowBalance, 'lowBalance', { allowZero: true }),
        provider.alerts.lowBalance === null ? provider.alerts.lowBalancePercent : null,
        JSON.stringify(provider.alerts.thresholds),
      );
    const insAction = ctx.stmt(
      `INSERT INTO actions (account_id, id, label, pool, cost_mc, per, unit, free, dedupe_group, dedupe_attr, hourly_limit, note, whole_units)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const act of provider.actions) {
      insAction.run(
        id,
        act.id,
        act.label,
        act.pool,
        act.free ? 0 : act.cost === null ? null : parseCredits(act.cost, `action ${act.id} cost`, { allowZero: true }),
        act.per,
        act.unit,
        act.free ? 1 : 0,
        act.dedupe?.group ?? null,
        act.dedupe?.attr ?? null,
        act.hourlyLimit,
        act.note ?? null,
        act.wholeUnits ? 1 : 0,
      );
    }
    // The first plan is in force from the beginning of time; later changes are dated.
    ctx
      .stmt('INSERT INTO plan_changes (account_id, plan, amounts_json, effective_at, recorded_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, plan.id, JSON.stringify(amounts), 0, now);
    ctx.stmt('INSERT INTO account_state (account_id, materialized_to, next_due) VALUES (?, ?, ?)').run(id, first - 1, first);
    ctx.configChanged();
    return getAccount(ctx, id);
  });
}

interface PlanRow {
  plan: string;
  amounts_json: string;
  effective_at: number;
}

/** The plan in force at instant t. */
export function planAt(ctx: Ctx, acct: Account, t: number): PlanState {
  const history = ctx.config(`plans:${acct.id}`, () =>
    (ctx.stmt('SELECT plan, amounts_json, effective_at FROM plan_changes WHERE account_id = ? ORDER BY effective_at, id').all(acct.id) as PlanRow[]).map(
      (row): PlanState => ({ plan: getPlan(acct.provider, row.plan), amounts: JSON.parse(row.amounts_json) as Record<string, Allocation>, effectiveAt: row.effective_at }),
    ),
  );
  // The last change in force at t (the first is dated 0, so there always is one).
  let found = history[0]!;
  for (const h of history) if (h.effectiveAt <= t) found = h;
  return found;
}

export function assertPool(acct: Account, pool: string): void {
  if (!acct.provider.pools.some((p) => p.id === pool)) {
    throw new InputError(`unknown pool "${pool}" for ${acct.name}; its pools are ${acct.provider.pools.map((p) => p.id).join(', ')}`, 'pool');
  }
}
