/** Editable settings: the rate card, members, limits and alert levels. */
import { RECONCILIATION_ACTION } from './reconcile.js';
import { OPENING_ACTION } from './opening.js';
import { InputError } from '../util/errors.js';
import { parseCredits, parseWhole } from '../util/credits.js';
import { iso, startOfLocal } from '../util/period.js';
import { ALERT_BASES, assertPool, getAccount, type Account } from './accounts.js';
import type { Ctx } from './context.js';
import { getAction, type ActionRow } from './usage.js';

const ID = /^[a-z0-9][a-z0-9._:-]{0,63}$/;

export interface ActionInput {
  account: string;
  action: string;
  pool?: string;
  cost?: string | number;
  per?: string | number;
  unit?: string;
  label?: string;
  free?: boolean;
  wholeUnits?: boolean;
  hourlyLimit?: string | number | null;
  dedupe?: string | null; // "group:attr"
}

export interface ActionView {
  id: string;
  label: string;
  pool: string;
  cost: number | null;
  per: number;
  unit: string;
  free: boolean;
  wholeUnits: boolean;
  dedupe: { group: string; attr: string } | null;
  hourlyLimit: number | null;
  note: string | null;
}

export function actionView(r: ActionRow): ActionView {
  return {
    id: r.id,
    label: r.label,
    pool: r.pool,
    cost: r.cost_mc === null ? null : r.cost_mc / 1000,
    per: r.per,
    unit: r.unit,
    free: r.free === 1,
    wholeUnits: r.whole_units === 1,
    dedupe: r.dedupe_group && r.dedupe_attr ? { group: r.dedupe_group, attr: r.dedupe_attr } : null,
    hourlyLimit: r.hourly_limit,
    note: r.note,
  };
}

export function listActions(ctx: Ctx, accountId: string): ActionView[] {
  const acct = getAccount(ctx, accountId);
  return (ctx.stmt('SELECT * FROM actions WHERE account_id = ? ORDER BY pool, id').all(acct.id) as ActionRow[]).map(actionView);
}

