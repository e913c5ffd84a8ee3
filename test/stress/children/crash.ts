/**
 * A child that writes to a ledger file until it is killed (SIGKILL, by
 * test/stress/crash.test.ts). Before each operation it prints `B <json>`,
 * and only after the call has returned (its transaction committed) `A <json>`:
 * an `A` line is an acknowledgement the ledger must honour after any crash.
 *
 *   node crash.mjs FILE events  CYCLE SEED   usage, imports, grants, holds, voids (system clock)
 *   node crash.mjs FILE monthly CYCLE SEED   the clock jumps across resets: every write books them
 *   node crash.mjs FILE purchase CYCLE SEED  repeated fulfilments of paid Checkout Sessions
 *   node crash.mjs FILE group   CYCLE SEED   groups of usage committed together (GroupCommit): B before
 *                                            the group's transaction, A once every call in it is answered
 */
import { call } from '../../../main/core/api/handlers.js';
import { openLedger } from '../../../main/core/api/open.js';
import { fulfil, getPurchaseRow } from '../../../main/core/purchases/store.js';
import { GroupCommit } from '../../../main/core/ledger/group-commit.js';
import { ManualClock } from '../../../main/core/util/clock.js';
import { InputError, RefusedError } from '../../../main/core/util/errors.js';
import { between, rng } from '../lib/rng.js';
import { specOf } from '../lib/spec.js';

const [file, mode, cycleText, seedText] = process.argv.slice(2) as [string, string, string, string];
const cycle = Number(cycleText);
const r = rng(Number(seedText));
const say = (tag: 'B' | 'A', o: unknown) => process.stdout.write(`${tag} ${JSON.stringify(o)}\n`);

/** Run op, acknowledging what it did; a refusal is an outcome too (recorded in the ledger). */
function step(op: Record<string, unknown>, fn: () => Record<string, unknown>): Record<string, unknown> | null {
  say('B', op);
  let out: Record<string, unknown>;
  try {
    out = fn();
  } catch (e) {
    if (e instanceof RefusedError) out = { refused: e.reason };
    else if (e instanceof InputError) out = { invalid: e.message };
    else throw e;
  }
  say('A', { ...op, ...out });
  return out;
}

const clock = new ManualClock(Date.now());
const ctx = openLedger(file, mode === 'events' ? {} : { clock });
say('A', { op: 'ready' });

