/**
 * The remote boundary shared by the web host (HTTP) and the desktop app (IPC):
 * which API calls a renderer may make, and how every outcome becomes one JSON
 * envelope. Both transports send exactly these envelopes; HTTP adds a status.
 *
 *   {ok: true, result}
 *   {ok: false, error: {code: "invalid_input", message, field}}           400
 *   {ok: false, error: {code: "refused", reason, message, details}}       409
 *   {ok: false, error: {code: "unauthorized", message}}                   401 (team host)
 *   {ok: false, error: {code: "forbidden", message}}                      403 (team host)
 *   {ok: false, error: {code: "error", message}}                          500
 */
import * as z from 'zod';
import { call, callAsync, isAsyncCall, type HandlerName, type Services } from '../core/api/handlers.js';
import { PaymentError } from '../core/purchases/stripe.js';
import type { Ctx } from '../core/ledger/context.js';
import { InputError, RefusedError, type RefusalReason } from '../core/util/errors.js';
import { ForbiddenError, UnauthorizedError } from '../core/team/types.js';
import { accessRule } from '../core/team/access.js';
import type { GroupCommit } from '../core/ledger/group-commit.js';
import { recordMany } from '../core/api/record-many.js';

/** Whether a call changes the ledger (the access table says): those go through the host's group-commit writer. */
export function writesLedger(name: string): boolean {
  return accessRule(name)?.write === true;
}

/**
 * The calls a renderer (browser or desktop window) may make. An allow-list, so
 * a handler added to the core later stays CLI-only until it is listed here.
 */
export const REMOTE_CALLS = [
  'presets.list',
  'presets.show',
  'accounts.add',
  'accounts.list',
  'accounts.show',
  'accounts.plan',
  'accounts.set',
  'actions.list',
  'actions.set',
  'members.add',
  'members.list',
  'members.rename',
  'members.cap',
  'members.remove',
  'accounts.planPreview',
  'accounts.archive',
  'accounts.opening',
  'limits.daily',
  'usage.record',
  'grants.add',
  'grants.list',
  'grants.refund',
  'holds.place',
  'holds.capture',
  'holds.release',
  'holds.list',
  'events.void',
  'events.list',
  'balance.get',
  'balance.all',
  'reports.usage',
  'reports.forecast',
  'plans.fit',
  'refusals.list',
  'alerts.list',
  'calc',
  'check',
  // The resets as an iCalendar file, for the app's download.
  'calendar.ics',
  'data.backup',
  'data.backups',
  'data.export',
  // Purchases (docs/purchases.md): the host opens Checkout in the system browser itself.
  'purchases.packs',
  'purchases.list',
  'purchases.start',
  'purchases.get',
  'purchases.cancel',
  'purchases.refund',
  'purchases.confirmManual',
  // Whether Stripe is set up, test or live: it reveals no key.
  'payments.status',
  // Provider-shaped reads and the vendor's meter (docs/vendors.md): the dashboard shows differences and records reconciliations.
  'usage.fluximage',
  'balance.readable',
  'reconcile.status',
  'reconcile.accept',
  'reconcile.page',
  'reconcile.auto',
] as const satisfies readonly HandlerName[];

/**
 * Calls that stay with the CLI: `import` is the CLI's file import;
 * `purchases.poll` is the hosts' own timer (a window polls one purchase with purchases.get);
 * `agents.*` are the MCP tools' own queries (main/mcp/), which reach them through callAs on
 * the team host's /mcp and directly over stdio, never through /api.
 */
export const LOCAL_ONLY_CALLS = ['import', 'purchases.poll', 'agents.estimate', 'agents.check', 'agents.resets'] as const satisfies readonly HandlerName[];

/** This app as a member of a team hosted elsewhere (api/membership.ts): the device's own, never the ledger's. */
export const MEMBERSHIP_CALLS = ['membership.join', 'membership.status', 'membership.sync', 'membership.leave', 'membership.record', 'membership.accounts', 'membership.dismiss', 'membership.events', 'membership.usage', 'membership.forecast', 'membership.fit'] as const satisfies readonly HandlerName[];

export function isMembershipCall(name: unknown): boolean {
  return typeof name === 'string' && (MEMBERSHIP_CALLS as readonly string[]).includes(name);
}

/**
 * Calls only the desktop window may make (main/electron/ipc.ts runs them
 * with dispatchDesktopOnly, after its sender check): saving the Stripe keys,
 * making the ledger a team ledger and hosting it (api/hosting.ts). Never over
 * HTTP: a remote browser must not set the host's keys or open its ports.
 * The membership calls (this app as a member of a team hosted elsewhere:
 * api/membership.ts) carry the device's own token: never over HTTP either.
 */
