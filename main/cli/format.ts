/** Human-readable output for each command; --json prints the result object instead. */
import type { HandlerOutput } from '../core/api/handlers.js';
import { duration } from '../core/ledger/forecast.js';
import { formatMc } from '../core/util/credits.js';
import { about, at, units } from './human.js';
import { bar, table } from './table.js';

/** 1,234.5: credits and quantities are exact to 0.001, so they print through the ledger's own millicredit text (no Intl: its first NumberFormat costs a CLI call ~12 ms). */
const grouped = (x: number): string => formatMc(Math.round(x * 1000), { group: true });
/** 1,000,000 lines. */
export const count = grouped;
/** "12 video credits", "1 credit" — without "credits credits" for pools named credits. */
export const creditsOf = (amount: number, pool: string): string => `${grouped(amount)} ${pool === 'credits' ? '' : `${pool} `}credit${amount === 1 ? '' : 's'}`;
const n = (x: number | null | undefined): string => (x === null || x === undefined ? '—' : grouped(x));
const when = (isoText: string, now: number): string => {
  const t = Date.parse(isoText);
  return t > now ? `${at(isoText, now)} (in ${duration(t - now)})` : at(isoText, now);
};
/** $0.38 a video, $0.008 an image: two decimals, three below ten cents. */
const perUnit = (d: number | null | undefined): string => (d === null || d === undefined ? '—' : d === 0 ? 'free' : `$${d.toFixed(d < 0.1 ? 3 : 2)}`);
const dollars = (cents: number | null): string => (cents === null ? 'not stated' : `$${(cents / 100).toFixed(2)}`);

export function balanceText(b: HandlerOutput<'balance.get'>, now: number): string {
  const head = `${b.name} (${b.account}) · ${b.planName} · as of ${at(b.at, now)}`;
  const rows = b.pools.map((p) => {
    if (p.unlimited) return [p.pool, 'unlimited', '', '—', n(p.topupRemaining), n(p.usedThisPeriod), when(p.nextReset, now)];
    return [
      p.pool,
      `${n(p.remaining)} left`,
      bar(p.monthlyRemaining ?? 0, p.allocation ?? 0, 12),
      `${n(p.monthlyRemaining)} of ${n(p.allocation)}`,
      n(p.topupRemaining) + (p.held ? ` (${n(p.held)} held)` : ''),
      n(p.usedThisPeriod),
      when(p.nextReset, now),
    ];
  });
  // A pool in debt (offline entries it could not cover) says so, and who: the next grant repays it first.
  const owed = b.pools
    .filter((p) => (p.overdrawn ?? 0) > 0)
    .map((p) => `overdrawn: ${p.pool} owes ${creditsOf(p.overdrawn, p.pool)} (${p.overdrawnBy.map((m) => `${m.member ?? 'no member'} ${n(m.credits)}`).join(', ')}), repaid first by the next grant or reset`);
  return [`${head}\n${table(['POOL', 'REMAINING', '', 'MONTHLY LEFT', 'TOP-UP', 'USED', 'NEXT RESET'], rows)}`, ...owed].join('\n');
}

/** A team account's balance (team-client.ts): the host's now, or this device's copy with what waits to be sent. */
export function teamBalanceText(t: { account: string; source: 'host' | 'mirror'; asOf: string | null; balance: Record<string, unknown>; pending: { entries: number; byPool: Record<string, number> } | null }, now: number): string {
  const lines = [balanceText({ ...(t.balance as HandlerOutput<'balance.get'>), account: t.account }, now)];
  if (t.source === 'mirror') lines.push(`offline: the team host is not reachable; these are the team's numbers as of ${t.asOf ? at(t.asOf, now) : 'the last sync'}`);
  if (t.pending && t.pending.entries > 0) {
    const cost = Object.entries(t.pending.byPool).map(([pool, c]) => `about ${creditsOf(c, pool)}`);
    lines.push(`${t.pending.entries} entr${t.pending.entries === 1 ? 'y' : 'ies'} from this device not sent yet${cost.length ? `: ${cost.join(', ')} more to come off` : ''}`);
  }
  return lines.join('\n');
}

