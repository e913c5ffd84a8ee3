/**
 * The offline allowance (docs/team.md, "Members' clients"): what a member's
 * client may spend from a pool while it cannot reach the host, leased at each
 * pull. A setting of the team (team.settings): a share of the pool's remaining
 * credits split between the team's members who may record (owners, admins,
 * members) — 10 % unless set — or a fixed number of credits per member per
 * pool (never more than the pool has left). Past it, the client refuses on the
 * member's machine, so what arrives late can overdraw a pool by little. Whole
 * millicredits, rounded down; an unlimited pool has none to lease (it cannot
 * run out).
 */
import type { Ctx } from '../ledger/context.js';
import { getAccount } from '../ledger/accounts.js';
import { balanceMc } from '../ledger/balance.js';
import { InputError } from '../util/errors.js';
import { formatMc, mcToCredits, parseCredits, parseWhole } from '../util/credits.js';

export const OFFLINE_SHARE_PERCENT = 10;

/** A share of each pool's remaining credits split between the recorders, or a fixed number of credits per member per pool. */
export type AllowanceSetting = { share: number } | { fixed: number };

/** The team's setting (the default share when none was set). */
export function allowanceSetting(ctx: Ctx): AllowanceSetting {
  const r = ctx.stmt('SELECT allowance_percent AS pct, allowance_fixed_mc AS fixed FROM team').get() as { pct: number | null; fixed: number | null } | undefined;
  if (r?.fixed !== null && r?.fixed !== undefined) return { fixed: mcToCredits(r.fixed) };
  return { share: r?.pct ?? OFFLINE_SHARE_PERCENT };
}

/** "10%": a share (0–100, whole); "5": credits per member per pool (up to three decimals). */
export function parseAllowance(text: string | number): { pct: number | null; fixedMc: number | null } {
  const s = String(text).trim();
  if (s.endsWith('%')) return { pct: parseWhole(s.slice(0, -1).trim(), '--allowance', { allowZero: true, max: 100 }), fixedMc: null };
  if (!/^\d/.test(s)) throw new InputError(`--allowance must be a share of the pool ("10%") or credits per member ("5"), not "${s.slice(0, 40)}"`, '--allowance');
  return { pct: null, fixedMc: parseCredits(s, '--allowance', { allowZero: true }) };
}

export function setAllowance(ctx: Ctx, text: string | number): AllowanceSetting {
  const a = parseAllowance(text);
  ctx.write(() => {
    const r = ctx.stmt('UPDATE team SET allowance_percent = ?, allowance_fixed_mc = ?').run(a.pct, a.fixedMc);
    if (r.changes === 0) throw new InputError('this ledger is not a team ledger: run `creditdeck team init` first', 'team');
  });
  return allowanceSetting(ctx);
}

/** The setting in words, for the command line and the docs' examples. */
export function describeAllowance(a: AllowanceSetting): string {
  return 'share' in a
    ? `${a.share} % of each pool's remaining credits, split between the members who record`
    : `${formatMc(Math.round(a.fixed * 1000))} credits per member per pool (at most what the pool has left)`;
}

/** Per pool of an account: the credits one member may spend offline until the next pull; null for an unlimited pool. */
export function offlineAllowance(ctx: Ctx, account: string, at?: number): Record<string, number | null> {
  const setting = allowanceSetting(ctx);
  const recorders = (ctx.stmt(`SELECT COUNT(*) AS n FROM team_people WHERE removed_at IS NULL AND role IN ('owner', 'admin', 'member')`).get() as { n: number }).n;
  const out: Record<string, number | null> = {};
  for (const b of balanceMc(ctx, getAccount(ctx, account), at ?? ctx.clock.now())) {
    const remaining = Math.max(0, b.monthlyMc + b.topupMc - b.heldMc);
    const mc = 'share' in setting ? Math.floor((remaining * setting.share) / (100 * Math.max(1, recorders))) : Math.min(remaining, Math.round(setting.fixed * 1000));
    out[b.pool] = b.unlimited ? null : mcToCredits(mc);
  }
  return out;
}
