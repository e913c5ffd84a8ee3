/**
 * The one path for an authenticated call on a team ledger:
 *   1. decide(): the caller's role and scopes allow the call (access.ts);
 *   2. attribution: usage is the caller's own unless an owner or admin names
 *      someone else (and the audit row says so);
 *   3. a scoped token's accounts and pools;
 *   4. the handler, with the caller in Services (caps are checked inside the
 *      usage transaction: caps.ts);
 *   5. an audit row for every call that changes something, in the same
 *      transaction as the change where the call allows it.
 */
import { call, callAsync, handlers, isAsyncCall, parseInput, type HandlerName, type HandlerOutput, type Services } from '../api/handlers.js';
import { getAccount } from '../ledger/accounts.js';
import type { Ctx } from '../ledger/context.js';
import { InputError, RefusedError } from '../util/errors.js';
import { accessRule, decide, type AccessRule } from './access.js';
import { appendAudit } from './audit.js';
import { pushAudit } from './push-audit.js';
import { atLeast } from './people.js';
import { ForbiddenError, type Caller } from './types.js';

/** Calls whose member defaults to the caller, and which a member may only make as themself. */
const ATTRIBUTED: ReadonlySet<string> = new Set(['usage.record', 'holds.capture', 'agents.check']);

/** Calls that touch no account's data: a token limited to some accounts may still make them. */
const ACCOUNT_FREE: ReadonlySet<string> = new Set(['presets.list', 'presets.show', 'calc', 'team.whoami']);

/** Calls that, naming no account, answer only the accounts the caller may read (api/vendors.ts filters): a limited token may make them. */
const SELF_FILTERED: ReadonlySet<string> = new Set(['usage.fluximage', 'balance.readable']);

/**
 * Calls audited after they commit, not inside their transaction: backups and
 * exports cannot run inside one (VACUUM INTO, their own snapshot), and import
 * throws its refusal inside its transaction so that nothing is imported.
 */
const OWN_TRANSACTION: ReadonlySet<string> = new Set(['data.backup', 'data.export', 'import']);

type Input = Record<string, unknown>;

/** What the audit row keeps of a call whose input is bulk: given its answer too once it has run (a push's row lists its entries and their answers). */
const AUDIT_SUMMARY: Readonly<Record<string, (input: Input, output?: unknown) => Input>> = {
  'team.push': pushAudit,
};

/** The input as the handler will see it, or null when it will not pass the handler's schema (the handler then says why). */
function parsed(name: HandlerName, input: unknown): Input | null {
  const r = parseInput(name, input ?? {});
  return r.success && r.data !== null && typeof r.data === 'object' ? (r.data as Input) : null;
}

/** The member the call is recorded for; a member naming someone else is refused. Returns the input to run. */
function attribute(caller: Caller, name: string, input: Input): { input: Input; onBehalfOf: string | null } {
  if (!ATTRIBUTED.has(name)) return { input, onBehalfOf: null };
  const named = input.member;
  if (named === undefined || named === null || named === '') return { input: { ...input, member: caller.member }, onBehalfOf: null };
  if (named === caller.member) return { input, onBehalfOf: null };
  if (!atLeast(caller.role, 'admin')) throw new ForbiddenError(`${name} for another member (${String(named).slice(0, 64)}) needs role admin; a ${caller.role} records as themself`);
  return { input, onBehalfOf: String(named) };
}

/** The account and pool a call touches, as far as its input says; null account: none named. */
function target(ctx: Ctx, name: string, input: Input): { account: string | null; pool: string | null } {
  const row = (sql: string, id: unknown) => (typeof id === 'string' ? (ctx.stmt(sql).get(id) as { account_id: string; pool: string } | undefined) : undefined);
  if (name === 'holds.capture' || name === 'holds.release') {
    const h = row('SELECT account_id, pool FROM holds WHERE id = ?', input.hold);
    return { account: h?.account_id ?? null, pool: h?.pool ?? null };
  }
  if (typeof input.account !== 'string') return { account: null, pool: null };
  let account: string;
  try {
    account = getAccount(ctx, input.account).id;
  } catch {
    return { account: input.account, pool: null };
  }
  if (typeof input.pool === 'string') return { account, pool: input.pool };
  if (name === 'usage.record' && typeof input.action === 'string') {
    const a = ctx.stmt('SELECT pool FROM actions WHERE account_id = ? AND id = ?').get(account, input.action) as { pool: string } | undefined;
    return { account, pool: a?.pool ?? null };
  }
  return { account, pool: null };
}