export function useText(r: HandlerOutput<'usage.record'>): string {
  const what: Record<string, string> = {
    applied: `charged ${creditsOf(r.credits, r.pool)}`,
    free: 'free — no credits used',
    bypassed: 'bring-your-own-key — no credits used',
    covered: `already paid for by ${r.coveredBy ?? 'an earlier event'} — no credits used`,
    duplicate: `duplicate of ${r.eventId} (already ${r.originalStatus}${r.credits ? `, ${n(r.credits)} credits` : ''}) — nothing charged again`,
  };
  const lines = [`${r.eventId}  ${r.action}: ${what[r.status]}`];
  if (r.debits.length > 1) lines.push(...r.debits.map((d) => `  from ${d.grantId} (${d.source}): ${n(d.credits)}`));
  if (r.late) lines.push(`  late: booked in the period that reset at ${r.late.reset}${r.late.fromExpired ? `, ${n(r.late.fromExpired)} of it out of credits that expired then` : ''}`);
  if (r.overdrawn) lines.push(`  overdrawn: the pool could not cover ${creditsOf(r.overdrawn, r.pool)}; the next grant or reset repays it first`);
  for (const a of r.alerts) lines.push(`  alert: ${a.message}`);
  return lines.join('\n');
}

export function accountsText(list: HandlerOutput<'accounts.list'>): string {
  if (list.length === 0) return 'No accounts yet. Add one: creditdeck account add --preset fluxnote --plan rise';
  return table(
    ['ID', 'NAME', 'PROVIDER', 'PLAN', 'RESETS'],
    list.map((a) => [a.id, a.name, a.providerName, a.planName, a.reset]),
  );
}

export function accountText(a: HandlerOutput<'accounts.show'>): string {
  const lines = [
    `${a.name} (${a.id})`,
    `  provider   ${a.providerName}, plan ${a.planName}`,
    `  per period ${Object.entries(a.amounts).map(([k, v]) => `${k} ${typeof v === 'number' ? n(v) : v}`).join(', ')}`,
    `  resets     ${a.reset}`,
    `  time zone  ${a.zone}, anchor ${a.anchor}`,
    `  packs      ${a.packPools.length ? a.packs.filter((p) => a.packPools.includes(p.pool)).map((p) => `${p.id} (${p.credits === null ? 'any amount' : n(Number(p.credits))} for ${dollars(p.priceCents)})`).join(', ') || 'any amount' : 'none on this plan'}`,
    `  refunds    ${a.refundWindowDays === null ? 'none' : `unused purchased credits within ${a.refundWindowDays} days`}`,
    `  limits     ${a.monthlyLimit === null ? 'no monthly limit' : `monthly ${n(a.monthlyLimit)}`}; alerts at ${a.thresholds.join('/')} % of the ${a.alertBasis === 'both' ? 'allocation and of the limit' : a.alertBasis === 'limit' ? 'limit' : 'allocation'}${a.lowBalance === null ? '' : `, low balance ${n(a.lowBalance)}`}${a.lowBalancePercent === null ? '' : `, low balance at ${a.lowBalancePercent} % of the allocation`}`,
  ];
  for (const d of a.dailyLimits) lines.push(`  daily      ${d.attr}=${d.value}: ${n(d.limit)}`);
  if (a.members.length) lines.push(`  members    ${a.members.map((m) => m.id + (m.monthlyLimit === null ? '' : ` (limit ${n(m.monthlyLimit)})`)).join(', ')}`);
  lines.push('', table(
    ['ACTION', 'POOL', 'COST', 'PER', 'LIMIT/H', 'NOTE'],
    a.actions.map((x) => [x.id, x.pool, x.free ? 'free' : x.cost === null ? 'not set' : n(x.cost), `${x.per} ${x.unit}${x.wholeUnits ? ' (whole)' : ''}`, x.hourlyLimit ?? '', x.dedupe ? `one charge per ${x.dedupe.attr} (${x.dedupe.group})` : x.cost === null && !x.free ? 'set with: creditdeck action set' : '']),
  ));
  return lines.join('\n');
}

