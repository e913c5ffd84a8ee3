/**
 * A team push records its entries through CallAsMany (access decided once per
 * push, input parsed once, the audit chain carried in memory). Property: the
 * push answers and writes, row for row, what the same entries recorded one by
 * one through callAs do — accepted, duplicate (within a push and across
 * pushes), refused (credits, a member's cap), forbidden (someone else named),
 * invalid (bad input, a key of its own, unknown account or action) and
 * offline entries that overdraw, mixed; and the audit chain verifies. The
 * push is audited by one row listing every entry with its answer
 * (team/push-audit.ts); its entries write none of their own.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
// The handlers' map first: sync.ts is one of its parts (importing it first would find the map half built).
import '../../main/core/api/handlers.js';
import { pushKey, rejection, type PushAnswer } from '../../main/core/api/sync.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { appendAudit, verifyAudit } from '../../main/core/team/audit.js';
import { CallAsMany } from '../../main/core/team/call-as-many.js';
import { callAs } from '../../main/core/team/call-as.js';
import { pushAudit } from '../../main/core/team/push-audit.js';
import type { Caller } from '../../main/core/team/types.js';
import { callerWorld, everything, MINUTE, type Who } from './helpers.js';

/** Two identical team ledgers (same seed, same clock) to record the same entries two ways. */
const world = () => callerWorld(7);

interface Entry {
  id: string;
  call: 'usage.record';
  input: Record<string, unknown>;
  offline?: boolean;
}

const entryArb = fc.record(
  {
    id: fc.constantFrom('e_aaaaaaaa', 'e_bbbbbbbb', 'e_cccccccc', 'e_dddddddd', 'e_eeeeeeee', 'e_ffffffff', 'e_gggggggg', 'e_hhhhhhhh', 'e_iiiiiiii', 'e_jjjjjjjj'),
    account: fc.constantFrom('lux', 'lux', 'lux-two', 'nope'),
    action: fc.constantFrom('email', 'sms', 'sms', 'ai:gpt-4o', 'voice-call', 'bogus'),
    quantity: fc.constantFrom<unknown>(undefined, 1, 2, 3, 7, 30, 400, 0.5, -1, 'x'),
    member: fc.constantFrom<unknown>(undefined, undefined, undefined, 'self', 'mo', 'ad', 'ana', '', null),
    attrs: fc.constantFrom<unknown>(undefined, undefined, { flow: 'signup' }, { flow: 'a\u001bb' }),
    key: fc.constantFrom(false, false, false, false, true),
    offline: fc.constantFrom<boolean | undefined>(undefined, undefined, true, false),
  },
  { requiredKeys: ['id', 'account', 'action', 'key'] },
);

type Drawn = typeof entryArb extends fc.Arbitrary<infer T> ? T : never;

function toEntry(e: Drawn, who: Caller): Entry {
  const input: Record<string, unknown> = { account: e.account, action: e.action };
  if (e.quantity !== undefined) input.quantity = e.quantity;
  if (e.member !== undefined) input.member = e.member === 'self' ? who.member : e.member;
  if (e.attrs !== undefined) input.attrs = e.attrs;
  if (e.key) input.key = 'its-own';
  return { id: e.id, call: 'usage.record', input, ...(e.offline !== undefined ? { offline: e.offline } : {}) };
}

/** What team.push did before CallAsMany: each entry through callAs, one by one (as a push's entry: no audit row of its own), then the push's row listing them. */
function pushOneByOne(ctx: Ctx, caller: Caller, entries: Entry[]): PushAnswer[] {
  const seen = new Set<string>();
  const results = entries.map((e): PushAnswer => {
    if (seen.has(e.id)) return { id: e.id, status: 'rejected', reason: 'invalid_input', message: `entry ${e.id} is in this push twice` };
    seen.add(e.id);
    if (Object.hasOwn(e.input, 'key')) return { id: e.id, status: 'rejected', reason: 'invalid_input', message: 'an entry is keyed by its id: leave "key" out of its input' };
    try {
      const r = callAs(ctx, caller, e.call, { ...e.input, key: pushKey(e.id) }, { pushed: e.offline === true, memberClock: true, inPush: true }) as { status?: string };
      return { id: e.id, status: r.status === 'duplicate' ? 'duplicate' : 'accepted', result: r };
    } catch (err) {
      return rejection(e.id, err);
    }
  });
  appendAudit(ctx, { member: caller.member, tokenId: caller.tokenId, address: caller.address, call: 'team.push', args: pushAudit({ entries }, { results }), result: 'ok' });
  return results;
}