/** Create or edit one rate-card entry; fields not given keep their values. */
export function setAction(ctx: Ctx, input: ActionInput): ActionView {
  const acct = getAccount(ctx, input.account);
  if (typeof input.action !== 'string' || !ID.test(input.action)) throw new InputError('action ids use lowercase letters, digits, ".", "_", ":" or "-" (max 64)', 'action');
  // The ledger's own events of a reconciliation carry this action (ledger/reconcile.ts): no rate card may define it.
  if (input.action === RECONCILIATION_ACTION) throw new InputError(`"${RECONCILIATION_ACTION}" is the ledger's own action for reconciliations with a vendor's meter; choose another id`, 'action');
  if (input.action === OPENING_ACTION) throw new InputError(`"${OPENING_ACTION}" is the ledger's own action for what was used before an account was added; choose another id`, 'action');
  const existing = ctx.stmt('SELECT * FROM actions WHERE account_id = ? AND id = ?').get(acct.id, input.action) as ActionRow | undefined;
  const pool = input.pool ?? existing?.pool;
  if (!pool) throw new InputError(`new action ${input.action} needs --pool (one of ${acct.provider.pools.map((p) => p.id).join(', ')})`, 'pool');
  assertPool(acct, pool);
  const free = input.free ?? existing?.free === 1;
  const whole = input.wholeUnits ?? existing?.whole_units === 1;
  let cost = existing?.cost_mc ?? null;
  if (input.cost !== undefined) cost = parseCredits(input.cost, '--cost', { allowZero: true });
  if (!free && cost === null && !existing) throw new InputError(`new action ${input.action} needs --cost (credits per --per units) or --free`, 'cost');
  const per = input.per === undefined ? (existing?.per ?? 1) : parseWhole(input.per, '--per', { max: 1e9 });
  const hourly = input.hourlyLimit === undefined ? (existing?.hourly_limit ?? null) : input.hourlyLimit === null ? null : parseWhole(input.hourlyLimit, '--hourly-limit', { max: 1e9 });
  let group = existing?.dedupe_group ?? null;
  let attr = existing?.dedupe_attr ?? null;
  if (input.dedupe !== undefined) {
    if (input.dedupe === null || input.dedupe === '') [group, attr] = [null, null];
    else {
      const m = /^([a-z0-9][a-z0-9._:-]{0,63}):([A-Za-z][A-Za-z0-9_.-]{0,39})$/.exec(input.dedupe);
      if (!m) throw new InputError('--dedupe must be GROUP:ATTRIBUTE, e.g. ai-image:image', 'dedupe');
      [group, attr] = [m[1]!, m[2]!];
    }
  }
  const unit = input.unit ?? existing?.unit ?? 'call';
  const label = input.label ?? existing?.label ?? input.action;
  if (unit.length > 40 || label.length > 80) throw new InputError('--unit is at most 40 and --label at most 80 characters', 'unit');
  ctx.write(() => {
    ctx
      .stmt(
        `INSERT INTO actions (account_id, id, label, pool, cost_mc, per, unit, free, dedupe_group, dedupe_attr, hourly_limit, note, whole_units)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id, id) DO UPDATE SET label = excluded.label, pool = excluded.pool, cost_mc = excluded.cost_mc, per = excluded.per,
           unit = excluded.unit, free = excluded.free, dedupe_group = excluded.dedupe_group, dedupe_attr = excluded.dedupe_attr, hourly_limit = excluded.hourly_limit,
           whole_units = excluded.whole_units`,
      )
      .run(acct.id, input.action, label, pool, free ? 0 : cost, per, unit, free ? 1 : 0, group, attr, hourly, existing?.note ?? null, whole ? 1 : 0);
    ctx.configChanged();
  });
  return actionView(getAction(ctx, acct, input.action));
}

export interface MemberView {
  id: string;
  name: string;
  /** All pools together, per billing period. */
  monthlyLimit: number | null;
  /** Per pool, per billing period: {pool: credits}. */
  caps: Record<string, number>;
  /** When they were removed (their history keeps their name), or null. */
  removedAt: string | null;
}

export function addMember(ctx: Ctx, accountId: string, member: string, opts: { name?: string; monthlyLimit?: string | number | null } = {}): MemberView & { existed: boolean } {
  const acct = getAccount(ctx, accountId);
  if (typeof member !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/.test(member)) throw new InputError('member ids use letters, digits, ".", "_", "@" or "-" (max 64)', 'member');
  const given = opts.monthlyLimit === undefined ? undefined : opts.monthlyLimit === null ? null : parseCredits(opts.monthlyLimit, '--monthly-limit', { allowZero: true });
  if (opts.name !== undefined && opts.name.length > 80) throw new InputError('--name must be at most 80 characters', 'name');
  return ctx.write(() => {
    // Adding someone again changes only what is given: a name or a limit left out is kept, never wiped.
    const existing = ctx.stmt('SELECT name, monthly_limit_mc, removed_at FROM members WHERE account_id = ? AND id = ?').get(acct.id, member) as
      | { name: string; monthly_limit_mc: number | null; removed_at: number | null }
      | undefined;
    const name = opts.name ?? existing?.name ?? member;
    const limit = given === undefined ? (existing?.monthly_limit_mc ?? null) : given;
    ctx
      .stmt(
        `INSERT INTO members (account_id, id, name, monthly_limit_mc, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (account_id, id) DO UPDATE SET name = excluded.name, monthly_limit_mc = excluded.monthly_limit_mc, removed_at = NULL`,
      )
      .run(acct.id, member, name, limit, ctx.clock.now());
    ctx.configChanged();
    // Adding a removed member again brings them back, with the caps they had.
    return { ...memberView(ctx, acct.id, { id: member, name, monthly_limit_mc: limit, removed_at: null }), existed: existing !== undefined && existing.removed_at === null };
  });
}

