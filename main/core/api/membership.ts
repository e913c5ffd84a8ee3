/**
 * The desktop app as a member of a team hosted elsewhere (Settings → Team →
 * Join): joining from an invite link, the sync state, sending now, leaving,
 * recording to a team account through the outbox, the team's accounts from
 * the mirror, and dismissing a rejection. The core validates the input and
 * asks the shell (Services.membership), which alone keeps the device token
 * (safeStorage) and reaches the host. Desktop-only calls (main/web/dispatch.ts):
 * never over HTTP.
 */
import * as z from 'zod';
import type { Ctx } from '../ledger/context.js';
import type { Balance } from '../ledger/balance.js';
import type { ActionView } from '../ledger/config.js';
import type { TeamCredentials } from '../sync/credentials.js';
import { parseUsageKey, type TeamEvents, type TeamForecast, type TeamUsage, type TeamUsageKey } from '../sync/mirror-reads.js';
import type { MirroredPlan } from '../sync/mirror-plan.js';
import type { MirroredAlert } from '../sync/mirror-alerts.js';
import type { MirroredMember } from '../sync/mirror-members.js';
import type { FitReport } from '../ledger/whatif.js';
import { InputError } from '../util/errors.js';
import { plainText } from '../util/text.js';
import type { Services } from './handlers.js';

/** What the window and the tray say: everything sent; entries waiting; the host out of reach. */
export type SyncState = 'synced' | 'pending' | 'offline';

export interface RejectedEntry {
  id: string;
  account: string;
  action: string;
  quantity: number;
  at: string;
  reason: string;
  message: string;
  /** Refused unjudged after an earlier send got no answer: the host may have recorded it (docs/team.md, "In doubt"). */
  inDoubt: boolean;
}

/** A team joined here: who this device is there (the credentials, never the token), and how its sync stands. */
export interface MembershipView extends Omit<TeamCredentials, 'token'> {
  state: SyncState;
  pending: number;
  rejected: RejectedEntry[];
  /** The last push or pull that reached the host. */
  lastSync: string | null;
  /** Since when the host has been out of reach (null while it answers). */
  offlineSince: string | null;
  /** Why the last try failed, in words. */
  lastError: string | null;
  /** When the mirror was last pulled: the team's numbers shown are as of then. */
  asOf: string | null;
  /** When the shell tries again (backoff), while entries wait. */
  nextTry: string | null;
}

export interface MembershipStatus {
  teams: MembershipView[];
}

export interface TeamPoolView {
  pool: string;
  /** This device's pending entries on it, estimated from the mirrored rate card (the host decides). */
  pendingCredits: number;
}

/** A team's account as the member's window shows it beside the local ones. */
export interface TeamAccountView {
  /** TEAM/ACCOUNT. */
  ref: string;
  alias: string;
  team: { id: string; name: string };
  id: string;
  name: string;
  zone: string;
  actions: ActionView[];
  /** The host's balance as of the last pull. */
  balance: Balance;
  asOf: string | null;
  state: SyncState;
  pendingEntries: number;
  pending: TeamPoolView[];
  /** The plan, its packs and who buys them, as of the last pull; null from a mirror pulled before the host sent it. */
  plan: MirroredPlan | null;
  /** Its alerts of the current period as of the last pull; none from a mirror pulled before the host sent them. */
  alerts: MirroredAlert[];
  /** Who its events name, by id and name, as of the last pull (empty from an older mirror: ids are shown). */
  members: MirroredMember[];
}

/**
 * A team account's plan fit, which only the host can make (plans.fit replays
 * its ledger's periods; the mirror has no such history): `host` answered now;
 * `remembered` is this session's last answer while the host is out of reach;
 * `offline` is out of reach with nothing known; `forbidden` is the host's
 * access table refusing this member. Nothing is estimated on this device.
 */
export interface TeamFit {
  account: string;
  source: 'host' | 'remembered' | 'offline' | 'forbidden';
  /** When the host made the report shown (null: none). */
  asOf: string | null;
  report: FitReport | null;
  /** Why there is no fresh answer, in words (null when the host answered). */
  message: string | null;
}