export const DESKTOP_ONLY_CALLS = [
  'payments.setKeys',
  'team.init',
  'hosting.status',
  'hosting.start',
  'hosting.stop',
  'reconcile.keyStatus',
  'reconcile.setKey',
  // Restoring a backup restarts the app (api/data.ts).
  'data.restore',
  ...MEMBERSHIP_CALLS,
] as const satisfies readonly HandlerName[];

export type DesktopOnlyCall = (typeof DESKTOP_ONLY_CALLS)[number];

/**
 * The team calls: only on the team host (`serve --team`), run as the
 * authenticated caller through callAs, whose access table decides by role.
 * Never on the local host or the desktop window, which have no caller.
 * team.redeem is answered by the door with no caller (the invite is the
 * credential), as are sign-in, sign-out and the session (team-host.ts).
 */
export const TEAM_HOST_CALLS = [
  'team.whoami',
  'team.invite',
  'team.invites.list',
  'team.invites.revoke',
  'team.redeem',
  'team.tokens.list',
  'team.tokens.create',
  'team.tokens.revoke',
  'team.tokens.rotate',
  'team.members.list',
  'team.members.set',
  'team.members.remove',
  'team.audit',
  'team.sessions.list',
  'team.sessions.end',
  // A member's outbox (main/core/api/sync.ts).
  'team.push',
  'team.pull',
  // What the members' clients may spend offline (main/core/sync/allowance.ts).
  'team.settings',
  'team.settings.set',
] as const satisfies readonly HandlerName[];

export function isDesktopOnlyCall(name: unknown): name is DesktopOnlyCall {
  return typeof name === 'string' && (DESKTOP_ONLY_CALLS as readonly string[]).includes(name);
}

/** Input fields that name a file on this machine: a remote caller must not make the host read its files. */
export const LOCAL_FILE_FIELDS: Readonly<Partial<Record<HandlerName, readonly string[]>>> = {
  'accounts.add': ['providerFile'],
  calc: ['providerFile'],
  'data.backup': ['path'],
  'data.export': ['path'],
};

export type RemoteCall = (typeof REMOTE_CALLS)[number];

const remote: ReadonlySet<string> = new Set(REMOTE_CALLS);

export function isRemoteCall(name: unknown): name is RemoteCall {
  return typeof name === 'string' && remote.has(name);
}

export type ApiError =
  | { code: 'invalid_input'; message: string; field: string | null }
  | { code: 'refused'; reason: RefusalReason; message: string; details: Record<string, unknown> }
  | { code: 'unauthorized'; message: string }
  | { code: 'forbidden'; message: string }
  | { code: 'error'; message: string };

export type Envelope<T = unknown> = { ok: true; result: T } | { ok: false; error: ApiError };

export const STATUS: Readonly<Record<ApiError['code'], number>> = { invalid_input: 400, refused: 409, unauthorized: 401, forbidden: 403, error: 500 };

export function invalid(message: string, field: string | null = null): { ok: false; error: ApiError } {
  return { ok: false, error: { code: 'invalid_input', message, field } };
}

/** A message safe to hand to a client: the first line only, never a stack. */
function clientMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : typeof e === 'string' ? e : 'internal error';
  const line = text.split('\n', 1)[0]!.trim();
  return (line.length > 300 ? `${line.slice(0, 300)}…` : line) || 'internal error';
}

/** Map anything a call threw to the error envelope. */
export function errorEnvelope(e: unknown): { ok: false; error: ApiError } {
  // Stripe unreachable, rate-limited, failing or declining: a plain message (never a key; see purchases/stripe.ts).
  if (e instanceof PaymentError) return { ok: false, error: { code: 'error', message: clientMessage(e) } };
  if (e instanceof RefusedError) return { ok: false, error: { code: 'refused', reason: e.reason, message: e.message, details: e.details } };
  if (e instanceof UnauthorizedError) return { ok: false, error: { code: 'unauthorized', message: clientMessage(e) } };
  if (e instanceof ForbiddenError) return { ok: false, error: { code: 'forbidden', message: clientMessage(e) } };
  if (e instanceof InputError) return invalid(e.message, e.field || null);
  if (e instanceof z.ZodError) {
    const first = e.issues[0];
    const field = first ? first.path.map(String).join('.') : '';
    return invalid(first ? `invalid input at ${field || '(root)'}: ${first.message}` : 'invalid input', field || null);
  }
  return { ok: false, error: { code: 'error', message: clientMessage(e) } };
}

/**
 * The checks before any remote call runs: a name on the allow-list (or among
 * `extra`, the team host's team.* calls), no local file fields. Null when it may run.
 */