/** A scoped token's accounts and pools: the call must stay inside them. */
export function checkLimits(ctx: Ctx, caller: Caller, name: string, input: Input, rule: AccessRule): void {
  if (caller.accounts === null && caller.pools === null) return;
  if (ACCOUNT_FREE.has(name)) return;
  const { account, pool } = target(ctx, name, input);
  const poolAccounts = caller.pools?.map((p) => p.slice(0, p.indexOf('/')));
  const allowed = [...(caller.accounts ?? []), ...(poolAccounts ?? [])];
  const limits = [...(caller.accounts ?? []), ...(caller.pools ?? [])].join(', ');
  if (account === null && SELF_FILTERED.has(name)) return;
  if (account === null) throw new ForbiddenError(`${name} reads every account; this token is limited to ${limits}: name an account`);
  if (!allowed.includes(account)) throw new ForbiddenError(`this token is limited to ${limits}; ${name} on ${account.slice(0, 64)} needs a token for that account`);
  // A pools limit narrows what the token may spend or reserve on an account; reading it is an account matter.
  if (rule.write && caller.pools !== null && !(caller.accounts ?? []).includes(account)) {
    if (pool === null || !caller.pools.includes(`${account}/${pool}`)) throw new ForbiddenError(`this token may only spend from ${caller.pools.join(', ')}; ${name} on ${account}${pool ? `/${pool}` : ''} is outside them`);
  }
}

interface Prepared {
  rule: AccessRule;
  input: Input | unknown;
  /** The input as the handler's schema gave it, when the handler runs on exactly what was parsed: not parsed again. */
  parsed: Input | null;
  audit: Input | unknown;
  services: Services;
}

function prepare(ctx: Ctx, caller: Caller, name: HandlerName, input: unknown, services: Services | undefined): Prepared {
  const rule = decide(caller, name);
  const own = ownUsage(ctx, caller, name, input, rule);
  if (own !== null) return { ...own, services: { ...services, caller } };
  const p = parsed(name, input);
  let run: Input | unknown = input;
  let audit: Input | unknown = input;
  let ready: Input | null = null;
  if (p !== null) {
    const a = attribute(caller, name, (input ?? {}) as Input);
    checkLimits(ctx, caller, name, { ...p, ...(a.input.member !== undefined ? { member: a.input.member } : {}) }, rule);
    run = a.input;
    audit = a.onBehalfOf === null ? a.input : { ...a.input, onBehalfOf: a.onBehalfOf };
    if (Object.hasOwn(AUDIT_SUMMARY, name)) audit = AUDIT_SUMMARY[name]!(a.input);
    if (a.input === input) ready = p;
  }
  return { rule, input: run, parsed: ready, audit, services: { ...services, caller } };
}

/**
 * The common case of an attributed call — the caller's own usage, no member
 * named — prepared with one parse: the input with the caller as its member is
 * what the handler runs on and what the audit row keeps. Null when the input
 * is not that, or does not pass the schema (prepare() then takes its usual
 * way, so the error is the one it always was).
 */
function ownUsage(ctx: Ctx, caller: Caller, name: HandlerName, input: unknown, rule: AccessRule): Omit<Prepared, 'services'> | null {
  if (!ATTRIBUTED.has(name) || input === null || typeof input !== 'object' || Array.isArray(input) || (input as Input).member !== undefined) return null;
  const run = attribute(caller, name, input as Input).input;
  const p = parsed(name, run);
  if (p === null) return null;
  checkLimits(ctx, caller, name, p, rule);
  return { rule, input: run, parsed: p, audit: run };
}

/** The handler on the prepared input: call() parses it again unless prepare() already parsed exactly it (a team push's 500 entries). */
function exec<N extends HandlerName>(ctx: Ctx, name: N, p: Prepared): HandlerOutput<N> {
  if (p.parsed === null) return call(ctx, name, p.input, p.services);
  const h = handlers[name] as unknown as { run: (ctx: Ctx, i: unknown, s?: Services) => HandlerOutput<N> };
  return h.run(ctx, p.parsed, p.services);
}