/**
 * Credits of different pools are different things (a video credit is not an
 * image credit), so the total is one per pool, never their sum; quantities
 * are shown only where one action (one unit) makes each row.
 */
export function reportText(r: HandlerOutput<'reports.usage'>, now: number, pool?: string): string {
  const head = `${r.account} · ${at(r.from, now)} → ${at(r.to, now)} (${r.zone})`;
  if (r.rows.length === 0) return `${head}\nNo usage in this range.`;
  const max = Math.max(...r.rows.map((x) => x.credits));
  const oneUnit = r.by.includes('action');
  // Events without the attribute (or member) group under '' in JSON; the table says so.
  const rows = r.rows.map((x) => [
    ...r.by.map((k) => (x.keys[k] === '' && (k === 'member' || k.startsWith('attr:')) ? '(none)' : (x.keys[k] ?? ''))),
    x.events,
    ...(oneUnit ? [n(x.quantity)] : []),
    n(x.credits),
    bar(x.credits, max, 16),
  ]);
  const headers = [...r.by.map((k) => k.toUpperCase()), 'EVENTS', ...(oneUnit ? ['QUANTITY'] : []), 'CREDITS', ''];
  const align = [...r.by.map(() => 'l' as const), 'r' as const, ...(oneUnit ? ['r' as const] : []), 'r' as const];
  return `${head}\n${table(headers, rows, align)}\n${totalLine(r, pool)}`;
}

function totalLine(r: HandlerOutput<'reports.usage'>, pool: string | undefined): string {
  const events = `${count(r.total.events)} event${r.total.events === 1 ? '' : 's'}`;
  if (!r.by.includes('pool')) return `Total: ${events}, ${creditsOf(r.total.credits, pool ?? 'credits')}`;
  // Sum each pool's rows in millicredits: exact, and never across pools.
  const perPool = new Map<string, number>();
  for (const x of r.rows) perPool.set(x.keys.pool ?? '', (perPool.get(x.keys.pool ?? '') ?? 0) + Math.round(x.credits * 1000));
  return `Total: ${events}; ${[...perPool].map(([p, mc]) => creditsOf(mc / 1000, p)).join(', ')}`;
}

/** Each pool in its own unit: what is left, the pace, and one verdict against the reset. */
export function forecastText(f: HandlerOutput<'reports.forecast'>, now: number): string {
  const DAY = 86_400_000;
  return f.pools
    .map((p) => {
      const u = p.unit;
      const reset = when(p.nextReset, now);
      if (p.unlimited) return `${p.pool.padEnd(12)} unlimited · ${units(p.used, u)} used this period · resets ${reset}`;
      const head = `${p.pool.padEnd(12)} ${units(p.remaining ?? 0, u)} left · `;
      const pad = ''.padEnd(13);
      if (p.runOutAt === null) return `${head}nothing used yet · resets ${reset}`;
      const pace = p.pace === 'on pace' ? 'exactly on even pace' : `${about(p.paceDelta, u)} ${p.pace} against even pace`;
      let verdict: string;
      if (p.runsOutBeforeReset) verdict = `runs out ${at(p.runOutAt, now)}, ${duration(p.shortByMs)} before the reset (short about ${about((p.burnPerDay * p.shortByMs) / DAY, u)})`;
      else if (p.monthlyRunOutAt !== null && p.monthlyRunOutAt < p.nextReset) verdict = `the monthly part runs out ${at(p.monthlyRunOutAt, now)}; top-ups carry it to ${at(p.runOutAt, now)}, past the reset`;
      else verdict = 'lasts to the reset';
      const lines = [`${head}${about(p.burnPerDay, u)} a day · ${verdict}`, `${pad}${pace} · used ${n(p.used)} of ${units(p.allocation ?? 0, u)} · resets ${reset}`];
      if (p.forfeitAtReset > 0) lines.push(`${pad}about ${about(p.forfeitAtReset, u)} will expire unused at the reset`);
      return lines.join('\n');
    })
    .join('\n');
}

