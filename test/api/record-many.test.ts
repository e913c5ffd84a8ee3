/**
 * The hosts' usage events sharing a group of the writer, recorded together
 * (main/core/api/record-many.ts): on a team ledger each as its caller. Property:
 * the same calls, each through callAs on its own, give the same answers and
 * errors and leave every table row for row the same — members, an admin
 * naming others, a viewer (forbidden), a scoped token, a limited token, a
 * member with a cap, bad input, input that is no object, replayed keys within
 * and across groups, and the owner's grants between them; the audit chain
 * verifies.
 */
import { describe, expect, test } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { recordMany } from '../../main/core/api/record-many.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { GroupCommit } from '../../main/core/ledger/group-commit.js';
import { verifyAudit } from '../../main/core/team/audit.js';
import { callAs } from '../../main/core/team/call-as.js';
import { rng as prng } from '../stress/lib/rng.js';
import { callerWorld, everything, MINUTE, type Who } from '../team/helpers.js';

type Job = { kind: 'record'; who: Who; input: unknown } | { kind: 'grant'; amount: number };

function randomJob(r: () => number, n: number): Job {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  if (r() < 0.04) return { kind: 'grant', amount: pick([5, 50, 500]) };
  const who = pick<Who>(['mo', 'mo', 'mo', 'ad', 'vi', 'sc', 'lim', 'cap', 'olga']);
  if (r() < 0.03) return { kind: 'record', who, input: pick<unknown>([null, 'lux', [1], 7]) };
  const input: Record<string, unknown> = { account: pick(['lux', 'lux', 'lux-two', 'nope']), action: pick(['email', 'sms', 'sms', 'ai:gpt-4o', 'voice-call', 'bogus']) };
  const q = pick<unknown>([undefined, undefined, 1, 2, 3, 30, 400, 0.5, -1, 'x']);
  if (q !== undefined) input.quantity = q;
  const m = pick<unknown>([undefined, undefined, undefined, undefined, 'mo', 'ad', 'ana', '', null]);
  if (m !== undefined) input.member = m;
  if (r() < 0.15) input.attrs = pick([{ flow: 'signup' }, { flow: 'a\u001bb' }]);
  // Keys: most new, some replayed (the same call again, or another call under a taken key).
  input.key = r() < 0.2 ? `k-${Math.floor(r() * 6)}` : `k-new-${n}`;
  return { kind: 'record', who, input };
}

const grant = (ctx: Ctx, amount: number) => call(ctx, 'grants.add', { account: 'lux', pool: 'credits', amount, source: 'purchase', priceCents: 100 });

describe('usage events recorded together in a group = each through callAs alone', () => {
  test('property: answers, errors and every table row for row (12 seeds × 250 calls, groups of 1 to 40)', async () => {
    let runs = 0;
    const outcomes = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const r = prng(seed);
      const a = callerWorld(seed);
      const b = callerWorld(seed);
      let pending: (() => void) | null = null;
      const writer = new GroupCommit(b.t.ctx, (fn) => void (pending = fn));
      const alone: unknown[] = [];
      const grouped: Promise<unknown>[] = [];
      let n = 0;
      while (n < 250) {
        const size = 1 + Math.floor(r() * 40);
        for (let i = 0; i < size; i++, n++) {
          const job = randomJob(r, n);
          if (job.kind === 'grant') {
            alone.push(answer(() => grant(a.t.ctx, job.amount)));
            grouped.push(settle(writer.submit(() => grant(b.t.ctx, job.amount))));
            continue;
          }
          const input = structuredClone(job.input);
          alone.push(answer(() => callAs(a.t.ctx, a.callers[job.who], 'usage.record', structuredClone(input))));
          const caller = b.callers[job.who];
          const mine = structuredClone(input);
          grouped.push(settle(writer.submit(() => callAs(b.t.ctx, caller, 'usage.record', mine), { as: recordMany(b.t.ctx), item: { caller, input: mine } })));
        }
        (pending as (() => void) | null)?.();
        pending = null;
        const step = Math.floor(r() * 90) * MINUTE;
        a.t.clock.advance(step);
        b.t.clock.advance(step);
      }
      const got = await Promise.all(grouped);
      expect(got, `seed ${seed}`).toEqual(alone);
      for (const o of alone as { ok?: unknown; error?: string }[]) outcomes.add('ok' in o ? 'ok' : o.error!);
      expect(everything(b.t.ctx), `seed ${seed}`).toEqual(everything(a.t.ctx));
      expect(verifyAudit(b.t.ctx)).toEqual([]);
      expect(writer.batchFailures, `seed ${seed}`).toBe(0);
      runs += writer.batchRuns;
      b.t.clean();
    }
    expect(runs).toBeGreaterThan(50);
    // Recorded, refused (credits, a cap), forbidden (a viewer, someone else named, a token's limits) and invalid, all mixed.
    expect([...outcomes].sort()).toEqual(['ForbiddenError', 'InputError', 'NotFoundError', 'RefusedError', 'ok']);
  });

  test('a run whose batch throws is recorded call by call instead, each answered as alone', async () => {
    const a = callerWorld(3);
    const b = callerWorld(3);
    let pending: (() => void) | null = null;
    const writer = new GroupCommit(b.t.ctx, (fn) => void (pending = fn));
    const broken = { runAll: () => { b.t.ctx.db.prepare(`INSERT INTO events_by_nothing VALUES (1)`).run(); return []; } };
    const inputs = [{ account: 'lux', action: 'email' }, { account: 'lux', action: 'sms', quantity: 'x' }, { account: 'lux', action: 'sms', quantity: 2 }];
    const alone = inputs.map((i, k) => answer(() => callAs(a.t.ctx, a.callers.mo, 'usage.record', { ...i, key: `b-${k}` })));
    const grouped = inputs.map((i, k) => settle(writer.submit(() => callAs(b.t.ctx, b.callers.mo, 'usage.record', { ...i, key: `b-${k}` }), { as: broken, item: null })));
    (pending as (() => void) | null)?.();
    expect(await Promise.all(grouped)).toEqual(alone);
    expect(writer.batchFailures).toBe(1);
    expect(everything(b.t.ctx)).toEqual(everything(a.t.ctx));
  });
});

function answer(run: () => unknown): unknown {
  try {
    return { ok: run() };
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message };
  }
}

function settle(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (ok) => ({ ok }),
    (e: Error) => ({ error: e.name, message: e.message }),
  );
}
