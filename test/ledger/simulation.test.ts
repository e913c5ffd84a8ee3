/**
 * A seeded simulation: a PRNG drives thousands of random operations — usage,
 * duplicate retries, conflicting keys, voids, grants of every source, holds,
 * captures, releases, refunds, plan changes and clock jumps across month
 * ends, Feb 29 and DST — against a Lux account (anchor the 31st, New York
 * time) and a FluxNote account. After every step: checkInvariants() is clean,
 * the outcome is one the rules allow, and the balance moved by exactly what
 * the operation says. Every so often, balances seen earlier are recomputed
 * "as of" their instant and must match, and the usage report must agree with
 * the period's usage. A failure names the seed and the step; rerun one seed
 * with SIM_SEED=<seed>.
 */
import { describe, expect, test } from 'vitest';
import { call, type HandlerInput } from '../../main/core/api/handlers.js';
import type { PoolBalance } from '../../main/core/ledger/balance.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import { InputError, RefusedError } from '../../main/core/util/errors.js';
import { DAY, HOUR, fresh, iso, ms, type Harness } from './helpers.js';

/** mulberry32: small, seeded, reproducible. */
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}

interface Profile {
  preset: 'lux' | 'fluxnote';
  start: string;
  account: HandlerInput<'accounts.add'>;
  actions: { id: string; quantity: () => string | number }[];
  pools: string[];
  plans: { plan: string; amounts?: Record<string, string> }[];
  setup: (h: Harness, a: string) => void;
}

function profiles(r: ReturnType<typeof prng>): Profile[] {
  return [
    {
      preset: 'lux',
      start: '2027-12-31T15:00:00Z',
      // Anchor on the 31st in New York: resets clamp to Feb 29 2028, Apr 30…, and move with DST.
      account: { preset: 'lux', plan: 'free', tz: 'America/New_York', anchor: '2027-12-31' },
      actions: [
        { id: 'ai:claude-sonnet', quantity: () => r.int(1, 20_000) },
        { id: 'ai:claude-haiku', quantity: () => r.int(1, 5000) },
        { id: 'email', quantity: () => r.int(1, 40) },
        { id: 'sms', quantity: () => r.int(1, 5) },
        { id: 'voice-call', quantity: () => `${r.int(0, 9)}.${r.int(1, 9)}` },
        { id: 'voice-synthesis', quantity: () => r.int(1, 3000) },
      ],
      pools: ['credits'],
      plans: [{ plan: 'free' }, { plan: 'starter' }, { plan: 'enterprise', amounts: { credits: String(r.int(100, 3000)) } }],
      setup: (h, a) => {
        h.op('members.add', { account: a, member: 'alice' });
        h.op('members.add', { account: a, member: 'bob', monthlyLimit: 150 });
        h.op('accounts.set', { account: a, monthlyLimit: 4000, lowBalance: 50 });
        h.op('limits.daily', { account: a, attr: 'flow', value: 'f3', limit: 40 });
        h.op('actions.set', { account: a, action: 'sms', hourlyLimit: 4 });
      },
    },
    {
      preset: 'fluxnote',
      start: '2028-01-30T20:00:00Z',
      account: { preset: 'fluxnote', plan: 'rise', tz: 'Europe/London', anchor: '2028-01-30' },
      actions: [
        { id: 'video', quantity: () => r.int(1, 4) },
        { id: 'image', quantity: () => r.int(1, 60) },
        { id: 'edit', quantity: () => 1 },
        { id: 'render', quantity: () => 1 },
      ],
      pools: ['video', 'image'],
      plans: [{ plan: 'free' }, { plan: 'rise' }, { plan: 'pro' }, { plan: 'max' }],
      setup: (h, a) => {
        h.op('members.add', { account: a, member: 'alice', monthlyLimit: 500 });
        h.op('members.add', { account: a, member: 'bob' });
      },
    },
  ];
}

const mc = (credits: number | null) => Math.round((credits ?? 0) * 1000);