/** The shell's side (main/electron/membership.ts). */
export interface TeamMembership {
  join(link: string, device: string | undefined): Promise<MembershipView>;
  status(): MembershipStatus;
  sync(alias: string | undefined): Promise<MembershipStatus>;
  leave(alias: string, dropPending: boolean): Promise<{ left: { id: string; name: string }; dropped: number }>;
  record(account: string, input: { action: string; quantity?: string | number; byoKey?: boolean }): Promise<unknown>;
  accounts(): TeamAccountView[];
  dismiss(alias: string, entry: string): MembershipStatus;
  /** A team account's history, this period's usage and forecast, from the mirror with this device's pending entries on top (never waits for the host). */
  events(account: string, o: { limit: number; action?: string }): TeamEvents;
  usage(account: string, by: TeamUsageKey): TeamUsage;
  forecast(account: string): TeamForecast;
  /** The host's plan fit of a team account, asked now (never from the mirror). */
  fit(account: string, periods: number | undefined): Promise<TeamFit>;
}

function membershipOf(s: Services | undefined): TeamMembership {
  if (!s?.membership) throw new InputError('joining a team from here is for the Creditdeck desktop app; on the command line it is `creditdeck team join LINK`', 'membership');
  return s.membership;
}

function def<S extends z.ZodType, R>(input: S, run: (ctx: Ctx, input: z.infer<S>, services?: Services) => R) {
  return { input, run };
}

const alias = plainText().min(1).max(40);
const teamAccountRef = plainText().regex(/^[a-z0-9-]{1,40}\/.{1,128}$/, 'must be TEAM/ACCOUNT, a joined team\'s account');

export const membershipHandlers = {
  'membership.join': def(z.object({ link: plainText().min(1).max(2000), device: plainText().min(1).max(64).optional() }), (_ctx, i, s) => membershipOf(s).join(i.link.trim(), i.device)),
  'membership.status': def(z.object({}), (_ctx, _i, s) => membershipOf(s).status()),
  'membership.sync': def(z.object({ team: alias.optional() }), (_ctx, i, s) => membershipOf(s).sync(i.team)),
  'membership.leave': def(z.object({ team: alias, dropPending: z.boolean().optional() }), (_ctx, i, s) => membershipOf(s).leave(i.team, i.dropPending === true)),
  'membership.record': def(
    z.object({
      account: teamAccountRef,
      action: plainText().min(1).max(128),
      quantity: z.union([z.number().positive(), plainText().max(40)]).optional(),
      byoKey: z.boolean().optional(),
    }),
    (_ctx, i, s) => membershipOf(s).record(i.account, { action: i.action, ...(i.quantity !== undefined ? { quantity: i.quantity } : {}), ...(i.byoKey ? { byoKey: true } : {}) }),
  ),
  'membership.accounts': def(z.object({}), (_ctx, _i, s) => membershipOf(s).accounts()),
  'membership.events': def(z.object({ account: teamAccountRef, limit: z.number().int().min(1).max(1000).optional(), action: plainText().min(1).max(128).optional() }), (_ctx, i, s) =>
    membershipOf(s).events(i.account, { limit: i.limit ?? 50, ...(i.action !== undefined ? { action: i.action } : {}) }),
  ),
  'membership.usage': def(z.object({ account: teamAccountRef, by: plainText().max(16).optional() }), (_ctx, i, s) => membershipOf(s).usage(i.account, parseUsageKey(i.by))),
  'membership.forecast': def(z.object({ account: teamAccountRef }), (_ctx, i, s) => membershipOf(s).forecast(i.account)),
  'membership.fit': def(z.object({ account: teamAccountRef, periods: z.number().int().min(1).max(24).optional() }), (_ctx, i, s) => membershipOf(s).fit(i.account, i.periods)),
  'membership.dismiss': def(z.object({ team: alias, entry: plainText().min(1).max(80) }), (_ctx, i, s) => membershipOf(s).dismiss(i.team, i.entry)),
};
