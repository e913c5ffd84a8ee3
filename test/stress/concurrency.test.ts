/**
 * Issue 5, "Concurrency": eight processes record 5,000 usage events each on
 * one ledger file at the same time, with idempotency keys deliberately
 * repeated across processes, while a holds/captures mix runs and a scarce
 * pool is run down to zero. The eight:
 *
 *   cli-a, cli-b  the creditdeck command (a fresh process per call): 5 rounds
 *                 of `import` (996 JSONL lines, one transaction) + 4 `use`
 *   web           `creditdeck serve`, fed 5,000 `usage.record` POSTs, 4 in flight
 *   w1 … w4       in-process writers calling the API handler map (as the app does)
 *   holds         in-process: holds placed, captured against, released
 *
 * Every process keeps the acknowledgements it received. Afterwards: every
 * acknowledged event is in the ledger exactly once and nothing else is, a
 * repeated key was charged once, the totals equal what the acks predict to
 * the millicredit, no grant went below zero, every invariant holds, and no
 * process saw SQLITE_BUSY or any other failure.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { openLedger } from '../../main/core/api/open.js';
import { bundle } from './lib/bundle.js';
import type { Ack, Op, WriterJob } from './lib/ops.js';
import { killStarted, run, start, type Finished } from './lib/proc.js';
import { between, rng, seedFor, shuffle } from './lib/rng.js';
import { specOf } from './lib/spec.js';
import { ledgerProblems } from './lib/verify.js';

/** Events per process. $STRESS_EVENTS makes a smaller run for debugging; CI runs the 5,000. */
const EVENTS = Number(process.env.STRESS_EVENTS ?? 5000);
const SHARED_KEYS = Math.round(EVENTS * 0.12);
const WHO = ['cli-a', 'cli-b', 'web', 'w1', 'w2', 'w3', 'w4', 'holds'] as const;
type Who = (typeof WHO)[number];
const CLI_ROUNDS = 5;
const CLI_USES_PER_ROUND = 4;
const TIGHT_MC = 1000 * 1000; // Lux Free: 1,000 credits a month
const BIG_EXTRA = '5000000';

interface Item {
  account: string;
  key: string;
  action: string;
  quantity: string;
}

const item = (account: string, key: string): Item => {
  const s = specOf(key);
  return { account, key, action: s.action, quantity: s.quantity };
};

/**
 * Each process's 5,000 events, in order. Shared keys sit at about the same
 * place in every stream that has them, so they are sent at about the same
 * time by different processes.
 */
function streams(r: () => number, big: string, tight: string): Record<Who, Item[]> {
  const shared = new Map<Who, number[]>(WHO.map((w) => [w, []]));
  for (let j = 0; j < SHARED_KEYS; j++) {
    for (const w of shuffle(r, [...WHO]).slice(0, between(r, 2, 4))) shared.get(w)!.push(j);
  }
  const out = {} as Record<Who, Item[]>;
  for (const who of WHO) {
    const js = shared.get(who)!;
    const slots: { pos: number; shared: number | null }[] = js.map((j) => ({ pos: (j * EVENTS) / SHARED_KEYS + between(r, -10, 10), shared: j }));
    const unique = EVENTS - js.length;
    for (let i = 0; i < unique; i++) slots.push({ pos: (i * EVENTS) / unique, shared: null });
    slots.sort((a, b) => a.pos - b.pos);
    out[who] = slots.map((s, i) => {
      if (s.shared !== null) return item(big, `shared-${s.shared}`);
      const cliUse = who.startsWith('cli') && i % (EVENTS / CLI_ROUNDS) >= EVENTS / CLI_ROUNDS - CLI_USES_PER_ROUND;
      // The scarce pool: never in an import (one refused line rolls the whole file back).
      const toTight = who.startsWith('cli') ? cliUse && i % 2 === 0 : who !== 'holds' && r() < 0.1;
      return toTight ? { account: tight, key: `${who}-t${i}`, action: 'email', quantity: '1' } : item(big, `${who}-${i}`);
    });
  }
  return out;
}

