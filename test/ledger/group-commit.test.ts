/**
 * Group commit (main/core/ledger/group-commit.ts): the same random calls,
 * committed in groups and one by one, leave identical ledgers row for row
 * and give identical answers — refusals (whose record stays), invalid input
 * (which leaves nothing), keyed replays and configuration changes mid-group
 * included; and so do the same calls with the group's usage events recorded
 * together (api/record-many.ts), as the hosts submit them. A group whose transaction cannot commit fails every call in it,
 * and nothing of it is there. The writer keeps its savepoints' journals in memory.
 */
import { describe, expect, it } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { GroupCommit, GroupCommitError } from '../../main/core/ledger/group-commit.js';
import { recordMany } from '../../main/core/api/record-many.js';
import { fresh, snapshot } from './helpers.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger } from '../../main/core/api/open.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { rng as prng } from '../stress/lib/rng.js';

type Call = [name: string, input: Record<string, unknown>];

/** A random call on the two accounts: most are fine, some refused, some invalid, some replays, some change the rate card or limits. */
function randomCall(r: () => number, n: number): Call {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const x = r();
  // A call that writes and then fails inside its own write: alone its transaction rolls back, so in a group must its savepoint.
  if (x < 0.03) return ['!faulty', { n }];
  if (x < 0.45) return ['usage.record', { account: 'fluxnote-rise', action: pick(['video', 'image', 'edit']), quantity: pick([1, 1, 2, 3, 0.5, -1, 40]), ...(r() < 0.2 ? { key: `k${Math.floor(r() * 8)}` } : {}), ...(r() < 0.3 ? { member: pick(['ana', 'bo', 'ghost']) } : {}) }];
  if (x < 0.6) return ['usage.record', { account: 'lux-free', action: pick(['ai:claude-sonnet', 'ai:claude-opus', 'nope']), quantity: pick(['1500', '400000', 'abc', '7']) }];
  if (x < 0.68) return ['grants.add', { account: 'fluxnote-rise', pool: pick(['video', 'image', 'gold']), credits: pick([1, 5, 0, -2]), source: 'manual' }];
  if (x < 0.76) return ['holds.place', { account: 'fluxnote-rise', pool: 'image', amount: pick([5, 50, 5000]), ...(r() < 0.3 ? { key: `h${Math.floor(r() * 4)}` } : {}) }];
  if (x < 0.82) return ['holds.release', { hold: `hold_${pick(['x', 'y'])}` }];
  if (x < 0.88) return ['events.void', { event: `ev_${1 + Math.floor(r() * Math.max(1, n))}`, reason: 'typo' }];
  if (x < 0.92) return ['actions.set', { account: 'fluxnote-rise', action: 'image', cost: pick([1, 2]), hourlyLimit: pick([null, 30]) }];
  if (x < 0.96) return ['accounts.set', { account: 'lux-free', monthlyLimit: pick([null, 30, 'x']) }];
  return ['members.add', { account: 'fluxnote-rise', member: pick(['ana', 'bo', 'bad id!']), name: pick(['Ana', 'Bo']) }];
}

/** An answer as a test can compare it: the value, or the error's class and message. */
function answer(run: () => unknown): unknown {
  try {
    return { ok: run() };
  } catch (e) {
    return { error: (e as Error).name, message: (e as Error).message };
  }
}

