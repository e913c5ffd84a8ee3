/**
 * `usage.record` calls that share a group of the host's writer
 * (ledger/group-commit.ts), recorded together as a team push records its
 * entries (issue 16): one UsageBatch for them all (summaries moved once,
 * events and entries many to an INSERT), and on a team ledger each call as
 * its caller through CallAsMany, the audit chain's end carried in memory
 * across callers. Each call gets the answer or error, and leaves the rows,
 * it would alone (test/api/record-many.test.ts, a property test against the
 * same calls committed one by one). An error no single call would answer
 * with — anything but a refusal, a forbidden call or bad input — throws, and
 * the writer records each call alone instead.
 */
import type { Ctx } from '../ledger/context.js';
import type { Batchable, Outcome } from '../ledger/group-commit.js';
import { ROWS_PER_INSERT, UsageBatch } from '../ledger/usage-batch.js';
import { AuditChain } from '../team/audit.js';
import { CallAsMany } from '../team/call-as-many.js';
import { callAs } from '../team/call-as.js';
import { ForbiddenError, type Caller } from '../team/types.js';
import { InputError, RefusedError } from '../util/errors.js';
import { call, type Services } from './handlers.js';

export interface RecordItem {
  /** Who calls, on a team host (the access table, attribution, caps, audit); null on a local ledger's host. */
  caller: Caller | null;
  input: unknown;
  services?: Services;
}

/** Errors a call answers with on its own, having written nothing (or only a refusal's record, which stays). */
function ownError(e: unknown): boolean {
  return e instanceof RefusedError || e instanceof InputError || e instanceof ForbiddenError;
}

export class RecordMany implements Batchable<RecordItem> {
  constructor(private readonly ctx: Ctx) {}

  /** Inside the writer's savepoint for the run. */
  runAll(items: readonly RecordItem[]): Outcome[] {
    const ctx = this.ctx;
    const usageBatch = new UsageBatch(ctx, { rows: ROWS_PER_INSERT });
    const chain = new AuditChain(ctx);
    const out = items.map((it): Outcome => {
      try {
        const services: Services = { ...it.services, usageBatch };
        if (it.caller === null) return { ok: true, value: call(ctx, 'usage.record', it.input, services) };
        const input = it.input;
        if (input === null || typeof input !== 'object' || Array.isArray(input)) {
          // callAs says what is wrong with it, and appends its audit rows its own way.
          chain.forget();
          try {
            return { ok: true, value: callAs(ctx, it.caller, 'usage.record', input, services) };
          } finally {
            chain.forget();
          }
        }
        return { ok: true, value: new CallAsMany(ctx, it.caller, chain).call('usage.record', input as Record<string, unknown>, { ...services, caller: it.caller }) };
      } catch (error) {
        if (ownError(error)) return { ok: false, error };
        throw error;
      }
    });
    usageBatch.flush();
    chain.write();
    return out;
  }
}

const byCtx = new WeakMap<Ctx, RecordMany>();

/** The ledger's one RecordMany: the writer batches consecutive jobs with the same one. */
export function recordMany(ctx: Ctx): RecordMany {
  let r = byCtx.get(ctx);
  if (r === undefined) byCtx.set(ctx, (r = new RecordMany(ctx)));
  return r;
}
