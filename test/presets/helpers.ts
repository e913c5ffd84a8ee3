/**
 * Shared set-up for the preset scenarios: an in-memory ledger on a manual
 * clock with seeded ids, and wrappers that run one API call and then assert
 * the ledger's invariants hold — after successes and refusals alike.
 */
import { expect } from 'vitest';
import { openLedger } from '../../main/core/api/open.js';
import { call, type HandlerInput, type HandlerName, type HandlerOutput } from '../../main/core/api/handlers.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import type { PoolBalance } from '../../main/core/ledger/balance.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { InputError, RefusedError, type RefusalReason } from '../../main/core/util/errors.js';
import { seededIds } from '../../main/core/util/ids.js';

export interface Ledger {
  ctx: Ctx;
  clock: ManualClock;
  /** Run one call; the invariants must hold afterwards. */
  run<N extends HandlerName>(name: N, input: HandlerInput<N>): HandlerOutput<N>;
  /** Run one call that must be refused with `reason`; the invariants must still hold. */
  refuse<N extends HandlerName>(name: N, input: HandlerInput<N>, reason: RefusalReason): RefusedError;
  /** Run one call that must fail as invalid input; the invariants must still hold. */
  invalid<N extends HandlerName>(name: N, input: HandlerInput<N>): InputError;
  /** One pool of 'balance.get' (at the clock's time or `at`). */
  pool(account: string, pool: string, at?: string): PoolBalance;
  /** Move the clock to an ISO instant. */
  at(iso: string): void;
}

export function ledger(start: string): Ledger {
  const clock = new ManualClock(Date.parse(start));
  const ctx = openLedger(':memory:', { clock, ids: seededIds(1) });
  const clean = () => expect(checkInvariants(ctx)).toEqual([]);
  const failure = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (e) {
      return e;
    }
    throw new Error('expected the call to fail, but it succeeded');
  };
  const l: Ledger = {
    ctx,
    clock,
    run(name, input) {
      const out = call(ctx, name, input);
      clean();
      return out;
    },
    refuse(name, input, reason) {
      const e = failure(() => call(ctx, name, input));
      expect(e).toBeInstanceOf(RefusedError);
      expect((e as RefusedError).reason).toBe(reason);
      clean();
      return e as RefusedError;
    },
    invalid(name, input) {
      const e = failure(() => call(ctx, name, input));
      expect(e).toBeInstanceOf(InputError);
      clean();
      return e as InputError;
    },
    pool(account, pool, at) {
      const b = l.run('balance.get', at === undefined ? { account } : { account, at });
      const p = b.pools.find((x) => x.pool === pool);
      if (!p) throw new Error(`no pool ${pool} on ${account}`);
      return p;
    },
    at(iso) {
      clock.set(iso);
    },
  };
  clean();
  return l;
}

/** Expiry entries booked against an account's grants: [grant source, credits, ISO instant]. */
export function expiries(ctx: Ctx, account: string): [string, number, string][] {
  const rows = ctx
    .stmt(
      `SELECT g.source, e.amount_mc, e.at FROM entries e JOIN grants g ON g.id = e.grant_id
       WHERE e.account_id = ? AND e.kind = 'expire' ORDER BY e.at, e.id`,
    )
    .all(account) as { source: string; amount_mc: number; at: number }[];
  return rows.map((r) => [r.source, r.amount_mc / 1000, new Date(r.at).toISOString()]);
}