function setup(seed: number) {
  const h = fresh('2026-11-10T09:00:00Z', seed);
  call(h.ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise' });
  call(h.ctx, 'accounts.add', { preset: 'lux', plan: 'free' });
  call(h.ctx, 'members.add', { account: 'fluxnote-rise', member: 'ana', name: 'Ana' });
  h.ctx.db.exec('CREATE TABLE gc_scratch (n INTEGER)');
  return h;
}

type Ledger = ReturnType<typeof setup>;

function run(h: Ledger, [name, input]: Call): unknown {
  if (name !== '!faulty') return call(h.ctx, name as never, input);
  return h.ctx.write(() => {
    h.ctx.db.prepare('INSERT INTO gc_scratch (n) VALUES (?)').run(input.n);
    throw new Error('failed after writing');
  });
}

describe('group commit', () => {
  it('grouped and one by one: identical ledgers, row for row, and identical answers (20 seeds × 300 calls)', async () => {
    const kinds = new Set<string>();
    const seen = new Set<string>();
    let batchRuns = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const r = prng(seed);
      const alone = setup(seed);
      const grouped = setup(seed);
      // And grouped with its usage events recorded together (api/record-many.ts), as the hosts submit them.
      const batched = setup(seed);
      let pending: (() => void) | null = null;
      const writer = new GroupCommit(grouped.ctx, (fn) => void (pending = fn));
      const batchWriter = new GroupCommit(batched.ctx, (fn) => void (pending2 = fn));
      let pending2: (() => void) | null = null;
      const answersAlone: unknown[] = [];
      const answersGrouped: Promise<unknown>[] = [];
      const answersBatched: Promise<unknown>[] = [];
      const settle = (p: Promise<unknown>) => p.then((ok) => ({ ok }), (e: Error) => ({ error: e.name, message: e.message }));
      let n = 0;
      while (n < 300) {
        const size = 1 + Math.floor(r() * 24);
        for (let i = 0; i < size; i++, n++) {
          const c = randomCall(r, n);
          answersAlone.push(answer(() => run(alone, c)));
          answersGrouped.push(settle(writer.submit(() => run(grouped, c))));
          const batch = c[0] === 'usage.record' ? { as: recordMany(batched.ctx), item: { caller: null, input: c[1] } } : undefined;
          answersBatched.push(settle(batchWriter.submit(() => run(batched, c), batch)));
        }
        (pending as (() => void) | null)?.();
        (pending2 as (() => void) | null)?.();
        pending = null;
        pending2 = null;
        const step = Math.floor(r() * 3_600_000);
        alone.clock.advance(step);
        grouped.clock.advance(step);
        batched.clock.advance(step);
      }
      expect(await Promise.all(answersGrouped), `seed ${seed}`).toEqual(answersAlone);
      expect(await Promise.all(answersBatched), `seed ${seed}`).toEqual(answersAlone);
      expect(snapshot(batched.ctx), `seed ${seed}`).toBe(snapshot(alone.ctx));
      // Every run of usage events was recorded together: none fell back to one by one.
      expect(batchWriter.batchFailures, `seed ${seed}`).toBe(0);
      batchRuns += batchWriter.batchRuns;
      for (const kind of ['ok', 'RefusedError', 'InputError', 'Error']) kinds.add(kind);
      for (const a of answersAlone as { ok?: unknown; error?: string }[]) seen.add('ok' in a ? 'ok' : a.error!);
      expect(snapshot(grouped.ctx), `seed ${seed}`).toBe(snapshot(alone.ctx));
      expect(writer.largest, `seed ${seed}`).toBeGreaterThan(1);
      expect(call(grouped.ctx, 'check', {}).ok).toBe(true);
    }
    // The mix had every outcome: applied, refused (whose record stays) and invalid (which leaves nothing).
    expect([...kinds].filter((k) => !seen.has(k))).toEqual([]);
    expect(batchRuns).toBeGreaterThan(100);
  });

  it('a group whose commit fails fails every call in it, and nothing of it is there', async () => {
    const h = setup(3);
    let pending: (() => void) | null = null;
    const writer = new GroupCommit(h.ctx, (fn) => void (pending = fn));
    const before = snapshot(h.ctx);
    // A deferred foreign key (checked at COMMIT) makes the group's commit itself fail.
    h.ctx.db.exec('CREATE TABLE gc_parent (id INTEGER PRIMARY KEY); CREATE TABLE gc_child (p INTEGER REFERENCES gc_parent(id) DEFERRABLE INITIALLY DEFERRED)');
    const base = snapshot(h.ctx);
    expect(base).not.toBe(before);
    const calls = [
      writer.submit(() => call(h.ctx, 'usage.record', { account: 'fluxnote-rise', action: 'video' })),
      writer.submit(() => h.ctx.write(() => h.ctx.db.prepare('INSERT INTO gc_child (p) VALUES (42)').run())),
      writer.submit(() => call(h.ctx, 'usage.record', { account: 'fluxnote-rise', action: 'image', quantity: 2 })),
    ];
    (pending as (() => void) | null)?.();
    const settled = await Promise.allSettled(calls);
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      expect((s as PromiseRejectedResult).reason).toBeInstanceOf(GroupCommitError);
      expect(((s as PromiseRejectedResult).reason as Error).message).toMatch(/could not commit this write \(.*FOREIGN KEY.*\); nothing of it was written/);
    }
    expect(snapshot(h.ctx)).toBe(base);
    // The writer goes on: the next group commits.
    const next = writer.submit(() => call(h.ctx, 'usage.record', { account: 'fluxnote-rise', action: 'video' }));
    (pending as (() => void) | null)?.();
    expect(await next).toMatchObject({ status: 'applied' });
  });

  it("keeps a group's savepoint journals in memory, and a call that changed more than SQLite would hold there before spilling still rolls back alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-gc-'));
    try {
      const ctx = openLedger(join(dir, 'ledger.sqlite'), { clock: new ManualClock(Date.parse('2026-11-10T09:00:00Z')), ids: seededIds(5) });
      call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise' });
      ctx.db.exec('CREATE TABLE gc_scratch (n INTEGER, pad TEXT)');
      const ins = ctx.db.prepare('INSERT INTO gc_scratch (n, pad) VALUES (?, ?)');
      ctx.db.transaction(() => {
        for (let i = 0; i < 400; i++) ins.run(i, 'x'.repeat(1000));
      })();
      expect(ctx.db.pragma('temp_store', { simple: true })).toBe(0);
      let pending: (() => void) | null = null;
      const writer = new GroupCommit(ctx, (fn) => void (pending = fn));
      expect(ctx.db.pragma('temp_store', { simple: true })).toBe(2);
      const rows = () => ctx.db.prepare('SELECT n, pad FROM gc_scratch ORDER BY n').all();
      const before = rows();
      // Every one of some 100 pages changed inside one call's savepoint — their old images, about 400 KiB, are its
      // journal (SQLite spills one past 64 KiB) — then the call fails.
      const big = () =>
        ctx.write(() => {
          ctx.db.prepare("UPDATE gc_scratch SET pad = replace(pad, 'x', 'y')").run();
          throw new Error('failed after writing');
        });
      const calls = [
        writer.submit(() => call(ctx, 'usage.record', { account: 'fluxnote-rise', action: 'video' })),
        writer.submit(big),
        writer.submit(() => call(ctx, 'usage.record', { account: 'fluxnote-rise', action: 'image' })),
      ];
      (pending as (() => void) | null)?.();
      const settled = await Promise.allSettled(calls);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(rows()).toEqual(before);
      expect(ctx.db.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 2 });
      ctx.db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('idle, a call runs alone at the next turn; a long queue is taken in groups of at most maxGroup', async () => {
    const h = setup(4);
    const turns: (() => void)[] = [];
    const writer = new GroupCommit(h.ctx, (fn) => void turns.push(fn), 5);
    const one = writer.submit(() => call(h.ctx, 'usage.record', { account: 'lux-free', action: 'ai:claude-sonnet', quantity: '1500' }));
    expect(turns).toHaveLength(1);
    turns.shift()!();
    await one;
    expect(writer.largest).toBe(1);
    const many = Array.from({ length: 12 }, () => writer.submit(() => call(h.ctx, 'usage.record', { account: 'fluxnote-rise', action: 'image' })));
    while (turns.length) turns.shift()!();
    await Promise.all(many);
    expect(writer.largest).toBe(5);
    expect(writer.groups).toBe(1 + 3);
  });
});
