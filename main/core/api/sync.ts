/**
 * `team.push`: a member's outbox, many entries in one request, each answered
 * on its own. The entry's id (made by the member's client) becomes the ledger's
 * idempotency key, so a push sent again — after a timeout, a crash, or from a
 * second process — gets the first answer back ("duplicate") and counts
 * nothing twice. Each entry runs as the caller through callAs (access table,
 * attribution, caps); the push's one audit row lists every entry with its
 * answer (team/push-audit.ts); all of them commit in the push's one
 * transaction (one fsync for the batch).
 */
import * as z from 'zod';
import type { Ctx } from '../ledger/context.js';
import { InputError, RefusedError } from '../util/errors.js';
import { plainText } from '../util/text.js';
import { CallAsMany } from '../team/call-as-many.js';
import { ROWS_PER_INSERT, UsageBatch } from '../ledger/usage-batch.js';
import { listAccounts } from '../ledger/accounts.js';
import { getBalance } from '../ledger/balance.js';
import { listActions } from '../ledger/config.js';
import { mirroredPlan } from '../sync/mirror-plan.js';
import { mirroredMembers } from '../sync/mirror-members.js';
import { mirroredAlerts } from '../sync/mirror-alerts.js';
import { allowanceSetting, describeAllowance, offlineAllowance, setAllowance } from '../sync/allowance.js';
import { requireTeam } from '../team/team.js';
import { teamCaps } from '../team/caps.js';
import { mcToCredits } from '../util/credits.js';
import { iso } from '../util/period.js';
import { ForbiddenError } from '../team/types.js';
import type { Services } from './handlers.js';

/** What a member's client may push: usage, recorded as they work, online or not. */
export const PUSHABLE = ['usage.record'] as const;

export const ENTRY_ID = /^[A-Za-z0-9_-]{8,64}$/;

export interface PushAnswer {
  id: string;
  status: 'accepted' | 'duplicate' | 'rejected';
  result?: unknown;
  reason?: string;
  message?: string;
}

function def<S extends z.ZodType, R>(input: S, run: (ctx: Ctx, input: z.infer<S>, services?: Services) => R) {
  return { input, run };
}

const entry = z.object({
  id: plainText().regex(ENTRY_ID, 'must be 8–64 letters, digits, _ or -'),
  call: z.enum(PUSHABLE),
  input: z.record(z.string(), z.unknown()),
  /** It waited in the member's outbox (recorded while the host could not answer): a fact, see usage.ts `offline`. */
  offline: z.boolean().optional(),
});

/** An entry's answer when recording it failed: refused, forbidden or invalid; anything else fails the push. */
export function rejection(id: string, err: unknown): PushAnswer {
  if (err instanceof RefusedError) return { id, status: 'rejected', reason: err.reason, message: err.message };
  if (err instanceof ForbiddenError) return { id, status: 'rejected', reason: 'forbidden', message: err.message };
  if (err instanceof InputError) return { id, status: 'rejected', reason: 'invalid_input', message: err.message };
  throw err;
}

/** The key an entry is recorded under on the host. */
export const pushKey = (id: string): string => `push-${id}`;

/** At most this many events per pull: a client far behind pulls again until it has them all. */
export const PULL_EVENTS = 2000;

export interface MirrorEvent {
  seq: number;
  id: string;
  account: string;
  action: string;
  pool: string;
  member: string | null;
  at: string;
  quantity: number;
  credits: number;
  /** The ledger's status, or 'voided' once the event is voided (a void returns its credits). */
  status: string;
  /** Credits its pool could not cover when it arrived (an overdraft, repaid by the next grant); 0 for almost every event. */
  overdrawn: number;
}

/** The team's settings for its members' clients, as team.settings answers them. */
function settingsView(ctx: Ctx) {
  const allowance = allowanceSetting(ctx);
  return { team: requireTeam(ctx), allowance: { ...allowance, description: describeAllowance(allowance) } };
}

