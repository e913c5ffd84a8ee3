/**
 * The desktop app's API bridge: one channel, one handler. Each call is
 * checked for where it comes from (the app's own page, top frame only), then
 * dispatched exactly as the web host does, and answered with the same
 * envelope, so errors cross IPC intact instead of as a bare rejection.
 */
import type { Ctx } from '../core/ledger/context.js';
import type { Services } from '../core/api/handlers.js';
import { dispatch, dispatchAs, dispatchAsync, dispatchDesktopOnly, DESKTOP_ONLY_CALLS, invalid, isDesktopOnlyCall, isMembershipCall, TEAM_HOST_CALLS, writesLedger, type Envelope, type RemoteCall } from '../web/dispatch.js';
import type { GroupCommit } from '../core/ledger/group-commit.js';
import { isAsyncCall, type HandlerName } from '../core/api/handlers.js';
import { callAs, callAsAsync } from '../core/team/call-as.js';
import { getTeam, localOwner } from '../core/team/team.js';
import { inviteLink } from '../web/invite-link.js';
import { CHANNEL } from './channel.js';
import type { FrameLike, IpcInvokeEventLike, IpcMainLike } from './electron-api.js';

export interface TrustedRenderer {
  /** The app's own page, app://creditdeck/index.html (app-protocol.ts). */
  page: string;
  /** The dev server's URL, in development only. */
  devServerUrl?: string;
}

/** True when the frame is the top frame of the app's own page: that exact app:// page (any hash or query), or the dev server's origin. */
export function isTrustedSender(frame: FrameLike | null | undefined, trusted: TrustedRenderer): boolean {
  if (!frame || frame.parent !== null) return false;
  let u: URL;
  try {
    u = new URL(frame.url);
  } catch {
    return false;
  }
  const own = new URL(trusted.page);
  // app: is not a scheme WHATWG URLs know, so its origin reads "null": compare the parts.
  if (u.protocol === own.protocol) return u.host === own.host && u.pathname === own.pathname && u.username === '' && u.password === '';
  if (trusted.devServerUrl !== undefined && (u.protocol === 'http:' || u.protocol === 'https:')) {
    return u.origin === new URL(trusted.devServerUrl).origin;
  }
  return false;
}

export const FORBIDDEN: Envelope = { ok: false, error: { code: 'error', message: 'this page may not call the Creditdeck API' } };

/**
 * What the window may call on a team ledger, beside the remote calls: the
 * team's own calls and the desktop-only ones. team.redeem is a stranger's
 * call with an invite, never the owner's.
 */
const TEAM_WINDOW_CALLS: ReadonlySet<string> = new Set([...TEAM_HOST_CALLS.filter((c) => c !== 'team.redeem'), ...DESKTOP_ONLY_CALLS]);

/**
 * A call on a team ledger from the window: the app on the host machine is the
 * team's owner (as the command line there is), so the call goes through
 * callAs like a remote one — the access table, attribution and the audit log.
 * An invite made while the app hosts the team carries the link to share.
 */
function asLocalOwner(ctx: Ctx, services: Services, writer?: GroupCommit): (name: string, input: unknown) => unknown {
  return async (name, input) => {
    const n = name as HandlerName;
    const sync = () => callAs(ctx, localOwner(ctx), n, input, services);
    const out = isAsyncCall(n) ? await callAsAsync(ctx, localOwner(ctx), n, input, services) : writer && writesLedger(n) ? await writer.submit(sync) : sync();
    const hosted = n === 'team.invite' ? services.hosting?.status() : undefined;
    if (!hosted?.running || !hosted.url) return out;
    const r = out as { invite: string };
    return { ...r, link: inviteLink(hosted.url, r.invite, hosted.fingerprint) };
  };
}

/** A ledger that cannot be read is no team's: the call then fails in dispatch, saying why. */
function isTeamLedger(ctx: Ctx): boolean {
  try {
    return getTeam(ctx) !== null;
  } catch {
    return false;
  }
}

/**
 * One call from the window: sender check, then the shared dispatch (on a team
 * ledger, as the local owner). The purchase calls that talk to Stripe and the
 * desktop-only calls answer a promise. `teamKey` loads the host key beside the
 * ledger, for the team calls that issue secrets; `writer` commits the calls
 * that change the ledger in groups (main/core/ledger/group-commit.ts).
 */