/** No row for a push's entry (Services.inPush): the push's own row lists it with its answer. */
function auditRow(ctx: Ctx, caller: Caller, name: string, args: unknown, result: string, services: Services | undefined): void {
  if (services?.inPush === true) return;
  appendAudit(ctx, { member: caller.member, tokenId: caller.tokenId, address: caller.address, call: name, args, result });
}

function resultOf(e: unknown): string | null {
  if (e instanceof RefusedError) return `refused:${e.reason}`;
  if (e instanceof ForbiddenError) return 'forbidden';
  return null;
}

/** A forbidden attempt at a call that would change something is worth a row too. */
function auditForbidden(ctx: Ctx, caller: Caller, name: string, input: unknown, e: unknown, services: Services | undefined): void {
  const rule = accessRule(name);
  if (e instanceof ForbiddenError && (rule === null || rule.write)) auditRow(ctx, caller, name, input, 'forbidden', services);
}

/** prepare(), with a refused attempt at a write audited before it is thrown. */
function prepareOrAudit(ctx: Ctx, caller: Caller, name: HandlerName, input: unknown, services: Services | undefined): Prepared {
  try {
    return prepare(ctx, caller, name, input, services);
  } catch (e) {
    auditForbidden(ctx, caller, name, input, e, services);
    throw e;
  }
}

/** Run a synchronous call as `caller`. Throws ForbiddenError, InputError, RefusedError like the handler. */
export function callAs<N extends HandlerName>(ctx: Ctx, caller: Caller, name: N, input: unknown, services?: Services): HandlerOutput<N> {
  if (isAsyncCall(name)) throw new InputError(`"${name}" answers asynchronously; call it with callAsAsync`, 'call');
  const p = prepareOrAudit(ctx, caller, name, input, services);
  if (!p.rule.write) return exec(ctx, name, p);
  if (OWN_TRANSACTION.has(name)) {
    const out = exec(ctx, name, p);
    auditRow(ctx, caller, name, p.audit, 'ok', services);
    return out;
  }
  // The change and its audit row commit together; a refusal (recorded by the ledger) is kept and audited, then thrown.
  let outcome: { ok: HandlerOutput<N> } | { failed: unknown };
  try {
    outcome = ctx.write(() => {
      try {
        const ok = exec(ctx, name, p);
        auditRow(ctx, caller, name, Object.hasOwn(AUDIT_SUMMARY, name) ? AUDIT_SUMMARY[name]!((p.parsed ?? p.input) as Input, ok) : p.audit, 'ok', services);
        return { ok };
      } catch (e) {
        if (!(e instanceof RefusedError)) throw e;
        auditRow(ctx, caller, name, p.audit, resultOf(e)!, services);
        return { failed: e };
      }
    });
  } catch (e) {
    auditForbidden(ctx, caller, name, p.audit, e, services);
    throw e;
  }
  if ('failed' in outcome) throw outcome.failed;
  return outcome.ok;
}

/** Any call as `caller`, awaited (the purchase calls that talk to Stripe). Their audit row follows the call. */
export async function callAsAsync<N extends HandlerName>(ctx: Ctx, caller: Caller, name: N, input: unknown, services?: Services): Promise<HandlerOutput<N>> {
  if (!isAsyncCall(name)) return callAs(ctx, caller, name, input, services);
  const p = prepareOrAudit(ctx, caller, name, input, services);
  try {
    const out = await callAsync(ctx, name, p.input, p.services);
    if (p.rule.write) auditRow(ctx, caller, name, p.audit, 'ok', services);
    return out;
  } catch (e) {
    const r = resultOf(e);
    if (p.rule.write && r !== null) auditRow(ctx, caller, name, p.audit, r, services);
    throw e;
  }
}

/**
 * A call made with no caller (team.redeem: the invite code is the credential).
 * Only calls the access table marks public; the audit row names whom it made.
 */
export function callPublic<N extends HandlerName>(ctx: Ctx, name: N, input: unknown, address: string | null, services?: Services): HandlerOutput<N> {
  if (accessRule(name)?.public !== true) throw new ForbiddenError(`${String(name).slice(0, 80)} needs a signed-in caller`);
  return ctx.write(() => {
    const out = call(ctx, name, input, services);
    const who = out as { member?: string; tokenId?: string };
    appendAudit(ctx, { member: who.member ?? null, tokenId: who.tokenId ?? null, address, call: name, args: input, result: 'ok' });
    return out;
  });
}