export const syncHandlers = {
  /** What the members' clients are leased at each pull (sync/allowance.ts). */
  'team.settings': def(z.object({}), (ctx) => settingsView(ctx)),
  'team.settings.set': def(z.object({ allowance: z.union([plainText().max(40), z.number()]).optional() }), (ctx, i) => {
    requireTeam(ctx);
    if (i.allowance !== undefined) setAllowance(ctx, i.allowance);
    return settingsView(ctx);
  }),
  'team.push': def(z.object({ entries: z.array(entry).min(1).max(500) }), (ctx, i, s): { results: PushAnswer[] } => {
    if (!s?.caller) throw new InputError('team.push is made as a team member: the team host authenticates the caller', 'caller');
    const caller = s.caller;
    const seen = new Set<string>();
    // The entries' plain usage keeps its summaries in memory and its rows many to an INSERT, all written by flush() below
    // (usage-batch.ts): the same rows and answers. Nothing reads them back before then: a line the fast path leaves writes them first.
    const usageBatch = new UsageBatch(ctx, { rows: ROWS_PER_INSERT });
    // Each entry as callAs would record it alone, with what repeats decided once per push (call-as-many.ts).
    const many = new CallAsMany(ctx, caller);
    const caps = teamCaps(ctx, caller);
    const services = (pushed: boolean): Services => ({ ...s, pushed, memberClock: true, inPush: true, usageBatch, caps });
    const online = services(false);
    const offline = services(true);
    // The entries' keys looked up together, per account (most are new: one short range read instead of a lookup each).
    const keys = new Map<string, string[]>();
    for (const e of i.entries) {
      const account = e.input.account;
      if (typeof account !== 'string') continue;
      let k = keys.get(account);
      if (k === undefined) keys.set(account, (k = []));
      k.push(pushKey(e.id));
    }
    for (const [account, k] of keys) usageBatch.expectKeys(account, k);
    const results = i.entries.map((e): PushAnswer => {
      if (seen.has(e.id)) return { id: e.id, status: 'rejected', reason: 'invalid_input', message: `entry ${e.id} is in this push twice` };
      seen.add(e.id);
      if (Object.hasOwn(e.input, 'key')) return { id: e.id, status: 'rejected', reason: 'invalid_input', message: 'an entry is keyed by its id: leave "key" out of its input' };
      try {
        // Recorded offline, so a fact: the ledger may overdraw a pool or book it late for it (usage.ts, `offline`).
        const r = many.call(e.call, { ...e.input, key: pushKey(e.id) }, e.offline === true ? offline : online) as { status?: string };
        return { id: e.id, status: r.status === 'duplicate' ? 'duplicate' : 'accepted', result: r };
      } catch (err) {
        return rejection(e.id, err);
      }
    });
    usageBatch.flush();
    many.finish();
    return { results };
  }),
  /**
   * The mirror a member's client keeps for reading offline: every account with
   * its rate card, balance, members' names and this period's alerts now (small, sent whole), and the events after the
   * sequence the client has (sent in order, PULL_EVENTS at a time), and the
   * events voided since its last pull (`voidsAfter`: where the voids it has end).
   */
  'team.pull': def(z.object({ after: z.number().int().min(0).optional(), voidsAfter: z.number().int().min(0).optional() }), (ctx, i) => {
    const after = i.after ?? 0;
    // Each account with its offline allowance for the caller until the next pull (sync/allowance.ts); an archived
    // account is not one members use, so it leaves their machines (its past events stay: unarchived, it comes back whole).
    // Beside each: who its events name (ids to names) and this period's alerts, so history and the cards read offline too.
    const accounts = listAccounts(ctx)
      .filter((a) => a.archivedAt === null)
      .map((a) => {
        const balance = getBalance(ctx, a.id);
        return { id: a.id, name: a.name, zone: a.zone, actions: listActions(ctx, a.id), balance, allowance: offlineAllowance(ctx, a.id), plan: mirroredPlan(ctx, a.id), members: mirroredMembers(ctx, a.id), alerts: mirroredAlerts(ctx, a.id, balance.pools[0]?.periodStart) };
      });
    const rows = ctx
      .stmt(
        `SELECT e.seq, e.id, e.account_id, e.action, e.pool, e.member, e.at, e.quantity_milli, e.cost_mc,
                CASE WHEN v.event_id IS NULL THEN e.status ELSE 'voided' END AS status, COALESCE(o.amount_mc, 0) AS overdrawn_mc
         FROM events e LEFT JOIN overdrafts o ON o.event_id = e.id LEFT JOIN voids v ON v.event_id = e.id WHERE e.seq > ? ORDER BY e.seq LIMIT ?`,
      )
      .all(after, PULL_EVENTS) as { seq: number; id: string; account_id: string; action: string; pool: string; member: string | null; at: number; quantity_milli: number; cost_mc: number; status: string; overdrawn_mc: number }[];
    const events: MirrorEvent[] = rows.map((r) => ({
      seq: r.seq,
      id: r.id,
      account: r.account_id,
      action: r.action,
      pool: r.pool,
      member: r.member,
      at: iso(r.at),
      quantity: r.quantity_milli / 1000,
      credits: mcToCredits(r.cost_mc),
      status: r.status,
      overdrawn: mcToCredits(r.overdrawn_mc),
    }));
    const last = events.at(-1)?.seq ?? after;
    // Voids since the client's last pull, of events it has: a later event comes with its status 'voided' above.
    const voidRows = ctx
      .stmt('SELECT v.rowid AS r, v.event_id, e.seq FROM voids v JOIN events e ON e.id = v.event_id WHERE v.rowid > ? ORDER BY v.rowid LIMIT ?')
      .all(i.voidsAfter ?? 0, PULL_EVENTS) as { r: number; event_id: string; seq: number }[];
    const voids = voidRows.filter((v) => v.seq <= last).map((v) => v.event_id);
    const voidsAfter = voidRows.at(-1)?.r ?? i.voidsAfter ?? 0;
    return { at: iso(ctx.clock.now()), accounts, events, after: last, voids, voidsAfter, more: rows.length === PULL_EVENTS || voidRows.length === PULL_EVENTS };
  }),
};