interface MemberRow {
  id: string;
  name: string;
  monthly_limit_mc: number | null;
  removed_at: number | null;
}

function memberView(ctx: Ctx, accountId: string, r: MemberRow): MemberView {
  const caps = ctx.stmt('SELECT pool, cap_mc FROM member_caps WHERE account_id = ? AND member = ? ORDER BY pool').all(accountId, r.id) as { pool: string; cap_mc: number }[];
  return {
    id: r.id,
    name: r.name,
    monthlyLimit: r.monthly_limit_mc === null ? null : r.monthly_limit_mc / 1000,
    caps: Object.fromEntries(caps.map((c) => [c.pool, c.cap_mc / 1000])),
    removedAt: r.removed_at === null ? null : iso(r.removed_at),
  };
}

/** The account's members; removed ones too when asked (history shows their names). */
export function listMembers(ctx: Ctx, accountId: string, opts: { includeRemoved?: boolean } = {}): MemberView[] {
  const acct = getAccount(ctx, accountId);
  const rows = ctx.stmt('SELECT id, name, monthly_limit_mc, removed_at FROM members WHERE account_id = ? ORDER BY id').all(acct.id) as MemberRow[];
  return rows.filter((r) => opts.includeRemoved === true || r.removed_at === null).map((r) => memberView(ctx, acct.id, r));
}

/** One member, removed or not; unknown is bad input. */
export function getMember(ctx: Ctx, accountId: string, member: string): MemberView {
  const acct = getAccount(ctx, accountId);
  const r = ctx.stmt('SELECT id, name, monthly_limit_mc, removed_at FROM members WHERE account_id = ? AND id = ?').get(acct.id, member) as MemberRow | undefined;
  if (!r) throw new InputError(`unknown member "${String(member).slice(0, 40)}" on ${acct.name}; its members are ${listMembers(ctx, acct.id).map((m) => m.id).join(', ') || '(none yet)'}`, 'member');
  return memberView(ctx, acct.id, r);
}

export interface AccountSettings {
  name?: string;
  monthlyLimit?: string | number | null;
  /** Credits ("25"), or a share of the period's allocation ("10%"). */
  lowBalance?: string | number | null;
  thresholds?: number[];
  alertBasis?: string;
}

export function updateAccount(ctx: Ctx, accountId: string, s: AccountSettings): Account {
  const acct = getAccount(ctx, accountId);
  const name = s.name === undefined ? acct.name : s.name.trim();
  if (!name || name.length > 80) throw new InputError('--name must be 1–80 characters', 'name');
  const limit = s.monthlyLimit === undefined ? acct.monthlyLimitMc : s.monthlyLimit === null ? null : parseCredits(s.monthlyLimit, '--monthly-limit', { allowZero: true });
  let [low, lowPct] = [acct.lowBalanceMc, acct.lowBalancePct];
  if (s.lowBalance === null) [low, lowPct] = [null, null];
  else if (typeof s.lowBalance === 'string' && s.lowBalance.trim().endsWith('%')) {
    const pct = parseWhole(s.lowBalance.trim().slice(0, -1), '--low-balance', { max: 100 });
    [low, lowPct] = [null, pct];
  } else if (s.lowBalance !== undefined) [low, lowPct] = [parseCredits(s.lowBalance, '--low-balance', { allowZero: true }), null];
  const basis = s.alertBasis ?? acct.alertBasis;
  if (!(ALERT_BASES as readonly string[]).includes(basis)) throw new InputError(`--alert-basis must be one of ${ALERT_BASES.join(', ')} (got "${String(basis).slice(0, 40)}")`, 'alertBasis');
  if (basis !== 'allocation' && limit === null) throw new InputError(`--alert-basis ${basis} measures thresholds against the monthly spending limit, and ${acct.name} has none: set --monthly-limit too`, 'alertBasis');
  const thresholds = s.thresholds ?? acct.thresholds;
  if (thresholds.length > 10 || thresholds.some((x) => !Number.isInteger(x) || x < 1 || x > 100)) throw new InputError('--thresholds must be up to 10 whole percentages between 1 and 100, e.g. 50,80,100', 'thresholds');
  ctx.write(() => {
    ctx
      .stmt('UPDATE accounts SET name = ?, monthly_limit_mc = ?, low_balance_mc = ?, low_balance_pct = ?, thresholds = ?, alert_basis = ? WHERE id = ?')
      .run(name, limit, low, lowPct, JSON.stringify([...new Set(thresholds)].sort((a, b) => a - b)), basis, acct.id);
    ctx.configChanged();
  });
  return getAccount(ctx, acct.id);
}