/** The holds process: its unique events become captures in hold blocks (every 8th block on the scarce pool). */
function holdOps(r: () => number, items: Item[], big: string, tight: string): Op[] {
  const ops: Op[] = [];
  let ref = 0;
  let open: { ref: number; account: string; left: number } | null = null;
  for (const it of items) {
    if (it.key.startsWith('shared-')) {
      ops.push({ kind: 'use', ...it });
      continue;
    }
    if (!open) {
      ref++;
      const onTight = ref % 8 === 0;
      open = { ref, account: onTight ? tight : big, left: between(r, 5, 30) };
      ops.push({ kind: 'hold', ref, account: open.account, pool: 'credits', amount: String(onTight ? between(r, 3, 20) : between(r, 20, 200)), key: `holds-h${ref}` });
    }
    const s = specOf(it.key);
    ops.push({ kind: 'capture', ref: open.ref, account: open.account, key: it.key, action: s.action, quantity: s.quantity });
    if (--open.left === 0) {
      ops.push({ kind: 'release', ref: open.ref });
      open = null;
    }
  }
  if (open) ops.push({ kind: 'release', ref: open.ref });
  return ops;
}

const BUSY = /SQLITE_BUSY|database is locked/i;

describe('concurrency: eight processes, one ledger file', () => {
  test(
    '5,000 events each from the CLI, the web host and in-process writers: exact totals, every ack exactly once, no SQLITE_BUSY',
    async () => {
      const seed = seedFor('concurrency');
      const why = `seed ${seed} (replay: STRESS_SEED=${seed})`;
      const r = rng(seed);
      const dir = mkdtempSync(join(tmpdir(), 'creditdeck-concurrency-'));
      try {
        const bins = await bundle('concurrency', { writer: 'test/stress/children/writer.ts', cli: 'test/stress/children/cli.ts' });
        const file = join(dir, 'ledger.sqlite');
        let big: string;
        let tight: string;
        {
          const ctx = openLedger(file);
          big = call(ctx, 'accounts.add', { preset: 'lux', plan: 'pro', name: 'big' }).id;
          tight = call(ctx, 'accounts.add', { preset: 'lux', plan: 'free', name: 'tight' }).id;
          call(ctx, 'grants.add', { account: big, pool: 'credits', amount: BIG_EXTRA, source: 'manual', key: 'extra' });
          ctx.db.close();
        }
        const plan = streams(r, big, tight);
        const started = performance.now();
        const timing: Record<string, number> = {};
        const timed = async <T>(who: string, p: Promise<T>): Promise<T> => {
          const out = await p;
          timing[who] = Math.round(performance.now() - started);
          return out;
        };

        // In-process writers (w1…w4, holds).
        const writerJobs = (['w1', 'w2', 'w3', 'w4', 'holds'] as const).map((who) => {
          const ops: Op[] = who === 'holds' ? holdOps(r, plan.holds, big, tight) : plan[who].map((it) => ({ kind: 'use', ...it }));
          const job: WriterJob = { file, who, ops, acks: join(dir, `${who}.acks.jsonl`) };
          const path = join(dir, `${who}.job.json`);
          writeFileSync(path, JSON.stringify(job));
          return { who, job, run: timed(who, run(bins.writer!, [path])) };
        });

        // The CLI: each call its own process.
        const cliErrors: string[] = [];
        const cliDriver = async (who: 'cli-a' | 'cli-b'): Promise<Ack[]> => {
          const acks: Ack[] = [];
          const items = plan[who];
          const per = EVENTS / CLI_ROUNDS;
          for (let round = 0; round < CLI_ROUNDS; round++) {
            const lines = items.slice(round * per, round * per + per - CLI_USES_PER_ROUND);
            const path = join(dir, `${who}-${round}.jsonl`);
            writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
            const res = await run(bins.cli!, ['--db', file, '--json', 'import', path]);
            if (res.code !== 0) cliErrors.push(`${who} import ${round}: exit ${res.code} ${res.err}`);
            else {
              const j = JSON.parse(res.out) as { lines: number; applied: number; duplicate: number };
              acks.push({ who, kind: 'import', status: 'applied', keys: lines.map((l) => l.key), applied: j.applied, duplicates: j.duplicate });
            }
            for (const it of items.slice(round * per + per - CLI_USES_PER_ROUND, round * per + per)) {
              const u = await run(bins.cli!, ['--db', file, '--json', 'use', it.account, it.action, it.quantity, '--key', it.key]);
              const base = { who, kind: 'use' as const, account: it.account, key: it.key };
              if (u.code === 0) {
                const j = JSON.parse(u.out) as { status: string; eventId: string; credits: number };
                acks.push({ ...base, status: j.status === 'duplicate' ? 'duplicate' : 'applied', eventId: j.eventId, credits: j.credits });
              } else if (u.code === 3) acks.push({ ...base, status: 'refused', reason: (JSON.parse(u.out) as { error: { reason: string } }).error.reason });
              else cliErrors.push(`${who} use ${it.key}: exit ${u.code} ${u.err}`);
              if (u.err && u.code !== 3) cliErrors.push(`${who} use ${it.key} stderr: ${u.err}`);
              if (BUSY.test(u.err)) cliErrors.push(`${who} use ${it.key}: ${u.err}`);
            }
          }
          return acks;
        };

        // The web host, fed over HTTP with four requests in flight.
        const host = start(bins.cli!, ['--db', file, 'serve', '--port', '0']);
        const url = await new Promise<string>((resolve, reject) => {
          host.onLine((line) => {
            const m = /running at (http:\/\/\S+)/.exec(line);
            if (m) resolve(m[1]!);
          });
          void host.done.then((f) => reject(new Error(`the web host exited early: ${f.code} ${f.err}`)));
        });
        const webErrors: string[] = [];
        const feedWeb = async (): Promise<Ack[]> => {
          const items = plan.web;
          const acks: Ack[] = new Array(items.length);
          let next = 0;
          const lane = async () => {
            while (next < items.length) {
              const i = next++;
              const it = items[i]!;
              let res: Response;
              try {
                res = await fetch(`${url}/api/usage.record`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(it) });
              } catch (e) {
                webErrors.push(`${it.key}: ${String(e)} ${String((e as { cause?: unknown }).cause)} at ${Math.round(performance.now() - started)} ms; host alive: ${host.proc.exitCode === null}; host stderr: ${host.err()}`);
                acks[i] = { who: 'web', kind: 'use', account: it.account, key: it.key, status: 'error' };
                continue;
              }
              const env = (await res.json()) as { ok: boolean; result?: { status: string; eventId: string; credits: number }; error?: { code: string; reason?: string; message: string } };
              const base = { who: 'web', kind: 'use' as const, account: it.account, key: it.key };
              if (res.status === 200 && env.ok) acks[i] = { ...base, status: env.result!.status === 'duplicate' ? 'duplicate' : 'applied', eventId: env.result!.eventId, credits: env.result!.credits };
              else if (res.status === 409) acks[i] = { ...base, status: 'refused', reason: env.error!.reason! };
              else {
                webErrors.push(`${it.key}: HTTP ${res.status} ${JSON.stringify(env.error)}`);
                acks[i] = { ...base, status: 'error', message: env.error?.message ?? '' };
              }
            }
          };
          await Promise.all([lane(), lane(), lane(), lane()]);
          return acks;
        };

        const [cliA, cliB, web, ...writers] = await Promise.all([
          timed('cli-a', cliDriver('cli-a')),
          timed('cli-b', cliDriver('cli-b')),
          timed('web', feedWeb()),
          ...writerJobs.map((w) => w.run),
        ]);
        const wall = Math.round(performance.now() - started);
        const walBytes = existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0;
        process.stderr.write(`[stress] concurrency: all writers done in ${wall} ms: ${JSON.stringify(timing)}; WAL ${walBytes} bytes\n`);
        host.proc.kill('SIGTERM');
        const hostEnd = await host.done;

        // No process failed, and none saw SQLITE_BUSY.
        expect(cliErrors, why).toEqual([]);
        expect(webErrors, why).toEqual([]);
        const hostLog = hostEnd.err.split('\n').filter((l) => l && !/^note: the app is not built|^Press Ctrl-C/.test(l));
        expect(hostLog, why).toEqual([]);
        expect(hostEnd.code, why).toBe(0);
        writers.forEach((w: Finished, i) => {
          expect(w.err, `${writerJobs[i]!.who}: ${why}`).toBe('');
          expect(w.code, `${writerJobs[i]!.who}: ${why}`).toBe(0);
        });
        for (const f of [hostEnd.err, ...writers.map((w: Finished) => w.err)]) expect(f, why).not.toMatch(BUSY);

        const acks: Ack[] = [...cliA, ...cliB, ...web];
        for (const w of writerJobs) acks.push(...readFileSync(w.job.acks, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Ack));
        expect(acks.filter((a) => a.status === 'error' || a.status === 'invalid'), why).toEqual([]);

        // Events sent: 5,000 per process (an import line counts as one).
        const sent: Record<string, number> = {};
        for (const a of acks) {
          if (a.kind === 'import') sent[a.who] = (sent[a.who] ?? 0) + a.keys!.length;
          else if (a.kind === 'use' || a.kind === 'capture') sent[a.who] = (sent[a.who] ?? 0) + 1;
        }
        expect(sent, why).toEqual(Object.fromEntries(WHO.map((w) => [w, EVENTS])));

        const ctx = openLedger(file);
        try {
          const checkStart = performance.now();
          expect(ledgerProblems(ctx), why).toEqual([]);
          process.stderr.write(`[stress] concurrency: integrity, invariants and structure checked in ${Math.round(performance.now() - checkStart)} ms\n`);
          const events = ctx.db.prepare('SELECT id, key, account_id, cost_mc, hold_id FROM events').all() as { id: string; key: string; account_id: string; cost_mc: number; hold_id: string | null }[];
          const byKey = new Map(events.map((e) => [e.key, e]));
          expect(byKey.size, `one event per key: ${why}`).toBe(events.length);

          // Every acknowledged event is there, once, with the id and cost it was acknowledged with.
          const acked = new Set<string>();
          let appliedAcks = 0;
          let duplicateAcks = 0;
          const appliedPerKey = new Map<string, number>();
          const refused: Ack[] = [];
          for (const a of acks) {
            if (a.kind === 'import') {
              for (const k of a.keys!) acked.add(k);
              appliedAcks += a.applied!;
              duplicateAcks += a.duplicates!;
              continue;
            }
            if (a.kind !== 'use' && a.kind !== 'capture') continue;
            if (a.status === 'refused') {
              refused.push(a);
              expect(byKey.has(a.key!), `refused ${a.key} is not in the ledger: ${why}`).toBe(false);
              continue;
            }
            const e = byKey.get(a.key!);
            expect(e, `acked ${a.key} (${a.who}) is in the ledger: ${why}`).toBeDefined();
            expect([e!.id, e!.account_id, e!.cost_mc], `${a.key}: ${why}`).toEqual([a.eventId, a.account, Math.round(a.credits! * 1000)]);
            acked.add(a.key!);
            if (a.status === 'applied') {
              appliedAcks++;
              appliedPerKey.set(a.key!, (appliedPerKey.get(a.key!) ?? 0) + 1);
            } else duplicateAcks++;
          }
          expect([...appliedPerKey].filter(([, n]) => n > 1), `charged more than once: ${why}`).toEqual([]);
          // Nothing in the ledger that nobody was told about, and nothing missing.
          expect(events.filter((e) => !acked.has(e.key)).map((e) => e.key), why).toEqual([]);
          expect(acked.size, why).toBe(events.length);
          // Each key charged once: first sightings are 'applied', every repeat a 'duplicate'.
          const totalSent = Object.values(sent).reduce((x, y) => x + y, 0);
          expect(appliedAcks, why).toBe(events.length);
          expect(duplicateAcks, why).toBe(totalSent - refused.length - events.length);
          // Shared keys: every one was sent by 2–4 processes and is one event.
          const sharedEvents = events.filter((e) => e.key.startsWith('shared-'));
          expect(sharedEvents.length, why).toBe(SHARED_KEYS);

          // Totals, exact to the millicredit, from the acks' keys alone (the price comes from the key, not the ledger).
          const expectedUse = (account: string) =>
            [...acked].filter((k) => byKey.get(k)!.account_id === account).reduce((s, k) => s + (byKey.get(k)!.account_id === tight && !k.startsWith('holds-') ? 1000 : specOf(k).costMc), 0);
          const sums = (account: string) =>
            ctx.db.prepare('SELECT SUM(b.remaining_mc) AS remaining, SUM(b.used_mc) AS used, SUM(g.amount_mc) AS granted, SUM(b.expired_mc) AS expired, MIN(b.remaining_mc) AS low FROM grants g JOIN grant_balances b ON b.grant_id = g.id WHERE g.account_id = ?').get(account) as {
              remaining: number;
              used: number;
              granted: number;
              expired: number;
              low: number;
            };
          const bigUse = expectedUse(big);
          const tightUse = expectedUse(tight);
          const b = sums(big);
          const t = sums(tight);
          expect([b.granted, b.used, b.remaining, b.expired], why).toEqual([100_000_000 + Number(BIG_EXTRA) * 1000, bigUse, 100_000_000 + Number(BIG_EXTRA) * 1000 - bigUse, 0]);
          expect([t.granted, t.used, t.remaining, t.expired], why).toEqual([TIGHT_MC, tightUse, TIGHT_MC - tightUse, 0]);
          expect(Math.min(b.low, t.low), why).toBeGreaterThanOrEqual(0);
          const usage = ctx.db.prepare('SELECT account_id, SUM(used_mc) AS used, SUM(events) AS n FROM period_usage GROUP BY account_id ORDER BY account_id').all();
          const count = (account: string) => events.filter((e) => e.account_id === account).length;
          expect(usage, why).toEqual(
            [
              { account_id: big, used: bigUse, n: count(big) },
              { account_id: tight, used: tightUse, n: count(tight) },
            ].sort((x, y) => (x.account_id < y.account_id ? -1 : 1)),
          );
          const balance = call(ctx, 'balance.get', { account: tight }).pools[0]!;
          expect(Math.round(balance.remaining! * 1000), why).toBe(TIGHT_MC - tightUse);

          // The scarce pool ran out: refusals happened, each recorded, none on the big pool.
          if (EVENTS >= 5000) expect(refused.length, why).toBeGreaterThan(0);
          const holdRefusals = acks.filter((a) => a.kind === 'hold' && a.status === 'refused').length;
          expect(ctx.db.prepare('SELECT account_id, COUNT(*) AS n FROM refusals GROUP BY account_id').all(), why).toEqual(
            refused.length + holdRefusals ? [{ account_id: tight, n: refused.length + holdRefusals }] : [],
          );
          if (EVENTS >= 5000) expect(TIGHT_MC - tightUse, `the scarce pool was run down: ${why}`).toBeLessThan(30_000);

          // Holds: every capture moved exactly what the acks predict; every hold was released with the rest.
          const holdAcks = acks.filter((a) => a.who === 'holds');
          const placed = holdAcks.filter((a) => a.kind === 'hold' && a.status === 'placed');
          expect(placed.length, why).toBeGreaterThan(EVENTS / 50);
          for (const h of placed) {
            let outstanding = Math.round(h.credits! * 1000);
            const expected: [string, number, string | null][] = [];
            for (const a of holdAcks) {
              if (a.holdId !== h.holdId) continue;
              if (a.kind === 'capture' && a.status === 'applied') {
                const captured = Math.min(Math.round(a.credits! * 1000), outstanding);
                outstanding -= captured;
                expected.push(['capture', captured, a.eventId!]);
              } else if (a.kind === 'release') expected.push(['release', outstanding, null]);
            }
            const moves = ctx.db.prepare('SELECT kind, amount_mc, event_id FROM hold_moves WHERE hold_id = ? ORDER BY id').all(h.holdId).map((m) => Object.values(m as object));
            expect(moves, `hold ${h.holdId}: ${why}`).toEqual(expected);
            expect(ctx.db.prepare('SELECT status, outstanding_mc FROM hold_balances WHERE hold_id = ?').get(h.holdId), why).toEqual({ status: 'released', outstanding_mc: 0 });
          }

          const holdCount = placed.length;
          const captures = holdAcks.filter((a) => a.kind === 'capture' && a.status === 'applied').length;
          process.stderr.write(
            `[stress] concurrency: ${totalSent} events sent by ${WHO.length} processes in ${wall} ms (${JSON.stringify(timing)}); ` +
              `${events.length} in the ledger, ${duplicateAcks} duplicates, ${refused.length} refused (+${holdRefusals} holds), ${holdCount} holds, ${captures} captures\n`,
          );
        } finally {
          ctx.db.close();
        }
      } finally {
        killStarted();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    600_000,
  );
});
