/**
 * The deterministic simulation: a seeded generator writes a list of
 * operations (plain data), and `runOps` plays it against the real ledger
 * (through the same API every transport calls) and against the reference
 * model in test/sim/model.ts, comparing each outcome and every pool's balance
 * of every account after every step; checkInvariants() runs every
 * `invariantsEvery` steps. Operations refer to earlier events, holds and
 * grants by index (modulo how many exist when they run), so any sub-list of
 * a failing list is still a valid list: `shrink` deletes chunks (delta
 * debugging) while the failure persists and returns the shortest list it
 * found, which `formatFailure` prints with the seed.
 */
import { call, type HandlerInput } from '../../main/core/api/handlers.js';
import { openLedger } from '../../main/core/api/open.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { InputError, RefusedError } from '../../main/core/util/errors.js';
import { seededIds } from '../../main/core/util/ids.js';
import { DAY, HOUR, Model, type AccountDef, type Alloc, type MGrant, type Outcome, type Source } from './model.js';

// ---------- the PRNG ----------

export function prng(seed: number) {
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
export type Rng = ReturnType<typeof prng>;

// ---------- accounts ----------

export const C = 1000; // millicredits per credit

const FLUX: AccountDef = {
  id: 'flux-edge',
  rule: { day: 1, zone: 'UTC' },
  pools: ['credits'],
  plans: { pulse: { amounts: { credits: 0 }, packPools: [] }, edge: { amounts: { credits: 200 * C }, packPools: ['credits'] } },
  refundWindowDays: null,
  actions: { 'mcp-tool': { pool: 'credits', costMc: 2 * C, per: 1, hourly: 6, whole: true }, 'api-request': { pool: 'credits', costMc: 250, per: 1, whole: true } },
  monthlyLimitMc: null,
};

const luxDef = (zone: string, day: number): AccountDef => ({
  id: 'lux',
  rule: { day, zone },
  pools: ['credits'],
  plans: {
    free: { amounts: { credits: 1000 * C }, packPools: ['credits'] },
    starter: { amounts: { credits: 10_000 * C }, packPools: ['credits'] },
    pro: { amounts: { credits: 100_000 * C }, packPools: ['credits'] },
    enterprise: { amounts: { credits: 0 }, packPools: ['credits'] }, // amount given per change
  },
  refundWindowDays: 30,
  actions: {
    'ai:claude-sonnet': { pool: 'credits', costMc: 5 * C, per: 1000 },
    'ai:claude-haiku': { pool: 'credits', costMc: 1 * C, per: 1000 },
    email: { pool: 'credits', costMc: 1 * C, per: 1, whole: true },
    sms: { pool: 'credits', costMc: 2 * C, per: 1, whole: true },
    'voice-call': { pool: 'credits', costMc: 5 * C, per: 1 },
    'voice-synthesis': { pool: 'credits', costMc: 1 * C, per: 1000 },
  },
  monthlyLimitMc: 6000 * C,
});

const fluximageDef = (zone: string, day: number): AccountDef => ({
  id: 'fluximage',
  rule: { day, zone },
  pools: ['compression', 'ai'],
  plans: {
    free: { amounts: { compression: 20 * C, ai: 0 }, packPools: ['ai'] },
    starter: { amounts: { compression: 200 * C, ai: 200 * C }, packPools: ['ai'] },
    pro: { amounts: { compression: 'unlimited', ai: 1000 * C }, packPools: ['ai'] },
    agency: { amounts: { compression: 'unlimited', ai: 10_000 * C }, packPools: ['ai'] },
  },
  refundWindowDays: null,
  actions: {
    compress: { pool: 'compression', costMc: 1 * C, per: 1, whole: true },
    'alt-text': { pool: 'ai', costMc: 1 * C, per: 1, dedupe: { group: 'ai-image', attr: 'image' }, whole: true },
    'seo-rename': { pool: 'ai', costMc: 1 * C, per: 1, dedupe: { group: 'ai-image', attr: 'image' }, whole: true },
  },
  monthlyLimitMc: null,
});

/** Start instants, zones and anchors chosen so runs cross month ends, the 29th–31st, Feb 29 2028 and DST changes (some at midnight). */
export const SCENARIOS = [
  { start: '2028-01-25T12:00:00Z', lux: ['America/New_York', '2027-12-31'], fluximage: ['Europe/Berlin', '2027-11-29'] }, // Feb 29 2028, US/EU DST in March
  { start: '2027-10-20T10:00:00Z', lux: ['Europe/Berlin', '2027-08-31'], fluximage: ['America/New_York', '2027-10-07'] }, // Berlin DST ends Sun Oct 31 2027; US Nov 7
  { start: '2028-02-20T12:00:00Z', lux: ['America/Havana', '2027-12-12'], fluximage: ['America/Havana', '2027-11-05'] }, // Havana: no midnight on Mar 12 2028, two on Nov 5 2028
  { start: '2027-08-25T18:00:00Z', lux: ['America/Santiago', '2027-06-05'], fluximage: ['Asia/Kolkata', '2027-01-30'] }, // Santiago skips midnight in September
  { start: '2028-02-27T23:30:00Z', lux: ['Australia/Lord_Howe', '2028-01-31'], fluximage: ['UTC', '2028-01-29'] }, // half-hour DST; Feb 29 anchor
] as const;

export interface Setup {
  scenario: number;
}

export interface Acc {
  def: AccountDef;
  actions: { id: string; qty: (r: Rng) => string }[];
  plans: string[];
}

export function accountsFor(s: (typeof SCENARIOS)[number]): Acc[] {
  return [
    {
      def: FLUX,
      actions: [
        // Now and then a fraction of a whole-unit action: refused as input.
        { id: 'mcp-tool', qty: (r) => (r.chance(0.05) ? '1.5' : String(r.int(1, 5))) },
        { id: 'api-request', qty: (r) => String(r.int(1, 40)) },
      ],
      plans: ['pulse', 'edge'],
    },
    {
      def: luxDef(s.lux[0], Number(s.lux[1].slice(8))),
      actions: [
        { id: 'ai:claude-sonnet', qty: (r) => String(r.int(1, 40_000)) },
        { id: 'ai:claude-haiku', qty: (r) => String(r.int(1, 5000)) },
        { id: 'email', qty: (r) => String(r.int(1, 40)) },
        { id: 'sms', qty: (r) => String(r.int(1, 5)) },
        { id: 'voice-call', qty: (r) => `${r.int(0, 9)}.${r.int(0, 999)}`.replace(/^0\.0+$/, '0.5') },
        { id: 'voice-synthesis', qty: (r) => String(r.int(1, 3000)) },
      ],
      plans: ['free', 'starter', 'pro', 'enterprise'],
    },
    {
      def: fluximageDef(s.fluximage[0], Number(s.fluximage[1].slice(8))),
      actions: [
        { id: 'compress', qty: (r) => (r.chance(0.05) ? '0.5' : String(r.int(1, 6))) },
        { id: 'alt-text', qty: () => '1' },
        { id: 'seo-rename', qty: () => '1' },
      ],
      plans: ['free', 'starter', 'pro', 'agency'],
    },
  ];
}

// ---------- operations ----------

export type Op =
  | { t: 'use'; a: number; act: number; q: string; key: string; byo?: true; img?: number }
  | { t: 'capture'; h: number; act: number; q: string; key: string }
  | { t: 'retry'; e: number }
  | { t: 'conflict'; e: number }
  | { t: 'void'; e: number }
  | { t: 'grant'; a: number; pool: number; amount: number; source: Exclude<Source, 'monthly' | 'upgrade'>; exp?: number; price?: number }
  | { t: 'hold'; a: number; pool: number; amount: number; exp: number }
  | { t: 'release'; h: number }
  | { t: 'refund'; g: number }
  | { t: 'plan'; a: number; p: number; amount: number }
  | { t: 'clock'; kind: 'minutes' | 'hours' | 'days' | 'weeks' | 'reset-1' | 'reset' | 'reset+1' | 'expiry' | 'same'; a: number; n: number };

export function generate(seed: number, steps: number): { setup: Setup; ops: Op[] } {
  const r = prng(seed);
  const setup: Setup = { scenario: seed % SCENARIOS.length };
  const accs = accountsFor(SCENARIOS[setup.scenario]!);
  const ops: Op[] = [];
  for (let i = 0; i < steps; i++) {
    const x = r.next();
    const a = r.int(0, accs.length - 1);
    const acc = accs[a]!;
    const ref = r.int(0, 1 << 30);
    if (x < 0.36) {
      const act = r.int(0, acc.actions.length - 1);
      const op: Op = { t: 'use', a, act, q: acc.actions[act]!.qty(r), key: `k${i}` };
      if (r.chance(0.04)) op.byo = true;
      if (acc.def.id === 'fluximage' && r.chance(0.9)) op.img = r.int(1, 12);
      ops.push(op);
    } else if (x < 0.42) ops.push({ t: 'capture', h: ref, act: r.int(0, 5), q: String(r.int(1, 30)), key: `c${i}` });
    else if (x < 0.49) ops.push({ t: 'retry', e: ref });
    else if (x < 0.51) ops.push({ t: 'conflict', e: ref });
    else if (x < 0.58) ops.push({ t: 'void', e: ref });
    else if (x < 0.67) {
      const source = r.pick(['purchase', 'purchase', 'bonus', 'promo', 'manual'] as const);
      ops.push({
        t: 'grant',
        a,
        pool: r.int(0, acc.def.pools.length - 1),
        amount: r.int(1, 80) * C + (r.chance(0.2) ? r.int(1, 999) : 0),
        source,
        ...(r.chance(0.3) ? { exp: r.int(1, 40 * 24) * HOUR + r.int(0, 59) * 60_000 } : {}),
        ...(source === 'purchase' ? { price: r.int(0, 5000) } : {}),
      });
    } else if (x < 0.72) ops.push({ t: 'hold', a, pool: r.int(0, acc.def.pools.length - 1), amount: r.int(1, 150) * C, exp: r.int(1, 20 * 24 * 60) * 60_000 });
    else if (x < 0.76) ops.push({ t: 'release', h: ref });
    else if (x < 0.8) ops.push({ t: 'refund', g: ref });
    else if (x < 0.83) ops.push({ t: 'plan', a, p: r.int(0, acc.plans.length - 1), amount: r.int(1, 6) * 500 });
    else ops.push(randomClock(r, a));
  }
  return { setup, ops };
}

// ---------- playing a list ----------

export interface Failure {
  step: number; // index into ops; -1 for setup
  message: string;
}

export interface RunResult {
  failure: Failure | null;
  counts: Record<string, number>;
  steps: number;
  end: string;
}

/** The ledger and the model disagree (anything else thrown is a crash of the run itself). */
export class Mismatch extends Error {}

export const mcOf = (credits: number | null): number => Math.round((credits ?? 0) * 1000);
export const isoOf = (t: number) => new Date(t).toISOString();

export function kindOf(e: unknown): Outcome {
  if (e instanceof RefusedError) return { kind: 'refused', reason: e.reason };
  if (e instanceof InputError) return { kind: 'invalid', why: e.message };
  throw e;
}

/** The three accounts of a scenario, in the ledger and in the model, on one clock; their balances agree from the start. */
export function addAccounts(ctx: Ctx, model: Model, accs: Acc[], scenario: (typeof SCENARIOS)[number], now: number): void {
  call(ctx, 'accounts.add', { preset: 'flux', plan: 'edge', name: 'Flux Edge' });
  call(ctx, 'actions.set', { account: 'flux-edge', action: 'mcp-tool', cost: 2, hourlyLimit: 6 });
  call(ctx, 'actions.set', { account: 'flux-edge', action: 'api-request', cost: '0.25' });
  call(ctx, 'accounts.add', { preset: 'lux', plan: 'free', name: 'Lux', tz: scenario.lux[0], anchor: scenario.lux[1] });
  call(ctx, 'accounts.set', { account: 'lux', monthlyLimit: 6000 });
  call(ctx, 'accounts.add', { preset: 'fluximage', plan: 'starter', name: 'Fluximage', tz: scenario.fluximage[0], anchor: scenario.fluximage[1] });
  model.addAccount(accs[0]!.def, 'edge', now);
  model.addAccount(accs[1]!.def, 'free', now);
  model.addAccount(accs[2]!.def, 'starter', now);
  compareBalances(ctx, model, accs, now);
}

export interface RunOptions {
  seed: number;
  invariantsEvery: number;
  /** Another model (the tests plant a bug in one to see the shrinker work). */
  model?: () => Model;
}

export function runOps(setup: Setup, ops: readonly Op[], opts: RunOptions): RunResult {
  const scenario = SCENARIOS[setup.scenario]!;
  const accs = accountsFor(scenario);
  const clock = new ManualClock(Date.parse(scenario.start));
  const ctx: Ctx = openLedger(':memory:', { clock, ids: seededIds(opts.seed) });
  const model = opts.model ? opts.model() : new Model();
  const counts: Record<string, number> = {};
  let step = -1;
  try {
    addAccounts(ctx, model, accs, scenario, clock.now());

    const usages: { name: 'usage.record' | 'holds.capture'; input: Record<string, unknown>; acct: string; action: string; q: string; eventId: string }[] = [];
    const limit = ops.length;
    for (step = 0; step < limit; step++) {
      const op = ops[step]!;
      const now = clock.now();
      let label: string = op.t;
      if (op.t === 'use' || op.t === 'capture') {
        let name: 'usage.record' | 'holds.capture' = 'usage.record';
        let input: Record<string, unknown>;
        let acc: Acc;
        let action: string;
        let holdId: string | null = null;
        if (op.t === 'use') {
          acc = accs[op.a]!;
          action = acc.actions[op.act % acc.actions.length]!.id;
          input = { account: acc.def.id, action, quantity: op.q, key: op.key, ...(op.byo ? { byoKey: true } : {}), ...(op.img !== undefined ? { attrs: { image: `img${op.img}` } } : {}) };
        } else {
          const holds = [...model.holds.values()];
          if (holds.length === 0) {
            label = 'capture (no hold yet)';
            counts[label] = (counts[label] ?? 0) + 1;
            continue;
          }
          // Mostly a hold that is still open (there is little to learn from capturing on a closed one over and over).
          const open = holds.filter((x) => x.status === 'open' && x.expiresAt > now);
          const h = open.length && op.h % 4 !== 0 ? recent(open, op.h >> 2) : recent(holds, op.h);
          acc = accs.find((x) => x.def.id === h.acct)!;
          action = acc.actions[op.act % acc.actions.length]!.id;
          holdId = h.id;
          name = 'holds.capture';
          input = { hold: h.id, action, quantity: op.q, key: op.key };
        }
        let got: Outcome;
        let res: ReturnType<typeof call<'usage.record'>> | null = null;
        try {
          res = call(ctx, name, input) as ReturnType<typeof call<'usage.record'>>;
          got = res.status === 'duplicate' ? { kind: 'duplicate', eventId: res.eventId, cost: mcOf(res.credits) } : { kind: 'ok', status: res.status, cost: mcOf(res.credits) };
        } catch (e) {
          got = kindOf(e);
        }
        const attrs = (input.attrs as Record<string, string> | undefined) ?? {};
        const want = model.use({ acct: acc.def.id, action, qtyMilli: qtyMilli(op.q), key: op.key, byo: op.t === 'use' && op.byo === true, attrs, holdId }, now);
        sameOutcome(got, want);
        if (want.kind === 'ok' && res) {
          if (res.eventId !== want.eventId) throw new Mismatch(`event id ${res.eventId}, model ${want.eventId}`);
          const topups = (xs: { grant: string; mc: number }[]) => JSON.stringify(xs.map((x) => [x.grant, x.mc]).sort());
          const ledgerMonthly = res.debits.filter((d) => d.source === 'monthly' || d.source === 'upgrade').reduce((s, d) => s + mcOf(d.credits), 0);
          const modelMonthly = want.debits!.filter((d) => d.monthly).reduce((s, d) => s + d.mc, 0);
          if (ledgerMonthly !== modelMonthly) throw new Mismatch(`monthly part of the debits ${ledgerMonthly}, model ${modelMonthly}`);
          const lt = res.debits.filter((d) => !['monthly', 'upgrade', 'unlimited'].includes(d.source)).map((d) => ({ grant: d.grantId, mc: mcOf(d.credits) }));
          const mt = want.debits!.filter((d) => !d.monthly);
          if (topups(lt) !== topups(mt)) throw new Mismatch(`top-up debits ${topups(lt)}, model ${topups(mt)}`);
          usages.push({ name, input, acct: acc.def.id, action, q: op.q, eventId: res.eventId });
        }
        label = `${op.t}:${want.kind === 'refused' ? want.reason : want.kind === 'ok' ? want.status : want.kind}`;
      } else if (op.t === 'retry' || op.t === 'conflict') {
        if (usages.length === 0) {
          label = `${op.t} (nothing yet)`;
        } else {
          const u = usages[op.e % usages.length]!;
          const conflict = op.t === 'conflict';
          const input = conflict ? { account: u.acct, action: u.action, quantity: String(Number(u.q) + 1), key: u.input.key } : u.input;
          let got: Outcome;
          try {
            const res = call(ctx, conflict ? 'usage.record' : u.name, input) as ReturnType<typeof call<'usage.record'>>;
            got = res.status === 'duplicate' ? { kind: 'duplicate', eventId: res.eventId, cost: mcOf(res.credits) } : { kind: 'ok', status: res.status, cost: mcOf(res.credits) };
          } catch (e) {
            got = kindOf(e);
          }
          const holdId = (u.input.hold as string | undefined) ?? null;
          const want = model.use(
            {
              acct: u.acct,
              action: u.action,
              qtyMilli: qtyMilli(conflict ? String(Number(u.q) + 1) : u.q),
              key: u.input.key as string,
              byo: u.input.byoKey === true,
              attrs: (u.input.attrs as Record<string, string> | undefined) ?? {},
              holdId: conflict ? null : holdId,
            },
            now,
          );
          sameOutcome(got, want);
          if (!conflict && (got.kind !== 'duplicate' || got.eventId !== u.eventId)) throw new Mismatch(`a retry gave ${JSON.stringify(got)}`);
          label = `${op.t}:${got.kind}`;
        }
      } else if (op.t === 'void') {
        if (model.events.length === 0) label = 'void (nothing yet)';
        else {
          const e = model.events[op.e % model.events.length]!;
          let got: Outcome;
          try {
            const res = call(ctx, 'events.void', { event: e.id });
            got = res.status === 'duplicate' ? { kind: 'duplicate', eventId: e.id, cost: 0 } : { kind: 'ok', status: 'voided', cost: 0 };
          } catch (err) {
            got = kindOf(err);
          }
          const want = model.voidEvent(e, now);
          sameOutcome(got, want);
          label = `void:${want.kind}`;
        }
      } else if (op.t === 'grant') {
        const acc = accs[op.a]!;
        const pool = acc.def.pools[op.pool % acc.def.pools.length]!;
        const expiresAt = op.exp === undefined ? null : now + op.exp;
        const input: HandlerInput<'grants.add'> = {
          account: acc.def.id,
          pool,
          amount: (op.amount / 1000).toFixed(3),
          source: op.source,
          ...(expiresAt !== null ? { expires: isoOf(expiresAt) } : {}),
          ...(op.price !== undefined ? { priceCents: op.price } : {}),
        };
        let got: Outcome;
        let grantId = '';
        try {
          const res = call(ctx, 'grants.add', input);
          grantId = res.grantId;
          got = { kind: 'ok', status: 'granted', cost: 0 };
          if (mcOf(res.credits) !== op.amount) throw new Mismatch(`granted ${res.credits}, asked ${op.amount} mc`);
        } catch (e) {
          if (e instanceof Mismatch) throw e;
          got = kindOf(e);
        }
        const want = model.grant(acc.def.id, pool, op.amount, op.source, now, expiresAt, op.price ?? null, () => grantId);
        sameOutcome(got, want);
        label = `grant:${want.kind === 'refused' ? want.reason : op.source}`;
      } else if (op.t === 'hold') {
        const acc = accs[op.a]!;
        const pool = acc.def.pools[op.pool % acc.def.pools.length]!;
        let got: Outcome;
        let holdId = '';
        try {
          const res = call(ctx, 'holds.place', { account: acc.def.id, pool, amount: op.amount / 1000, expires: isoOf(now + op.exp) });
          holdId = res.holdId;
          got = { kind: 'ok', status: 'open', cost: 0 };
        } catch (e) {
          got = kindOf(e);
        }
        const want = model.placeHold(acc.def.id, pool, op.amount, now, now + op.exp, () => holdId);
        sameOutcome(got, want);
        label = `hold:${want.kind}`;
      } else if (op.t === 'release') {
        const holds = [...model.holds.values()];
        if (holds.length === 0) label = 'release (no hold yet)';
        else {
          const h = recent(holds, op.h);
          const res = call(ctx, 'holds.release', { hold: h.id });
          const want = model.release(h.id, now);
          if (res.status !== want.status) throw new Mismatch(`release left the hold ${res.status}, model ${want.status}`);
        }
      } else if (op.t === 'refund') {
        const topups = model.grants.filter((g): g is MGrant => g.source !== 'monthly' && g.source !== 'upgrade');
        if (topups.length === 0) label = 'refund (no grant yet)';
        else {
          const g = recent(topups, op.g);
          let got: Outcome;
          let res: ReturnType<typeof call<'grants.refund'>> | null = null;
          try {
            res = call(ctx, 'grants.refund', { grant: g.id });
            got = { kind: 'ok', status: 'refunded', cost: 0 };
          } catch (e) {
            got = kindOf(e);
          }
          const want = model.refund(g, now);
          sameOutcome(got, want);
          if (res && (mcOf(res.credits) !== want.credits || res.amountCents !== want.money)) {
            throw new Mismatch(`refund of ${res.credits} credits for ${res.amountCents} cents, model ${want.credits} mc for ${want.money}`);
          }
          label = `refund:${want.kind}`;
        }
      } else if (op.t === 'plan') {
        const acc = accs[op.a]!;
        const plan = acc.plans[op.p % acc.plans.length]!;
        const enterprise = plan === 'enterprise';
        const amounts: Record<string, Alloc> = enterprise ? { credits: op.amount * C } : acc.def.plans[plan]!.amounts;
        let got: Outcome;
        let granted: Record<string, number> = {};
        try {
          const res = call(ctx, 'accounts.plan', { account: acc.def.id, plan, ...(enterprise ? { amounts: { credits: String(op.amount) } } : {}) });
          granted = Object.fromEntries(res.granted.map((g) => [g.pool, mcOf(g.credits)]));
          got = { kind: 'ok', status: 'changed', cost: 0 };
        } catch (e) {
          got = kindOf(e);
        }
        const want = model.changePlan(acc.def.id, plan, amounts, now);
        sameOutcome(got, want);
        if (want.kind === 'ok' && JSON.stringify(granted) !== JSON.stringify(want.upgrades)) throw new Mismatch(`plan change granted ${JSON.stringify(granted)}, model ${JSON.stringify(want.upgrades)}`);
        label = `plan:${want.kind}`;
      } else {
        clock.set(clockTarget(model, accs, op, now));
        label = `clock:${op.kind}`;
      }
      counts[label] = (counts[label] ?? 0) + 1;
      compareBalances(ctx, model, accs, clock.now());
      if (opts.invariantsEvery > 0 && (step + 1) % opts.invariantsEvery === 0) {
        const problems = checkInvariants(ctx);
        if (problems.length) throw new Mismatch(`invariants: ${problems.slice(0, 3).join('; ')}`);
      }
    }
    const problems = checkInvariants(ctx);
    if (problems.length) throw new Mismatch(`invariants at the end: ${problems.slice(0, 3).join('; ')}`);
    return { failure: null, counts, steps: limit, end: isoOf(clock.now()) };
  } catch (e) {
    const message = e instanceof Mismatch ? e.message : `unexpected ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    return { failure: { step, message: `at ${isoOf(clock.now())}: ${message}` }, counts, steps: step, end: isoOf(clock.now()) };
  } finally {
    ctx.db.close();
  }
}

export type ClockOp = Extract<Op, { t: 'clock' }>;

/** Where a clock jump lands: so far ahead, or just before, at or after the account's next reset, or at the next expiry. */
export function clockTarget(model: Model, accs: readonly Acc[], op: ClockOp, now: number): number {
  const next = model.nextReset(accs[op.a % accs.length]!.def.id, now);
  const expiry = model.nextExpiry(now);
  return op.kind === 'minutes' ? now + op.n * 60_000
    : op.kind === 'hours' ? now + op.n * HOUR
    : op.kind === 'days' ? now + op.n * DAY
    : op.kind === 'weeks' ? now + op.n * 7 * DAY
    : op.kind === 'reset-1' ? Math.max(now, next - 1)
    : op.kind === 'reset' ? next
    : op.kind === 'reset+1' ? next + 1
    : op.kind === 'expiry' ? (expiry ?? now + HOUR)
    : now;
}

/** A random clock jump, weighted towards short ones (the generator's mix). */
export function randomClock(r: Rng, a: number): ClockOp {
  const kind = r.pick(['minutes', 'minutes', 'minutes', 'hours', 'hours', 'hours', 'days', 'days', 'weeks', 'reset-1', 'reset', 'reset+1', 'expiry', 'same'] as const);
  return { t: 'clock', kind, a, n: kind === 'minutes' ? r.int(1, 59) : kind === 'hours' ? r.int(1, 23) : kind === 'days' ? r.int(1, 9) : kind === 'weeks' ? r.int(1, 5) : 0 };
}

/** Mostly one of the last few (a capture, release or refund soon after its hold or purchase), sometimes any. */
export function recent<T>(xs: readonly T[], ref: number): T {
  if (ref % 4 === 0) return xs[(ref >> 2) % xs.length]!;
  return xs[xs.length - 1 - ((ref >> 2) % Math.min(xs.length, 4))]!;
}

export function qtyMilli(q: string): number {
  const [w, f = ''] = q.split('.');
  return Number(w) * 1000 + Number((f + '000').slice(0, 3));
}

function sameOutcome(got: Outcome, want: Outcome): void {
  const key = (o: Outcome) =>
    o.kind === 'ok' ? `ok ${o.status} ${o.cost}` : o.kind === 'duplicate' ? `duplicate ${o.eventId} ${o.cost}` : o.kind === 'refused' ? `refused ${o.reason}` : 'invalid';
  if (key(got) !== key(want)) {
    throw new Mismatch(`ledger: ${key(got)}${got.kind === 'invalid' ? ` (${got.why})` : ''}; model: ${key(want)}${want.kind === 'invalid' ? ` (${want.why})` : ''}`);
  }
}

/** Every pool of every account, ledger against model, as of `now` (the ledger's clock, or an instant read with `at`). */
export function compareBalances(ctx: Ctx, model: Model, accs: Acc[], now: number): void {
  for (const acc of accs) {
    const b = call(ctx, 'balance.get', { account: acc.def.id, ...(now !== ctx.clock.now() ? { at: isoOf(now) } : {}) });
    const m = model.balance(acc.def.id, now);
    for (const p of b.pools) {
      const x = m[p.pool]!;
      const remaining = x.monthly + x.topup;
      const want = {
        unlimited: x.unlimited,
        allocation: x.unlimited ? null : x.allocation,
        monthly: x.unlimited ? null : x.monthly,
        topup: x.topup,
        remaining: x.unlimited ? null : remaining,
        held: x.held,
        available: x.unlimited ? null : Math.max(0, remaining - x.held),
        used: x.used,
        periodStart: isoOf(x.periodStart),
        nextReset: isoOf(x.nextReset),
        overdrawn: x.overdrawn,
        overdrawnBy: x.overdrawnBy,
      };
      const n = (v: number | null) => (v === null ? null : mcOf(v));
      const got = {
        unlimited: p.unlimited,
        allocation: n(p.allocation),
        monthly: n(p.monthlyRemaining),
        topup: mcOf(p.topupRemaining),
        remaining: n(p.remaining),
        held: mcOf(p.held),
        available: n(p.available),
        used: mcOf(p.usedThisPeriod),
        periodStart: p.periodStart,
        nextReset: p.nextReset,
        overdrawn: mcOf(p.overdrawn),
        overdrawnBy: p.overdrawnBy.map((m) => ({ member: m.member, mc: mcOf(m.credits) })),
      };
      if (JSON.stringify(got) !== JSON.stringify(want)) throw new Mismatch(`${acc.def.id}/${p.pool} balance (mc): ledger ${JSON.stringify(got)}, model ${JSON.stringify(want)}`);
    }
  }
}

// ---------- shrinking ----------

/**
 * Delta debugging: cut the list after the failing step, then delete ever
 * smaller chunks while the list still fails. A generator, so that one
 * algorithm serves a synchronous replay (`shrink`) and an asynchronous one
 * (the team simulation, test/sim/team.ts): it yields each candidate list and
 * is sent back that list's failure, or null when it passes.
 */
export function* shrinkSteps<T>(ops: readonly T[], failure: Failure, budget = 2000): Generator<T[], { ops: T[]; failure: Failure; replays: number }, Failure | null> {
  let best = ops.slice(0, failure.step + 1);
  let bestFailure = failure;
  let replays = 0;
  let chunk = Math.max(1, Math.floor(best.length / 2));
  while (chunk >= 1 && replays < budget) {
    let removed = false;
    for (let i = 0; i + chunk <= best.length && replays < budget; ) {
      const candidate = [...best.slice(0, i), ...best.slice(i + chunk)];
      let f: Failure | null = null;
      if (candidate.length) {
        replays++;
        f = yield candidate;
      }
      if (f) {
        best = candidate.slice(0, f.step + 1);
        bestFailure = f;
        removed = true;
      } else i += chunk;
    }
    if (!removed) chunk = Math.floor(chunk / 2);
    else chunk = Math.min(chunk, Math.max(1, Math.floor(best.length / 2)));
  }
  return { ops: best, failure: bestFailure, replays };
}

/** The shortest failing list `shrinkSteps` finds, each candidate replayed with invariants checked at every step. */
export function shrink(setup: Setup, ops: readonly Op[], opts: RunOptions, failure: Failure, budget = 2000): { ops: Op[]; failure: Failure; replays: number } {
  const steps = shrinkSteps(ops, failure, budget);
  for (let n = steps.next(); ; ) {
    if (n.done) return n.value;
    n = steps.next(runOps(setup, n.value, { ...opts, invariantsEvery: 1 }).failure);
  }
}

export function formatFailure<S extends Setup, O>(seed: number, setup: S, original: number, shrunk: { ops: O[]; failure: Failure; replays: number }): string {
  return [
    `simulation failed: seed ${seed} (scenario ${setup.scenario}: ${JSON.stringify(SCENARIOS[setup.scenario])})`,
    `shortest reproducing list: ${shrunk.ops.length} of ${original} operations (${shrunk.replays} replays)`,
    `failure: ${shrunk.failure.message}`,
    'operations (replay with SIM_REPLAY=<file holding this JSON>):',
    JSON.stringify({ seed, setup, ops: shrunk.ops }),
  ].join('\n');
}

/** One seeded run: generate, play, and on failure shrink and explain. */
export function simulate(
  seed: number,
  steps: number,
  invariantsEvery: number,
  model?: () => Model,
): { ok: true; counts: Record<string, number>; end: string } | { ok: false; report: string; ops: Op[] } {
  const { setup, ops } = generate(seed, steps);
  const opts: RunOptions = { seed, invariantsEvery, ...(model ? { model } : {}) };
  const r = runOps(setup, ops, opts);
  if (!r.failure) return { ok: true, counts: r.counts, end: r.end };
  const shrunk = shrink(setup, ops, opts, r.failure);
  return { ok: false, report: formatFailure(seed, setup, ops.length, shrunk), ops: shrunk.ops };
}