function simulate(seed: number, which: 0 | 1, steps: number): { ops: Record<string, number> } {
  const r = prng(seed);
  const prof = profiles(r)[which]!;
  const h = fresh(prof.start, seed);
  const a = h.account(prof.account);
  prof.setup(h, a);
  const ctx = h.ctx;
  const bal = (pool: string, at?: string): PoolBalance => call(ctx, 'balance.get', at ? { account: a, at } : { account: a }).pools.find((p) => p.pool === pool)!;
  const poolOf: Record<string, string> = Object.fromEntries(call(ctx, 'actions.list', { account: a }).map((x) => [x.id, x.pool]));

  const done: { input: HandlerInput<'usage.record'>; eventId: string; credits: number; status: string }[] = [];
  const holds: string[] = [];
  const purchases: string[] = [];
  const seen = new Map<number, Record<string, PoolBalance>>();
  const ops: Record<string, number> = {};
  let step = 0;
  let what = 'setup';

  const fail = (msg: string): never => {
    throw new Error(`simulation seed ${seed} (${prof.preset}), step ${step} [${what}] at ${iso(h.clock.now())}: ${msg}`);
  };
  const must = (cond: boolean, msg: string) => {
    if (!cond) fail(msg);
  };
  const attempt = <T>(fn: () => T): { ok: T } | { err: unknown } => {
    try {
      return { ok: fn() };
    } catch (e) {
      if (!(e instanceof InputError) && !(e instanceof RefusedError)) fail(`unexpected ${String(e)}\n${(e as Error).stack ?? ''}`);
      return { err: e };
    }
  };
  const snapshotAll = () => Object.fromEntries(prof.pools.map((p) => [p, bal(p)]));

  for (step = 1; step <= steps; step++) {
    const roll = r.next();
    const before = snapshotAll();
    const pool0 = prof.pools[0]!;
    if (roll < 0.4) {
      what = 'use';
      const act = r.pick(prof.actions);
      const input: HandlerInput<'usage.record'> = { account: a, action: act.id, quantity: act.quantity(), key: `k${step}` };
      if (r.chance(0.5)) input.member = r.pick(['alice', 'bob']);
      if (r.chance(0.5)) input.attrs = { flow: r.pick(['f1', 'f2', 'f3']) };
      const out = attempt(() => call(ctx, 'usage.record', input));
      const pool = poolOf[act.id]!;
      const after = bal(pool);
      if ('ok' in out) {
        must(['applied', 'free', 'bypassed', 'covered'].includes(out.ok.status), `status ${out.ok.status}`);
        const debited = out.ok.debits.reduce((s, d) => s + mc(d.credits), 0);
        must(debited === mc(out.ok.credits), `debits ${debited} ≠ cost ${mc(out.ok.credits)}`);
        must(mc(before[pool]!.remaining) - mc(after.remaining) === mc(out.ok.credits), `remaining moved ${before[pool]!.remaining} → ${after.remaining} for cost ${out.ok.credits}`);
        must(mc(after.usedThisPeriod) - mc(before[pool]!.usedThisPeriod) === mc(out.ok.credits), 'usedThisPeriod did not move by the cost');
        done.push({ input, eventId: out.ok.eventId, credits: out.ok.credits, status: out.ok.status });
      } else {
        must(out.err instanceof RefusedError, `a valid new event failed as input: ${String(out.err)}`);
        const reason = (out.err as RefusedError).reason;
        must(['insufficient_credits', 'account_limit', 'member_limit', 'daily_limit', 'rate_limit'].includes(reason), `reason ${reason}`);
        if (reason === 'insufficient_credits') must(mc(out.err instanceof RefusedError ? Number(out.err.details.cost) : 0) > mc(before[pool]!.available), 'refused for credits it had');
        must(JSON.stringify(after) === JSON.stringify(before[pool]), 'a refused event changed the balance');
      }
    } else if (roll < 0.48 && done.length) {
      what = 'retry';
      const prev = r.pick(done);
      const out = attempt(() => call(ctx, 'usage.record', prev.input));
      must('ok' in out, `retry failed: ${'err' in out ? String(out.err) : ''}`);
      if ('ok' in out) must(out.ok.status === 'duplicate' && out.ok.eventId === prev.eventId && out.ok.credits === prev.credits, `retry gave ${out.ok.status} ${out.ok.eventId}`);
      must(JSON.stringify(snapshotAll()) === JSON.stringify(before), 'a duplicate changed a balance');
    } else if (roll < 0.5 && done.length) {
      what = 'conflicting key';
      const prev = r.pick(done);
      const out = attempt(() => call(ctx, 'usage.record', { ...prev.input, quantity: '0.001' }));
      must('err' in out && out.err instanceof InputError, 'same key, other content was accepted');
    } else if (roll < 0.56 && done.length) {
      what = 'void';
      const prev = r.pick(done);
      const pool = poolOf[prev.input.action]!;
      const out = attempt(() => call(ctx, 'events.void', { event: prev.eventId }));
      must('ok' in out, `void failed: ${'err' in out ? String(out.err) : ''}`);
      if ('ok' in out) {
        const back = out.ok.returned.filter((x) => x.live).reduce((s, x) => s + mc(x.credits), 0);
        must(mc(bal(pool).remaining) - mc(before[pool]!.remaining) === back, 'void returned a different amount than it reports');
      }
    } else if (roll < 0.64) {
      what = 'grant';
      const pool = r.pick(prof.pools);
      const source = r.pick(['purchase', 'bonus', 'promo', 'manual'] as const);
      const amount = r.int(1, 400);
      const expires = r.chance(0.3) ? iso(h.clock.now() + r.int(1, 40 * 24) * HOUR) : undefined;
      const input: HandlerInput<'grants.add'> = { account: a, pool, amount, source, ...(expires ? { expires } : {}), ...(source === 'purchase' ? { priceCents: r.int(0, 5000) } : {}) };
      const out = attempt(() => call(ctx, 'grants.add', input));
      if (prof.preset === 'fluxnote' && source === 'purchase') {
        must('err' in out && out.err instanceof RefusedError && out.err.reason === 'plan', 'FluxNote sold a pack');
      } else {
        must('ok' in out, `grant failed: ${'err' in out ? String(out.err) : ''}`);
        must(mc(bal(pool).topupRemaining) - mc(before[pool]!.topupRemaining) === amount * 1000, 'top-up did not add its amount');
        if ('ok' in out && source === 'purchase') purchases.push(out.ok.grantId);
      }
    } else if (roll < 0.69) {
      what = 'hold';
      const amount = r.int(1, 300);
      const out = attempt(() => call(ctx, 'holds.place', { account: a, pool: pool0, amount, expires: iso(h.clock.now() + r.int(1, 72) * HOUR) }));
      if ('ok' in out) {
        holds.push(out.ok.holdId);
        must(mc(before[pool0]!.available) - mc(bal(pool0).available) === amount * 1000, 'hold did not reserve its amount');
      } else must(out.err instanceof RefusedError && out.err.reason === 'hold' && amount * 1000 > mc(before[pool0]!.available), `hold refused wrongly: ${String(out.err)}`);
    } else if (roll < 0.74 && holds.length) {
      what = 'capture';
      const hold = r.pick(holds);
      const open = call(ctx, 'holds.list', { account: a }).find((x) => x.holdId === hold)!.status === 'open';
      const act = r.pick(prof.actions.filter((x) => poolOf[x.id] === pool0));
      const out = attempt(() => call(ctx, 'holds.capture', { hold, action: act.id, quantity: act.quantity(), key: `c${step}` }));
      if (!open) must('err' in out && out.err instanceof InputError, 'captured against a closed hold');
      else if ('err' in out) must(out.err instanceof RefusedError, `capture on an open hold failed as input: ${String(out.err)}`);
    } else if (roll < 0.77 && holds.length) {
      what = 'release';
      const hold = r.pick(holds);
      const out = attempt(() => call(ctx, 'holds.release', { hold }));
      must('ok' in out && out.ok.status !== 'open', 'release failed');
      must(mc(before[pool0]!.remaining) === mc(bal(pool0).remaining), 'release changed the remaining credits');
    } else if (roll < 0.81 && purchases.length) {
      what = 'refund';
      const grant = r.pick(purchases);
      const out = attempt(() => call(ctx, 'grants.refund', { grant }));
      if ('ok' in out) {
        const g = ctx.db.prepare('SELECT amount_mc, price_minor FROM grants WHERE id = ?').get(grant) as { amount_mc: number; price_minor: number };
        must(out.ok.amountCents === Math.floor((g.price_minor * mc(out.ok.credits)) / g.amount_mc), 'refund money is not the floored share');
        must(mc(before[pool0]!.remaining) - mc(bal(pool0).remaining) === mc(out.ok.credits), 'refund did not remove what it refunded');
      } else must(out.err instanceof RefusedError && out.err.reason === 'refund', `refund failed wrongly: ${String(out.err)}`);
    } else if (roll < 0.84) {
      what = 'plan';
      const target = r.pick(prof.plans);
      const current = call(ctx, 'accounts.show', { account: a }).plan;
      const out = attempt(() => call(ctx, 'accounts.plan', { account: a, plan: target.plan, ...(target.amounts ? { amounts: target.amounts } : {}) }));
      if ('err' in out) must(out.err instanceof InputError && target.plan === current, `plan change failed: ${String(out.err)}`);
    } else {
      what = 'clock';
      const next = ms(bal(pool0).nextReset);
      const jump = r.pick(['minutes', 'hours', 'days', 'reset-1', 'reset', 'reset+1', 'weeks'] as const);
      const now = h.clock.now();
      const to =
        jump === 'minutes' ? now + r.int(0, 59) * 60_000
        : jump === 'hours' ? now + r.int(1, 23) * HOUR
        : jump === 'days' ? now + r.int(1, 9) * DAY
        : jump === 'weeks' ? now + r.int(1, 5) * 7 * DAY
        : jump === 'reset-1' ? Math.max(now, next - 1)
        : jump === 'reset' ? next
        : next + 1;
      h.clock.set(to);
      what = `clock ${jump}`;
    }
    ops[what.split(' ')[0]!] = (ops[what.split(' ')[0]!] ?? 0) + 1;

    const problems = checkInvariants(ctx);
    if (problems.length) fail(`invariants: ${problems.slice(0, 5).join('; ')}`);
    for (const p of prof.pools) {
      const b = bal(p);
      must(b.remaining === null || (b.remaining >= 0 && b.available! >= 0 && b.available! <= b.remaining), `impossible balance ${JSON.stringify(b)}`);
    }
    seen.set(h.clock.now(), snapshotAll());

    if (step % 97 === 0) {
      // History: any balance seen at an earlier instant is recomputed identically.
      const now = h.clock.now();
      const times = [...seen.keys()].filter((t) => t < now);
      for (let k = 0; k < 4 && times.length; k++) {
        const t = r.pick(times);
        for (const p of prof.pools) {
          const then = seen.get(t)![p]!;
          const again = bal(p, iso(t));
          must(JSON.stringify(again) === JSON.stringify(then), `balance --at ${iso(t)} for ${p}: ${JSON.stringify(again)} ≠ seen then ${JSON.stringify(then)}`);
        }
      }
      // The usage report over this period agrees with the period's usage.
      const b = bal(pool0);
      const rep = call(ctx, 'reports.usage', { account: a, from: b.periodStart, to: b.nextReset });
      const used = prof.pools.reduce((s, p) => s + mc(bal(p).usedThisPeriod), 0);
      must(mc(rep.total.credits) === used, `report total ${rep.total.credits} ≠ period usage ${used / 1000}`);
    }
  }
  return { ops };
}

describe('seeded simulation', () => {
  // SIM_SEED=<n> reruns one seed; SIM_STEPS=<n> makes a longer soak.
  const seed = (fallback: number) => (process.env.SIM_SEED ? Number(process.env.SIM_SEED) : fallback);
  const steps = (fallback: number) => (process.env.SIM_STEPS ? Number(process.env.SIM_STEPS) : fallback);

  test(`Lux, New York, anchor the 31st: ${steps(2000)} random operations (seed ${seed(20260101)})`, () => {
    const { ops } = simulate(seed(20260101), 0, steps(2000));
    // The run exercised every kind of operation.
    for (const k of ['use', 'retry', 'conflicting', 'void', 'grant', 'hold', 'capture', 'release', 'refund', 'plan', 'clock']) expect(ops[k] ?? 0, k).toBeGreaterThan(10);
  }, 240_000);

  test(`FluxNote, London, anchor the 30th: ${steps(1000)} random operations (seed ${seed(777)})`, () => {
    const { ops } = simulate(seed(777), 1, steps(1000));
    for (const k of ['use', 'retry', 'void', 'grant', 'plan', 'clock']) expect(ops[k] ?? 0, k).toBeGreaterThan(10);
  }, 240_000);
});