export function calcText(c: HandlerOutput<'calc'>): string {
  const lines = [...c.arithmetic, ''];
  const pools = Object.keys(c.plans[0]?.allocations ?? {});
  const withPacks = c.plans.some((p) => p.packs?.length);
  const packText = (p: HandlerOutput<'calc'>['plans'][number]): string =>
    p.packs === null ? (p.fits === null ? '' : 'no packs') : p.packs.length === 0 ? '' : p.packs.map((k) => (k.chosenAmount ? `${n(k.credits)} ${k.name}` : `${k.count} × ${k.name}`)).join(' + ');
  lines.push(
    table(
      ['PLAN', 'PRICE', ...pools.map((p) => p.toUpperCase()), ...pools.map((p) => `$/${p === 'credits' ? 'credit' : p}`), 'FITS', ...(withPacks ? ['PACKS A MONTH', 'PACKS $'] : []), 'A MONTH'],
      c.plans.map((p) => [
        p.plan === c.recommended ? `${p.name} ←` : p.name,
        dollars(p.priceCents),
        ...pools.map((k) => (p.allocations[k] === null ? 'you set' : String(p.allocations[k] === 'unlimited' ? 'unlimited' : n(p.allocations[k] as number)))),
        ...pools.map((k) => perUnit(p.costPerUnit[k])),
        p.fits === null ? 'if sized' : p.fits ? 'yes' : `no (short ${Object.entries(p.shortfall).map(([k, v]) => `${n(v)} ${k}`).join(', ')})`,
        ...(withPacks ? [packText(p), p.packs?.length ? dollars(p.packsCents) : ''] : []),
        p.packs === null ? '' : dollars(p.totalCents),
      ]),
    ),
  );
  const open = c.plans.some((p) => p.fits === null);
  lines.push(
    '',
    c.advice
      ? `Recommended: ${c.advice}`
      : open
        ? 'No plan of a stated size covers this need; a plan marked "if sized" fits once you give its monthly credits (account add --amount).'
        : 'No plan covers this need, with or without packs; the largest plan is short as shown.',
  );
  return lines.join('\n');
}

/** Plan fit: each plan against the account's recent periods, packs counted where the plan may buy them, and the latest period replayed. */
export function fitText(r: HandlerOutput<'plans.fit'>, now: number): string {
  const periods = r.periods.length;
  const span = (p: { start: string; end: string; partial: boolean }) => `${at(p.start, now)} – ${p.partial ? 'now' : at(p.end, now)}`;
  const lines = r.periods.map((p) => `${span(p)}${p.partial ? ' (so far)' : ''}: ${Object.entries(p.used).map(([pool, used]) => creditsOf(used, pool)).join(', ')} used`);
  const of = (x: number | null) => (x === null ? 'if sized' : `${x} of ${periods}`);
  const packs = (p: HandlerOutput<'plans.fit'>['plans'][number]) => {
    const short = p.replay.pools.filter((x) => (x.short ?? 0) > 0);
    if (short.some((x) => x.packs === null)) return 'none sold';
    return short.flatMap((x) => x.packs ?? []).map((k) => `${k.chosenAmount ? n(k.credits) : `${k.count} ×`} ${k.name} (${dollars(k.priceCents)})`).join(' + ');
  };
  lines.push(
    '',
    table(
      ['PLAN', 'PRICE', 'COVERS', 'WITH PACKS', `SHORT (${r.replayed.partial ? 'THIS PERIOD' : 'LATEST'})`, 'PACKS NEEDED', 'A MONTH'],
      r.plans.map((p) => [
        p.current ? `${p.name} ←` : p.name,
        dollars(p.priceCents),
        of(p.periodsFit),
        of(p.periodsFitWithPacks),
        p.replay.pools.filter((x) => (x.short ?? 0) > 0).map((x) => creditsOf(x.short!, x.pool)).join(', ') || '—',
        packs(p),
        p.replay.totalCents !== null ? dollars(p.replay.totalCents) : packs(p) === 'none sold' || p.periodsFit === null ? '' : 'not stated',
      ]),
    ),
  );
  return lines.join('\n');
}