/** A call's outcome as a comparable value: its answer, or its error's kind and message. */
function outcome(fn: () => unknown): unknown {
  try {
    return { ok: fn() };
  } catch (e) {
    return { error: e instanceof Error ? [e.constructor.name, e.message] : String(e) };
  }
}

describe('team.push through CallAsMany = each entry through callAs alone', () => {
  test('property: answers and every table row for row, mixed entries, several pushes and callers', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom<Who>('mo', 'ad', 'sc', 'cap'), fc.array(entryArb, { minLength: 1, maxLength: 12 }), fc.nat(90)), { minLength: 1, maxLength: 6 }), (pushes) => {
        const a = world();
        const b = world();
        for (const [who, raw, minutes] of pushes) {
          a.t.clock.advance(minutes * MINUTE);
          b.t.clock.advance(minutes * MINUTE);
          const entries = raw.map((e) => toEntry(e, a.callers[who]));
          const pushed = callAs(a.t.ctx, a.callers[who], 'team.push', structuredClone({ entries })) as { results: PushAnswer[] };
          const alone = pushOneByOne(b.t.ctx, b.callers[who], structuredClone(entries));
          expect(pushed.results).toEqual(alone);
        }
        expect(everything(a.t.ctx)).toEqual(everything(b.t.ctx));
        expect(verifyAudit(a.t.ctx)).toEqual([]);
        a.t.clean();
      }),
      { numRuns: 60 },
    );
  });

  test('property: CallAsMany.call = callAs for callers the shortcut leaves to callAs (a viewer, a token limited to one account)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom<Who>('vi', 'lim', 'mo', 'ad'), entryArb), { minLength: 1, maxLength: 20 }), (calls) => {
        const a = world();
        const b = world();
        // One CallAsMany per push, as team.push makes it: a new one whenever the caller changes, the last one finished first.
        let many: { who: Who; m: CallAsMany } | null = null;
        const got = a.t.ctx.write(() => {
          const out = calls.map(([who, e], i) => {
            if (many?.who !== who) {
              many?.m.finish();
              many = { who, m: new CallAsMany(a.t.ctx, a.callers[who]) };
            }
            const entry = toEntry(e, a.callers[who]);
            return outcome(() => many!.m.call('usage.record', { ...entry.input, key: `k-${i}` }, { caller: a.callers[who] }));
          });
          many?.m.finish();
          return out;
        });
        const want = b.t.ctx.write(() => calls.map(([who, e], i) => outcome(() => callAs(b.t.ctx, b.callers[who], 'usage.record', { ...toEntry(e, b.callers[who]).input, key: `k-${i}` }))));
        expect(got).toEqual(want);
        expect(everything(a.t.ctx)).toEqual(everything(b.t.ctx));
        expect(verifyAudit(a.t.ctx)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  test('a push of 130 entries (interrupted by entries callAs records itself) = one by one, audited by one row', () => {
    const a = world();
    const b = world();
    const entries: Entry[] = Array.from({ length: 130 }, (_, k) => ({
      id: `e_long_${String(k).padStart(4, '0')}`,
      call: 'usage.record',
      input: { account: k % 5 === 0 ? 'lux-two' : 'lux', action: 'email', ...(k % 37 === 0 ? { member: 'ana' } : {}), ...(k % 23 === 0 ? { quantity: 'x' } : {}) },
    }));
    const pushed = callAs(a.t.ctx, a.callers.mo, 'team.push', structuredClone({ entries })) as { results: PushAnswer[] };
    const alone = pushOneByOne(b.t.ctx, b.callers.mo, structuredClone(entries));
    expect(pushed.results).toEqual(alone);
    expect(pushed.results.filter((r) => r.status === 'rejected').map((r) => r.reason)).toEqual(['forbidden', 'invalid_input', 'forbidden', 'invalid_input', 'invalid_input', 'forbidden', 'invalid_input', 'forbidden', 'invalid_input']);
    expect(everything(a.t.ctx)).toEqual(everything(b.t.ctx));
    expect(verifyAudit(a.t.ctx)).toEqual([]);
    // One row for the push, every entry in it with its answer (the rejected ones too, and why); none of the entries' own.
    const rows = a.t.ctx.db.prepare(`SELECT call, args_json FROM team_audit WHERE member = 'mo'`).all() as { call: string; args_json: string }[];
    expect(rows.map((r) => r.call)).toEqual(['team.push']);
    const listed = (JSON.parse(rows[0]!.args_json) as { entries: { id: string; input: unknown; status: string; reason?: string }[] }).entries;
    expect(listed.map((e) => [e.id, e.status, e.reason ?? null])).toEqual(pushed.results.map((r) => [r.id, r.status, r.reason ?? null]));
    expect(listed.map((e) => e.input)).toEqual(entries.map((e) => e.input));
  });

  test('pushes of 500 entries (events written 256 to an INSERT, replays of an earlier push among new entries) = one by one', () => {
    const a = world();
    const b = world();
    const entry = (k: number): Entry => ({
      id: `e_big_${String(k).padStart(4, '0')}`,
      call: 'usage.record',
      input: { account: k % 7 === 0 ? 'lux-two' : 'lux', action: k % 3 === 0 ? 'sms' : 'email', ...(k % 97 === 0 ? { member: 'ana' } : {}), ...(k % 89 === 0 ? { quantity: 'x' } : {}) },
    });
    // The second push sends 150 entries of the first again (duplicates, answered by the general path) between new ones.
    const pushes = [Array.from({ length: 300 }, (_, k) => entry(k)), Array.from({ length: 500 }, (_, k) => entry(k < 150 ? k * 2 : 300 + k))];
    const accepted = new Set<string>();
    for (const entries of pushes) {
      a.t.clock.advance(MINUTE);
      b.t.clock.advance(MINUTE);
      const pushed = callAs(a.t.ctx, a.callers.mo, 'team.push', structuredClone({ entries })) as { results: PushAnswer[] };
      const alone = pushOneByOne(b.t.ctx, b.callers.mo, structuredClone(entries));
      expect(pushed.results).toEqual(alone);
      for (const r of pushed.results) if (r.status === 'accepted') accepted.add(r.id);
    }
    const statuses = (callAs(a.t.ctx, a.callers.mo, 'team.push', { entries: pushes[1]!.slice(140, 160) }) as { results: PushAnswer[] }).results.map((r) => r.status);
    expect(statuses.filter((x) => x === 'duplicate')).toHaveLength(statuses.filter((x) => x !== 'rejected').length);
    callAs(b.t.ctx, b.callers.mo, 'team.push', { entries: pushes[1]!.slice(140, 160) });
    expect(everything(a.t.ctx)).toEqual(everything(b.t.ctx));
    expect(verifyAudit(a.t.ctx)).toEqual([]);
    // 650 distinct entries, less the forbidden and invalid ones: each recorded once.
    expect(accepted.size).toBeGreaterThan(600);
    expect(a.t.ctx.db.prepare(`SELECT COUNT(*) AS n FROM events WHERE key LIKE 'push-e_big_%'`).get()).toEqual({ n: accepted.size });
  });

  test("a refused entry keeps its refusal record and its line in the push's audit row, and the entries after it are recorded", () => {
    const { t, callers } = world();
    const entries: Entry[] = [
      { id: 'e_first_one', call: 'usage.record', input: { account: 'lux', action: 'sms', quantity: 5 } },
      { id: 'e_over_cap', call: 'usage.record', input: { account: 'lux', action: 'sms', quantity: 30 } },
      { id: 'e_after_it', call: 'usage.record', input: { account: 'lux', action: 'email' } },
    ];
    const r = callAs(t.ctx, callers.cap, 'team.push', { entries }) as { results: PushAnswer[] };
    expect(r.results.map((x) => [x.status, x.reason ?? null])).toEqual([
      ['accepted', null],
      ['rejected', 'member_cap'],
      ['accepted', null],
    ]);
    const events = t.ctx.db.prepare(`SELECT key FROM events WHERE member = 'cap' ORDER BY seq`).all();
    expect(events).toEqual([{ key: 'push-e_first_one' }, { key: 'push-e_after_it' }]);
    expect(t.ctx.db.prepare('SELECT COUNT(*) AS n FROM refusals').get()).toEqual({ n: 1 });
    const audit = t.ctx.db.prepare(`SELECT call, args_json, result FROM team_audit WHERE member = 'cap' ORDER BY seq`).all() as { call: string; args_json: string; result: string }[];
    expect(audit.map((r) => [r.call, r.result])).toEqual([['team.push', 'ok']]);
    expect(JSON.parse(audit[0]!.args_json)).toEqual({
      entries: [
        { id: 'e_first_one', call: 'usage.record', input: { account: 'lux', action: 'sms', quantity: 5 }, status: 'accepted' },
        { id: 'e_over_cap', call: 'usage.record', input: { account: 'lux', action: 'sms', quantity: 30 }, status: 'rejected', reason: 'member_cap' },
        { id: 'e_after_it', call: 'usage.record', input: { account: 'lux', action: 'email' }, status: 'accepted' },
      ],
    });
    expect(verifyAudit(t.ctx)).toEqual([]);
    t.clean();
  });
});
