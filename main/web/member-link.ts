/**
 * A member's road to their team's host, shared by the command line
 * (main/cli/team-client.ts) and the desktop app (main/electron/membership.ts):
 * one API call as the member over HTTPS pinned to the certificate fingerprint
 * from the invite, redeeming an invite, pushing the outbox, pulling the
 * mirror, and recording one entry (outbox first, then the host). A network
 * failure is `Offline` (the entry waits); anything the host answers is the
 * core's own error, so each transport words it as it always does.
 */
import { InputError, RefusedError, type RefusalReason } from '../core/util/errors.js';
import { ForbiddenError, UnauthorizedError } from '../core/team/types.js';
import type { TeamCredentials } from '../core/sync/credentials.js';
import { Mirror, type PullAnswer } from '../core/sync/mirror.js';
import { overAllowance } from '../core/sync/offline.js';
import type { Outbox, OutboxEntry, Settlement } from '../core/sync/outbox.js';
import { pushOutbox, type PushEntry, type PushResult } from '../core/sync/push.js';
import { requestPinned } from './pinned-client.js';

/** Says a certificate was not the pinned one: never "offline", the entries wait and the member is told what to check. */
export const CERT_MISMATCH = "The team host's certificate is not the one you joined with";

/** How long a write waits for the host before it answers "pending". */
export const ONLINE_TIMEOUT_MS = 3000;

/** The host could not be reached, or its answer never came: the entry stays in the outbox. `sent: false` when the request never left this machine. */
export class Offline extends Error {
  constructor(
    message: string,
    readonly sent: boolean = true,
  ) {
    super(message);
  }
}

/** Where a member finds what the host rejected: the command line's words or the app's. */
export type Where = (entry: string) => string;

export type Envelope = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; reason?: string; details?: Record<string, unknown> } };

/** What redeeming an invite answers (team.redeem). */
export interface Redeemed {
  token: string;
  team: { id: string; name: string };
  member: string;
  name: string;
  role: string;
}

/** How a member's call reaches the host: hostCall over HTTPS; the team simulation (test/sim/team.ts) passes its in-process door. */
export type HostCall = (c: TeamCredentials, name: string, input: unknown, timeoutMs: number) => Promise<unknown>;

/** One API call on the team host as this member; a network failure is Offline, an error envelope is thrown as the core's own error. */
export async function hostCall(c: Pick<TeamCredentials, 'host' | 'fingerprint' | 'token'>, name: string, input: unknown, timeoutMs: number, token: string | null = c.token): Promise<unknown> {
  let reply;
  try {
    reply = await requestPinned(
      c.host,
      c.fingerprint,
      { method: 'POST', path: `/api/${name}`, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(input) },
      timeoutMs,
    );
  } catch (e) {
    const m = (e as Error).message;
    // A certificate that is not the pinned one is never "offline": it is refused, every time, saying what to check.
    if (/fingerprint/i.test(m)) throw Object.assign(new InputError(`${m}. ${CERT_MISMATCH}: ask its owner for the fingerprint it shows, and join again if it was replaced`, 'fingerprint'), { sent: false });
    throw new Offline(m, (e as { sent?: unknown }).sent !== false);
  }
  let body: Envelope;
  try {
    body = JSON.parse(reply.text) as Envelope;
  } catch {
    throw new Offline(`the team host answered HTTP ${reply.status} without JSON`);
  }
  return envelopeResult(body);
}

/** The host's answer: its result, or its error thrown as the core's own error (an unknown one: the host failed, the entry waits). */
export function envelopeResult(body: Envelope): unknown {
  if (body.ok) return body.result;
  const { error } = body;
  if (error.code === 'unauthorized') throw new UnauthorizedError(`${error.message} (the team host no longer accepts this device: it may have been revoked; join again with a new invite)`);
  if (error.code === 'forbidden') throw new ForbiddenError(error.message);
  if (error.code === 'refused') throw new RefusedError(error.message, (error.reason ?? 'insufficient_credits') as RefusalReason, error.details ?? {});
  if (error.code === 'invalid_input') throw new InputError(error.message, 'input');
  throw new Offline(`the team host failed: ${error.message}`);
}

/** Redeem an invite at the host the link names, pinned to its fingerprint; an unreachable host says joining needs it once. */
export async function redeemInvite(link: { url: string; invite: string; fingerprint: string }, device: string, timeoutMs = 10_000): Promise<Redeemed> {
  try {
    return (await hostCall({ host: link.url, fingerprint: link.fingerprint, token: '' }, 'team.redeem', { invite: link.invite, device }, timeoutMs, null)) as Redeemed;
  } catch (e) {
    if (e instanceof Offline) throw new InputError(`the team host at ${link.url} is not reachable (${e.message}); joining needs it once`, 'link');
    throw e;
  }
}