/** What became of each grant: what is left, or what expired unused (forfeited), was refunded or was used up. */
export function grantsText(list: HandlerOutput<'grants.list'>, now: number): string {
  if (list.length === 0) return 'No grants.';
  const left = (g: HandlerOutput<'grants.list'>[number]): string => {
    // Past its expiry what is left is lost, whether or not the ledger has booked the expiry yet.
    const lapsed = g.expiresAt !== null && Date.parse(g.expiresAt) <= now;
    if (lapsed && g.remaining + g.expired > 0) return `${n(g.remaining + g.expired)} forfeited`;
    if (g.remaining > 0) return n(g.remaining);
    if (g.expired > 0) return `${n(g.expired)} forfeited`;
    if (g.refunded > 0) return `${n(g.refunded)} refunded`;
    return 'used up';
  };
  return table(
    ['GRANT', 'POOL', 'SOURCE', 'CREDITS', 'USED', 'LEFT', 'GRANTED', 'EXPIRES', 'PRICE'],
    list.map((g) => [g.grantId, g.pool, g.source, n(g.credits), n(g.used), left(g), at(g.grantedAt, now), g.expiresAt === null ? 'never' : at(g.expiresAt, now), g.priceCents === null ? '' : dollars(g.priceCents)]),
    ['l', 'l', 'l', 'r', 'r', 'r'],
  );
}

export function eventsText(r: HandlerOutput<'events.list'>, now: number): string {
  if (r.events.length === 0) return 'No events.';
  const t = table(
    ['EVENT', 'AT', 'ACTION', 'QTY', 'CREDITS', 'STATUS', 'MEMBER', 'ATTRIBUTES'],
    r.events.map((e) => [e.eventId, at(e.at, now), e.action, n(e.quantity), n(e.credits), e.voided ? `${e.status}, voided` : e.status, e.member ?? '', Object.entries(e.attrs).map(([k, v]) => `${k}=${v}`).join(' ')]),
  );
  return r.next === null ? t : `${t}\nMore: --before ${r.next}`;
}

export function refusalsText(list: HandlerOutput<'refusals.list'>, now: number): string {
  if (list.length === 0) return 'No refusals: nothing has been stopped.';
  return list.map((r) => `${at(r.at, now)}  ${r.action}  [${r.reason}] ${r.message}`).join('\n');
}

export function alertsText(list: readonly Pick<HandlerOutput<'alerts.list'>[number], 'at' | 'pool' | 'account' | 'message'>[], now: number): string {
  if (list.length === 0) return 'No alerts.';
  // Pool "*": the alert is about the whole account (a spending limit).
  return list.map((a) => `${at(a.at, now)}  ${a.pool === '*' ? a.account : `${a.account}/${a.pool}`}  ${a.message}`).join('\n');
}

export function presetsText(list: HandlerOutput<'presets.list'>): string {
  return table(
    ['PRESET', 'NAME', 'RESET', 'POOLS', 'PLANS'],
    list.map((p) => [p.id, p.name, p.reset, p.pools.join(', '), p.plans.map((x) => x.id).join(', ')]),
  );
}
