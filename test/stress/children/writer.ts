/**
 * A concurrency writer: one process calling the API handler map directly (as
 * the desktop app does) on a shared ledger file. Runs the ops of its job in
 * order, records what each call acknowledged, and writes the acks to a file.
 * Anything other than a result, a refusal or an input error is an error: it
 * goes to stderr and the exit code (the test asserts there are none, and no
 * SQLITE_BUSY in particular).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { call } from '../../../main/core/api/handlers.js';
import { openLedger } from '../../../main/core/api/open.js';
import { InputError, RefusedError } from '../../../main/core/util/errors.js';
import type { Ack, Op, WriterJob } from '../lib/ops.js';

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as WriterJob;
const ctx = openLedger(job.file);
const acks: Ack[] = [];
const holds = new Map<number, string | null>();
let failures = 0;

function attempt(op: Op, base: Partial<Ack>, fn: () => Partial<Ack>): void {
  try {
    acks.push({ who: job.who, kind: op.kind, ...base, ...fn() } as Ack);
  } catch (e) {
    if (e instanceof RefusedError) acks.push({ who: job.who, kind: op.kind, ...base, status: 'refused', reason: e.reason } as Ack);
    else if (e instanceof InputError) acks.push({ who: job.who, kind: op.kind, ...base, status: 'invalid', message: e.message } as Ack);
    else {
      failures++;
      const err = e as { code?: string; message?: string };
      process.stderr.write(`writer ${job.who}: ${op.kind} ${'key' in op ? op.key : ''} failed: ${err.code ?? ''} ${err.message ?? String(e)}\n`);
      acks.push({ who: job.who, kind: op.kind, ...base, status: 'error', message: `${err.code ?? ''} ${err.message ?? String(e)}` } as Ack);
    }
  }
}

const t0 = performance.now();
for (const op of job.ops) {
  switch (op.kind) {
    case 'use':
      attempt(op, { account: op.account, key: op.key }, () => {
        const r = call(ctx, 'usage.record', { account: op.account, action: op.action, quantity: op.quantity, key: op.key });
        return { status: r.status === 'duplicate' ? 'duplicate' : 'applied', eventId: r.eventId, credits: r.credits, ...(r.originalStatus ? { originalStatus: r.originalStatus } : {}) };
      });
      break;
    case 'hold':
      holds.set(op.ref, null);
      attempt(op, { account: op.account, key: op.key, ref: op.ref }, () => {
        const h = call(ctx, 'holds.place', { account: op.account, pool: op.pool, amount: op.amount, key: op.key });
        holds.set(op.ref, h.holdId);
        return { status: 'placed', holdId: h.holdId, credits: h.credits };
      });
      break;
    case 'capture': {
      const holdId = holds.get(op.ref) ?? null;
      attempt(op, { account: op.account, key: op.key, ref: op.ref, ...(holdId === null ? { unheld: true } : { holdId }) }, () => {
        const r =
          holdId === null
            ? call(ctx, 'usage.record', { account: op.account, action: op.action, quantity: op.quantity, key: op.key })
            : call(ctx, 'holds.capture', { hold: holdId, action: op.action, quantity: op.quantity, key: op.key });
        return { status: r.status === 'duplicate' ? 'duplicate' : 'applied', eventId: r.eventId, credits: r.credits };
      });
      break;
    }
    case 'release': {
      const holdId = holds.get(op.ref) ?? null;
      if (holdId === null) acks.push({ who: job.who, kind: 'release', ref: op.ref, status: 'skipped' });
      else
        attempt(op, { ref: op.ref, holdId }, () => {
          const v = call(ctx, 'holds.release', { hold: holdId });
          if (v.status !== 'released') throw new Error(`release of ${holdId} left it ${v.status}`);
          return { status: 'released' };
        });
      break;
    }
  }
}
const ms = performance.now() - t0;
ctx.db.close();
writeFileSync(job.acks, acks.map((a) => JSON.stringify(a)).join('\n') + '\n');
process.stdout.write(JSON.stringify({ who: job.who, ops: job.ops.length, ms: Math.round(ms), failures }) + '\n');
process.exitCode = failures ? 1 : 0;
