/**
 * callAs for the many entries of one team push (issue 16): each entry gets the
 * decisions, rows and answer callAs would give it alone (a push's entry no
 * audit row: Services.inPush, the push's own row lists it), but what repeats is
 * done once per push — the access decision for the call, a scoped token's
 * account check per account and action, the input parsed once (not in
 * prepare() and again by the handler), the audit chain's end read once and
 * carried in memory, its rows inserted many at a time (AuditChain). An entry the shortcut does not cover — a
 * forbidden caller, someone else named, input the schema refuses, a token
 * limit it breaks — goes through callAs itself, so its error, message and
 * audit row are callAs's own (test/team/call-as-many.test.ts compares them).
 * One per push, inside its transaction: while it is in use nothing else may
 * append audit rows but the callAs it calls itself.
 */
import { handlers, parseInput, type HandlerName, type Services } from '../api/handlers.js';
import type { Ctx } from '../ledger/context.js';
import { RefusedError } from '../util/errors.js';
import { decide, type AccessRule } from './access.js';
import { AuditChain } from './audit.js';
import { callAs, checkLimits } from './call-as.js';
import { ForbiddenError, type Caller } from './types.js';

type Input = Record<string, unknown>;

interface Handler {
  run: (ctx: Ctx, i: unknown, s?: Services) => unknown;
}

export class CallAsMany {
  private readonly chain: AuditChain;
  /** Per call: its rule, or null when the caller may not make it (callAs then says why and audits it). */
  private readonly rules = new Map<string, AccessRule | null>();
  /** Account and action pairs a limited token may spend on (checkLimits passed). */
  private readonly within = new Set<string>();
  private readonly limited: boolean;

  /** `chain`: one shared by the CallAsMany of several callers in one transaction (api/record-many.ts), which then writes it. */
  constructor(
    private readonly ctx: Ctx,
    private readonly caller: Caller,
    chain?: AuditChain,
  ) {
    this.chain = chain ?? new AuditChain(ctx);
    this.limited = caller.accounts !== null || caller.pools !== null;
  }

  /** callAs(ctx, caller, name, input, services): the same outcome, rows and audit row. `services` is the caller's to reuse. */
  call(name: 'usage.record', input: Input, services: Services): unknown {
    const rule = this.rule(name);
    const member = input.member;
    // Attribution as callAs does it: the caller's own usage; naming anyone else is callAs's to decide.
    if (rule === null || !rule.write || (member !== undefined && member !== this.caller.member)) return this.alone(name, input, services);
    const run = member === undefined ? { ...input, member: this.caller.member } : input;
    const h = handlers[name] as unknown as Handler;
    const parsed = parseInput(name, run);
    if (!parsed.success || !this.inLimits(name, parsed.data as Input, rule)) return this.alone(name, input, services);
    const s = services.caller === this.caller ? services : { ...services, caller: this.caller };
    // As callAs: the change and its audit row together (none for a push's entry: the push's row lists it); a refusal
    // (recorded by the ledger) is kept and audited, then thrown.
    const audited = services.inPush !== true;
    let outcome: { ok: unknown } | { failed: unknown };
    try {
      outcome = this.ctx.write(() => {
        try {
          const ok = h.run(this.ctx, parsed.data, s);
          if (audited) this.audit(name, run, 'ok');
          return { ok };
        } catch (e) {
          if (!(e instanceof RefusedError)) throw e;
          if (audited) this.audit(name, run, `refused:${e.reason}`);
          return { failed: e };
        }
      });
    } catch (e) {
      if (e instanceof ForbiddenError && audited) this.audit(name, run, 'forbidden');
      throw e;
    }
    if ('failed' in outcome) throw outcome.failed;
    return outcome.ok;
  }

  private rule(name: HandlerName): AccessRule | null {
    let r = this.rules.get(name);
    if (r === undefined) {
      try {
        r = decide(this.caller, name);
      } catch (e) {
        if (!(e instanceof ForbiddenError)) throw e;
        r = null;
      }
      this.rules.set(name, r);
    }
    return r;
  }

  /** A scoped token's accounts and pools, checked once per account and action: false sends the entry to callAs, which says why. */
  private inLimits(name: HandlerName, input: Input, rule: AccessRule): boolean {
    if (!this.limited) return true;
    const k = JSON.stringify([input.account, input.action]);
    if (this.within.has(k)) return true;
    try {
      checkLimits(this.ctx, this.caller, name, input, rule);
    } catch (e) {
      if (e instanceof ForbiddenError) return false;
      throw e;
    }
    this.within.add(k);
    return true;
  }

  /** Insert the audit rows still staged: before anything else appends to the log (the push's own row). */
  finish(): void {
    this.chain.write();
  }

  private audit(name: string, args: Input, result: string): void {
    this.chain.stage({ member: this.caller.member, tokenId: this.caller.tokenId, address: this.caller.address, call: name, args, result });
  }

  /** The entry through callAs itself: it appends its audit rows its own way, after those staged, and the chain's end is read again after it. */
  private alone(name: HandlerName, input: Input, services: Services): unknown {
    this.chain.forget();
    try {
      return callAs(this.ctx, this.caller, name, input, services);
    } finally {
      this.chain.forget();
    }
  }
}