export function handleCall(
  ctx: Ctx,
  trusted: TrustedRenderer,
  event: IpcInvokeEventLike,
  args: unknown[],
  log: (line: string) => void = () => {},
  services?: Services,
  teamKey?: () => Buffer,
  writer?: GroupCommit,
): Envelope | Promise<Envelope> {
  if (!isTrustedSender(event.senderFrame, trusted)) {
    log(`creditdeck: refused an API call from ${event.senderFrame?.url ?? 'a closed frame'}`);
    return FORBIDDEN;
  }
  const [name, input] = args;
  if (typeof name !== 'string') return invalid('the call name must be a string', 'call');
  const onError = (e: unknown, call: string) => log(`creditdeck: ${call} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  const team = isTeamLedger(ctx);
  const withKey = (): Services | undefined => (teamKey ? { ...services, teamKey: teamKey() } : services);
  // This device as a member of a team hosted elsewhere: its own token and outbox, not the local ledger's owner acting (no callAs).
  if (isMembershipCall(name)) return dispatchDesktopOnly(ctx, name, input, onError, services);
  if (team) return dispatchAs(name, input, asLocalOwner(ctx, withKey() ?? {}, writer), onError, TEAM_WINDOW_CALLS);
  // Saving the Stripe keys, making the team, hosting it: the app's own page only (checked above), never the web host.
  if (isDesktopOnlyCall(name)) return dispatchDesktopOnly(ctx, name, input, onError, name === 'team.init' ? withKey() : services);
  return isAsyncCall(name) || writer ? dispatchAsync(ctx, name, input, onError, services, writer) : dispatch(ctx, name, input, onError, services);
}

/**
 * The calls that write to the ledger. (payments.setKeys, desktop-only, writes
 * no ledger row: it is in neither list.) A refused write counts too: it records
 * the refusal, and running out records an alert. Every remote call is in
 * exactly one of WRITE_CALLS and READ_CALLS (a test checks).
 */
export const WRITE_CALLS = [
  'accounts.add',
  'accounts.plan',
  'accounts.set',
  'accounts.archive',
  'accounts.opening',
  'actions.set',
  'members.add',
  'members.rename',
  'members.cap',
  'members.remove',
  'limits.daily',
  'usage.record',
  'grants.add',
  'grants.refund',
  'holds.place',
  'holds.capture',
  'holds.release',
  'events.void',
  // purchases.get may verify a payment and grant its credits.
  'purchases.start',
  'purchases.get',
  'purchases.cancel',
  'purchases.refund',
  'purchases.confirmManual',
  // A reconciliation records the usage the ledger missed (docs/vendors.md); the setting decides whether readings do.
  'reconcile.accept',
  'reconcile.page',
  'reconcile.auto',
] as const satisfies readonly RemoteCall[];

export const READ_CALLS = [
  'presets.list',
  'presets.show',
  'accounts.list',
  'accounts.show',
  // A plan change run and rolled back: nothing is written.
  'accounts.planPreview',
  'actions.list',
  'members.list',
  'grants.list',
  'holds.list',
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
  'calendar.ics',
  // A backup copies the ledger to another file; the ledger itself is unchanged.
  'data.backup',
  'data.backups',
  'data.export',
  'purchases.packs',
  'purchases.list',
  'payments.status',
  'usage.fluximage',
  'balance.readable',
  'reconcile.status',
] as const satisfies readonly RemoteCall[];

const writes: ReadonlySet<string> = new Set(WRITE_CALLS);

export function isWriteCall(name: unknown): boolean {
  return typeof name === 'string' && writes.has(name);
}

/**
 * Register the single handler. `afterWrite` hears of each write call from the
 * trusted page, whatever its outcome, as its answer goes back; the app defers
 * what it does then (the tray and the notifications look again), so the
 * answer is not held up.
 */
export function registerIpc(
  ipcMain: IpcMainLike,
  ctx: Ctx,
  trusted: TrustedRenderer,
  log?: (line: string) => void,
  afterWrite?: (name: string) => void,
  services?: Services,
  teamKey?: () => Buffer,
  writer?: GroupCommit,
): void {
  ipcMain.handle(CHANNEL, async (event, ...args) => {
    const answer = await handleCall(ctx, trusted, event, args, log, services, teamKey, writer);
    const name = args[0];
    if (afterWrite && isWriteCall(name) && answer !== FORBIDDEN) afterWrite(name as string);
    return answer;
  });
}