export interface DailyLimitView {
  attr: string;
  value: string;
  limit: number;
}

/**
 * Daily limits per attribute value (Flowly: per server). value "*" limits each
 * value separately. Setting one counts today's spend so far, so it applies at once.
 */
export function setDailyLimit(ctx: Ctx, accountId: string, attr: string, value: string, limit: string | number | null): DailyLimitView[] {
  const acct = getAccount(ctx, accountId);
  if (!/^[A-Za-z][A-Za-z0-9_.-]{0,39}$/.test(attr)) throw new InputError(`attribute name "${String(attr).slice(0, 40)}" is not valid`, 'attr');
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw new InputError('the attribute value must be 1–200 characters, or * for every value', 'value');
  const limitMc = limit === null ? null : parseCredits(limit, '--daily', { allowZero: true });
  ctx.write(() => {
    if (limitMc === null) {
      ctx.stmt('DELETE FROM daily_limits WHERE account_id = ? AND attr = ? AND value = ?').run(acct.id, attr, value);
      ctx.configChanged();
      return;
    }
    ctx
      .stmt('INSERT INTO daily_limits (account_id, attr, value, limit_mc) VALUES (?, ?, ?, ?) ON CONFLICT (account_id, attr, value) DO UPDATE SET limit_mc = excluded.limit_mc')
      .run(acct.id, attr, value, limitMc);
    backfillDailyCounters(ctx, acct, attr);
    ctx.configChanged();
  });
  return listDailyLimits(ctx, acct.id);
}

function backfillDailyCounters(ctx: Ctx, acct: Account, attr: string): void {
  const day = startOfLocal(ctx.clock.now(), acct.zone, 'day');
  const rows = ctx
    .stmt(
      `SELECT json_extract(e.attrs, '$."' || ? || '"') AS v, SUM(e.cost_mc) AS spent FROM events e
       WHERE e.account_id = ? AND e.at >= ? AND e.cost_mc > 0 AND e.id NOT IN (SELECT event_id FROM voids WHERE account_id = ?)
       GROUP BY v HAVING v IS NOT NULL`,
    )
    .all(attr, acct.id, day, acct.id) as { v: string; spent: number }[];
  for (const r of rows) {
    ctx
      .stmt('INSERT INTO spend_counters (account_id, scope, bucket, spent_mc) VALUES (?, ?, ?, ?) ON CONFLICT (account_id, scope, bucket) DO UPDATE SET spent_mc = excluded.spent_mc')
      .run(acct.id, `attr:${attr}=${String(r.v)}`, day, r.spent);
  }
}

export function listDailyLimits(ctx: Ctx, accountId: string): DailyLimitView[] {
  return (ctx.stmt('SELECT attr, value, limit_mc FROM daily_limits WHERE account_id = ? ORDER BY attr, value').all(accountId) as { attr: string; value: string; limit_mc: number }[]).map((r) => ({
    attr: r.attr,
    value: r.value,
    limit: r.limit_mc / 1000,
  }));
}