function refuse(name: unknown, input: unknown, extra?: ReadonlySet<string>): { ok: false; error: ApiError } | null {
  if (typeof name !== 'string') return invalid('the call name must be a string', 'call');
  if (!isRemoteCall(name) && !extra?.has(name)) {
    if (isDesktopOnlyCall(name)) return invalid(`"${name}" is only available in the Creditdeck desktop app`, 'call');
    const local = (LOCAL_ONLY_CALLS as readonly string[]).includes(name);
    return invalid(local ? `"${name}" is only available from the creditdeck command line` : `unknown API call "${name.slice(0, 80)}"`, 'call');
  }
  const fileFields = LOCAL_FILE_FIELDS[name as HandlerName] ?? [];
  if (input !== null && typeof input === 'object') {
    for (const f of fileFields) {
      if (Object.hasOwn(input, f) && (input as Record<string, unknown>)[f] !== undefined) {
        return invalid(`${f} reads a file on this machine and is only available from the creditdeck command line`, f);
      }
    }
  }
  return null;
}

/**
 * Run one remote call: the name must be on the allow-list, the input must
 * not name local files, then the core validates and runs it. Never throws.
 * `onInternalError` sees unexpected failures in full (for a log); the
 * envelope carries only their first line. The purchase calls that talk to
 * Stripe answer later: they go through dispatchAsync (here they are refused).
 */
export function dispatch(ctx: Ctx, name: unknown, input: unknown, onInternalError?: (e: unknown, name: string) => void, services?: Services): Envelope {
  const no = refuse(name, input);
  if (no) return no;
  const n = name as RemoteCall;
  if (isAsyncCall(n)) return invalid(`"${n}" answers asynchronously; the host calls it through dispatchAsync`, 'call');
  try {
    return { ok: true, result: call(ctx, n, input, services) };
  } catch (e) {
    const out = errorEnvelope(e);
    if (out.error.code === 'error') onInternalError?.(e, n);
    return out;
  }
}

/**
 * dispatch for every remote call, the asynchronous ones included. Never
 * rejects. With a `writer`, a call that changes the ledger is committed in
 * the writer's next group (main/core/ledger/group-commit.ts).
 */
export async function dispatchAsync(ctx: Ctx, name: unknown, input: unknown, onInternalError?: (e: unknown, name: string) => void, services?: Services, writer?: GroupCommit): Promise<Envelope> {
  if (!isAsyncCall(name)) {
    if (!writer || typeof name !== 'string' || !writesLedger(name)) return dispatch(ctx, name, input, onInternalError, services);
    const no = refuse(name, input);
    if (no) return no;
    try {
      // Usage events sharing a group are recorded together (api/record-many.ts).
      const batch = name === 'usage.record' ? { as: recordMany(ctx), item: { caller: null, input, services } } : undefined;
      return { ok: true, result: await writer.submit(() => call(ctx, name as RemoteCall, input, services), batch) };
    } catch (e) {
      const out = errorEnvelope(e);
      if (out.error.code === 'error') onInternalError?.(e, name);
      return out;
    }
  }
  const no = refuse(name, input);
  if (no) return no;
  try {
    return { ok: true, result: await callAsync(ctx, name, input, services) };
  } catch (e) {
    const out = errorEnvelope(e);
    if (out.error.code === 'error' && !(e instanceof PaymentError)) onInternalError?.(e, name);
    return out;
  }
}

/**
 * A desktop-only call (DESKTOP_ONLY_CALLS), for the IPC bridge once it has
 * checked the sender; anything else is refused here. Same envelope and error
 * mapping as dispatch. Never rejects.
 */
export async function dispatchDesktopOnly(ctx: Ctx, name: unknown, input: unknown, onInternalError?: (e: unknown, name: string) => void, services?: Services): Promise<Envelope> {
  if (!isDesktopOnlyCall(name)) return invalid(`"${String(name).slice(0, 80)}" is not a desktop-only call`, 'call');
  try {
    return { ok: true, result: await callAsync(ctx, name, input, services) };
  } catch (e) {
    const out = errorEnvelope(e);
    if (out.error.code === 'error') onInternalError?.(e, name);
    return out;
  }
}

/**
 * A remote call on the team host: the same allow-list (plus `extra`, the
 * team.* calls) and file-field checks, then `run` — the core's callAs for
 * the authenticated caller, which applies the access table, attribution,
 * caps and the audit log. Same envelope and error mapping. Never rejects.
 */
export async function dispatchAs(
  name: unknown,
  input: unknown,
  run: (name: string, input: unknown) => unknown,
  onInternalError?: (e: unknown, name: string) => void,
  extra?: ReadonlySet<string>,
): Promise<Envelope> {
  const no = refuse(name, input, extra);
  if (no) return no;
  const n = name as string;
  try {
    return { ok: true, result: await run(n, input) };
  } catch (e) {
    const out = errorEnvelope(e);
    if (out.error.code === 'error' && !(e instanceof PaymentError)) onInternalError?.(e, n);
    return out;
  }
}