if (mode === 'events') {
  const acked: string[] = [];
  let hold: string | null = null;
  for (let i = 0; ; i++) {
    const x = r();
    const key = `c${cycle}-${i}`;
    if (x < 0.55) {
      const s = specOf(key);
      const out = step({ op: 'use', account: 'big', key }, () => {
        const u = call(ctx, 'usage.record', { account: 'big', action: s.action, quantity: s.quantity, key });
        return { eventId: u.eventId, costMc: Math.round(u.credits * 1000) };
      });
      if (out?.eventId) acked.push(String(out.eventId));
    } else if (x < 0.65) {
      step({ op: 'use', account: 'tight', key }, () => {
        const u = call(ctx, 'usage.record', { account: 'tight', action: 'sms', key });
        return { eventId: u.eventId, costMc: Math.round(u.credits * 1000) };
      });
    } else if (x < 0.75) {
      // Several events in one transaction: all of them or none.
      const keys = Array.from({ length: between(r, 2, 25) }, (_, j) => `${key}-${j}`);
      const text = keys.map((k) => JSON.stringify({ account: 'big', key: k, action: specOf(k).action, quantity: specOf(k).quantity })).join('\n');
      step({ op: 'import', keys }, () => ({ applied: call(ctx, 'import', { text, format: 'jsonl' }).applied }));
    } else if (x < 0.82) {
      const amount = between(r, 1, 40);
      step({ op: 'grant', account: 'tight', key, amount }, () => ({ grantId: call(ctx, 'grants.add', { account: 'tight', pool: 'credits', amount, source: 'manual', key }).grantId }));
    } else if (x < 0.88) {
      if (hold === null) {
        const amount = between(r, 5, 50);
        const out = step({ op: 'hold', account: 'big', key, amount }, () => ({ holdId: call(ctx, 'holds.place', { account: 'big', pool: 'credits', amount, key }).holdId }));
        hold = out && typeof out.holdId === 'string' ? out.holdId : null;
      } else {
        const h = hold;
        step({ op: 'release', holdId: h }, () => ({ status: call(ctx, 'holds.release', { hold: h }).status }));
        hold = null;
      }
    } else if (x < 0.94 && hold !== null) {
      const h = hold;
      const s = specOf(key);
      step({ op: 'capture', holdId: h, key }, () => {
        const u = call(ctx, 'holds.capture', { hold: h, action: s.action, quantity: s.quantity, key });
        return { eventId: u.eventId, costMc: Math.round(u.credits * 1000) };
      });
    } else if (acked.length > 0) {
      const [ev] = acked.splice(between(r, 0, acked.length - 1), 1) as [string];
      step({ op: 'void', eventId: ev }, () => ({ voided: call(ctx, 'events.void', { event: ev, reason: 'crash test' }).eventId }));
    }
  }
} else if (mode === 'monthly') {
  // Continue after the latest instant anything was written at: the ledger is never written backwards past a reset.
  const row = ctx.db
    .prepare(
      'SELECT MAX(m) AS m FROM (SELECT MAX(materialized_to) AS m FROM account_state UNION ALL SELECT MAX(at) FROM events UNION ALL SELECT MAX(created_at) FROM holds UNION ALL SELECT MAX(created_at) FROM accounts)',
    )
    .get() as { m: number };
  let t = row.m + 1;
  const accounts = (ctx.db.prepare('SELECT id FROM accounts ORDER BY id').all() as { id: string }[]).map((a) => a.id);
  const actionOf: Record<string, string[]> = { fluxnote: ['video', 'image'], lux: ['email'], flux: ['api-request'], rollo: ['x', 'y'], fluximage: ['compress', 'alt-text'] };
  for (let i = 0; ; i++) {
    // Days pass; some accounts are left alone for months, so one write books several resets.
    t += between(r, 1, 25) * 86_400_000 + between(r, 0, 86_399_999);
    clock.set(t);
    const acct = accounts[between(r, 0, accounts.length - 1)]!;
    const kind = acct.split('-')[0]!;
    const key = `m${cycle}-${i}`;
    const at = new Date(t).toISOString();
    if (r() < 0.15 && kind !== 'fluximage') {
      const pool = kind === 'fluxnote' ? 'image' : kind === 'rollo' ? 'c' : 'credits';
      step({ op: 'hold', account: acct, key, at }, () => ({ holdId: call(ctx, 'holds.place', { account: acct, pool, amount: 1, key, at, expires: new Date(t + between(r, 1, 40) * 86_400_000).toISOString() }).holdId }));
    } else {
      const actions = actionOf[kind]!;
      const action = actions[between(r, 0, actions.length - 1)]!;
      step({ op: 'use', account: acct, key, at }, () => {
        const u = call(ctx, 'usage.record', { account: acct, action, quantity: between(r, 1, 5), key, at });
        return { eventId: u.eventId, costMc: Math.round(u.credits * 1000) };
      });
    }
  }
} else if (mode === 'purchase') {
  const purchases = (ctx.db.prepare(`SELECT purchase_id AS id, session_id FROM purchase_log WHERE status = 'open' ORDER BY id`).all() as { id: string; session_id: string }[]);
  for (;;) {
    // Paid sessions reported again and again (webhook, poll, return page): each must grant once.
    const p = purchases[between(r, 0, purchases.length - 1)]!;
    clock.set(Date.now());
    step({ op: 'fulfil', purchase: p.id, session: p.session_id }, () => {
      const row = getPurchaseRow(ctx, p.id);
      return { status: fulfil(ctx, row, { id: p.session_id, amountTotal: row.price_minor, currency: row.currency, paymentIntent: `pi_${p.session_id}`, receiptUrl: null }, 'crash-test').status };
    });
  }
} else if (mode === 'group') {
  // The writer's turn is taken by hand, so the kill can land inside the group's one transaction.
  let turn: (() => void) | null = null;
  const writer = new GroupCommit(ctx, (fn) => void (turn = fn));
  for (let i = 0; ; i++) {
    const calls = Array.from({ length: between(r, 2, 40) }, (_, j) => {
      const key = `g${cycle}-${i}-${j}`;
      // A few cannot be recorded at all (a negative quantity): they leave nothing, in or out of a group. The test knows which by the key.
      return { key, bad: j % 7 === 3 };
    });
    say('B', { op: 'group', keys: calls.map((c) => c.key) });
    const answers = calls.map((c) =>
      writer
        .submit(() => {
          const s = specOf(c.key);
          const u = call(ctx, 'usage.record', { account: 'big', action: s.action, quantity: c.bad ? '-1' : s.quantity, key: c.key });
          return { key: c.key, eventId: u.eventId, costMc: Math.round(u.credits * 1000) };
        })
        .catch((e: unknown) => {
          if (e instanceof InputError) return { key: c.key, invalid: e.message };
          throw e;
        }),
    );
    (turn as (() => void) | null)?.();
    turn = null;
    say('A', { op: 'group', results: await Promise.all(answers) });
  }
}