/** The outbox's road to the host: a push of some entries, each answered; a refused push (a revoked device) rejects them all, saying why. */
export function pushSender(c: TeamCredentials, timeoutMs: number, call: HostCall = hostCall) {
  return async (entries: PushEntry[]): Promise<Settlement[]> => {
    try {
      const r = (await call(c, 'team.push', { entries }, timeoutMs)) as { results: Settlement[] };
      return r.results;
    } catch (e) {
      // Not reached, or not the host it should be: the entries were not judged, so they wait.
      if (e instanceof Offline || (e instanceof InputError && e.field === 'fingerprint')) throw e;
      const reason = e instanceof UnauthorizedError ? 'unauthorized' : e instanceof ForbiddenError ? 'forbidden' : e instanceof InputError ? 'invalid_input' : 'error';
      // Refused at the door: no entry was judged (push.ts flags one sent before as in doubt).
      return entries.map((x) => ({ id: x.id, status: 'rejected' as const, reason, message: (e as Error).message, unjudged: true }));
    }
  };
}

/** Send everything pending for the team, oldest first; `live` is the entry a command just recorded (push.ts: the host may refuse it, the rest are facts). */
export function pushTeam(box: Outbox, c: TeamCredentials, now: () => number, timeoutMs: number, live?: string, call: HostCall = hostCall): Promise<PushResult> {
  return pushOutbox(box, c.team.id, pushSender(c, timeoutMs, call), now, live);
}

/** Bring the mirror up to the host: the accounts now, the events after the last one pulled (several pulls when far behind). */
export async function pullMirror(c: TeamCredentials, box: Outbox, timeoutMs: number, call: HostCall = hostCall): Promise<{ asOf: string; events: number }> {
  const mirror = new Mirror(box.db);
  let events = 0;
  for (;;) {
    const r = (await call(c, 'team.pull', { after: mirror.after(c.team.id), voidsAfter: mirror.voidsAfter(c.team.id) }, timeoutMs)) as PullAnswer;
    mirror.apply(c.team.id, r);
    events += r.events.length;
    if (!r.more) return { asOf: r.at, events };
  }
}

/**
 * One write to a team account: into the outbox (durable), then everything
 * pending to the host. Online the mirror follows; offline the entry waits,
 * unless it would pass the offline allowance and never left this machine
 * (then it is dropped and the refusal thrown: nothing kept). The entry as it stands after the push.
 * `seam`: the road to the host and the entry's id, given by the team simulation.
 */
export async function recordEntry(
  box: Outbox,
  c: TeamCredentials,
  account: string,
  input: Record<string, unknown>,
  now: () => number,
  timeoutMs: number,
  seam: { call?: HostCall; id?: string } = {},
): Promise<{ entry: OutboxEntry; push: PushResult }> {
  const call = seam.call ?? hostCall;
  // The time it happened is the member's, online or not: a late push books it when it was used.
  const body = { ...input, account, at: input.at ?? new Date(now()).toISOString() };
  const e = box.add(c.team.id, 'usage.record', body, now(), seam.id);
  const push = await pushTeam(box, c, now, timeoutMs, e.id, call);
  // Another certificate: refused, every time, saying what to check; the entry waits in the outbox.
  if (push.offline?.includes(CERT_MISMATCH)) throw new InputError(push.offline, 'fingerprint');
  if (push.offline === null) await pullMirror(c, box, timeoutMs, call).catch(() => {});
  else {
    const refused = overAllowance(box, c, account, input.action);
    // Only an entry that never left can be taken back: one whose answer was lost may be on the host already, so it waits like any other (the host decides).
    if (refused && !push.unanswered.includes(e.id)) {
      box.drop(e.id);
      throw refused;
    }
  }
  return { entry: box.get(e.id)!, push };
}

/** The answer for one entry: the host's result, a pending note, or the rejection thrown as the error it was. */
export function entryAnswer(e: OutboxEntry, alias: string, where: Where): unknown {
  if (e.status === 'pending') return { status: 'pending', entry: e.id, team: alias, message: 'the team host is not reachable: recorded here, sent at the next sync' };
  if (e.status === 'rejected') {
    const reason = e.reason ?? 'error';
    const msg = `${e.message ?? 'rejected by the team host'} (${where(e.id)})`;
    if (reason === 'invalid_input') throw new InputError(msg, 'input');
    if (reason === 'forbidden') throw new ForbiddenError(msg);
    if (reason === 'unauthorized') throw new UnauthorizedError(msg);
    throw new RefusedError(msg, reason as RefusalReason);
  }
  return e.result;
}
