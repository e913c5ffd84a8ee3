/**
 * A member's command line on a team they joined (docs/team.md, "Members'
 * clients"): `team join`, `team status`, `team sync`, `team outbox`,
 * `team leave`, and `use TEAM/ACCOUNT …`. Every write goes into the outbox
 * first (main/core/sync/outbox.ts), then to the host over HTTPS pinned to the
 * certificate fingerprint from the invite. Offline, or when the host does not
 * answer in time, the command says "pending" and the entry is sent later.
 */
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/util/errors.js';
import { UnauthorizedError } from '../core/team/types.js';
import { escapeDeep } from '../core/util/text.js';
import { forgetTeam, listTeams, requireTeamCredentials, saveTeam, teamAlias, type TeamCredentials } from '../core/sync/credentials.js';
import { parseJoinLink, refuseJoinedAgain } from '../core/sync/join-link.js';
import { Outbox, type OutboxEntry } from '../core/sync/outbox.js';
import { Mirror } from '../core/sync/mirror.js';
import { pendingNote } from '../core/sync/offline.js';
import { hostReads, mirrorReads, type TeamReadRef } from '../core/sync/team-reads.js';
import type { TeamAlerts, TeamEvents, TeamForecast, TeamUsage, TeamUsageKey } from '../core/sync/mirror-reads.js';
import type { Alert } from '../core/ledger/alerts.js';
import type { Balance } from '../core/ledger/balance.js';
import type { EventView, Report } from '../core/ledger/reports.js';
import type { FitReport } from '../core/ledger/whatif.js';
import { CERT_MISMATCH, entryAnswer, hostCall, Offline, ONLINE_TIMEOUT_MS, pullMirror, pushTeam, recordEntry, redeemInvite } from '../web/member-link.js';
import { at } from './human.js';

export interface TeamClientDeps {
  dbPath: () => string;
  json: () => boolean;
  out: (s: string) => void;
  err: (s: string) => void;
  now: () => number;
  ask: (question: string) => Promise<string | null>;
  /** The host's answers wait this long (tests shorten it). */
  timeoutMs?: number;
}

const outboxPath = (ledgerPath: string) => join(dirname(ledgerPath), 'outbox.sqlite');

/** Split TEAM/ACCOUNT; null for a local account. */
export function teamAccount(account: string): { alias: string; account: string } | null {
  const i = account.indexOf('/');
  return i > 0 ? { alias: account.slice(0, i), account: account.slice(i + 1) } : null;
}

/** Where the command line keeps what the host rejected. */
const WHERE = (id: string) => `entry ${id}, kept in the outbox: \`creditdeck team outbox\``;

export interface TeamClient {
  use: (account: string, input: Record<string, unknown>, text: (r: never) => string) => Promise<void>;
  /** One team account's balance: the host's, or the mirror's as of the last sync with this device's pending entries on top. */
  balance: (account: string) => Promise<TeamBalance>;
  /** History, this period's usage and the forecast of a team account: the host's, or offline the mirror's as of the last sync; this device's pending entries on top, marked. */
  events: (account: string, o: { limit: number; action?: string }) => Promise<TeamEvents>;
  usage: (account: string, by: TeamUsageKey) => Promise<TeamUsage>;
  forecast: (account: string) => Promise<TeamForecast>;
  /** A team account's alerts: the host's, or offline this period's as of the last sync. */
  alerts: (account: string) => Promise<TeamAlerts>;
  /** A team account's plan fit, made by the host now (the mirror holds no past periods to replay): a clear error when it is out of reach. */
  fit: (account: string, periods: number | undefined) => Promise<TeamFitAnswer>;
  /** Every joined team's accounts from the mirrors (no network). */
  mirrored: () => TeamBalance[];
  /** A call that needs the host now (holds are team-wide): made as this member, or a clear error when the host is out of reach. */
  direct: (alias: string, name: string, input: Record<string, unknown>) => Promise<unknown>;
}

/** The host's plans.fit, named TEAM/ACCOUNT and marked as the host's, now. */
export type TeamFitAnswer = Omit<FitReport, 'account'> & { account: string; source: 'host'; asOf: string };

export interface TeamBalance {
  account: string;
  source: 'host' | 'mirror';
  asOf: string | null;
  balance: Record<string, unknown>;
  pending: { entries: number; byPool: Record<string, number> } | null;
}

export function registerTeamClient(team: Command, d: TeamClientDeps): TeamClient {
  const timeout = () => d.timeoutMs ?? ONLINE_TIMEOUT_MS;
  const print = <T>(result: T, text: (r: T) => string) => d.out(d.json() ? JSON.stringify(result, null, 2) + '\n' : text(escapeDeep(result)) + '\n');
  const withOutbox = async <T>(fn: (o: Outbox) => Promise<T>): Promise<T> => {
    const o = new Outbox(outboxPath(d.dbPath()));
    try {
      return await fn(o);
    } finally {
      o.close();
    }
  };

  team
    .command('join')
    .description("join a team from its invite link: the host's certificate is pinned, this device's token kept owner-only")
    .argument('<link>', 'the invite link (https://HOST/join#invite=…&fp=…), or the host URL with --invite and --fingerprint')
    .option('--invite <code>', 'the invite code, when the link is only the host URL')
    .option('--fingerprint <sha256>', "the host certificate's SHA-256 fingerprint, when the link has none")
    .option('--device <name>', 'what to call this device on the team', hostname().slice(0, 64) || 'command line')
    .action(async (link: string, o: { invite?: string; fingerprint?: string; device: string }) => {
      const j = parseJoinLink(link, { invite: o.invite, fingerprint: o.fingerprint });
      refuseJoinedAgain(listTeams(d.dbPath()), j, (alias) => `leave it with \`creditdeck team leave ${alias}\``);
      const r = await redeemInvite(j, o.device);
      const creds: TeamCredentials = { alias: teamAlias(r.team.name), team: r.team, host: j.url, fingerprint: j.fingerprint, member: r.member, name: r.name, role: r.role, device: o.device, token: r.token, joinedAt: new Date(d.now()).toISOString() };
      saveTeam(d.dbPath(), creds);
      // The first pull: this device's copy of the team, and its offline allowance.
      await withOutbox((o) => pullMirror(creds, o, timeout())).catch(() => {});
      print({ team: creds.team, alias: creds.alias, member: creds.member, role: creds.role, host: creds.host }, (x) => `Joined ${x.team.name} as ${x.member} (${x.role}). Its accounts are ${x.alias}/ACCOUNT here, e.g. \`creditdeck use ${x.alias}/ACCOUNT ACTION\`.`);
    });

  team
    .command('status')
    .description('a joined team: the host, who you are there, whether it answers, the last sync, what waits in the outbox')
    .argument('[team]', 'the team alias (default: the only one joined)')
    .action(async (alias?: string) => {
      const c = requireTeamCredentials(d.dbPath(), alias);
      let online = true;
      // A device the host no longer lets in (revoked) still has an outbox to show: what was rejected, what is in doubt.
      let refused: string | null = null;
      try {
        await hostCall(c, 'team.whoami', {}, timeout());
      } catch (e) {
        if (e instanceof UnauthorizedError) refused = e.message;
        else if (!(e instanceof Offline)) throw e;
        else online = false;
      }
      const s = await withOutbox(async (o) => ({ counts: o.counts(c.team.id), last: o.lastSync(c.team.id) }));
      const lastSync = s.last.at === null ? null : new Date(s.last.at).toISOString();
      print({ team: c.team, alias: c.alias, host: c.host, member: c.member, role: c.role, online, refused, lastSync, pending: s.counts.pending, rejected: s.counts.rejected, inDoubt: s.counts.inDoubt }, (x) =>
        [
          `${x.team.name} (${x.alias}) at ${x.host}: you are ${x.member}, ${x.role}`,
          ...(x.refused ? [`  refused: ${x.refused}`] : []),
          `  ${x.refused ? 'online, refused' : x.online ? 'online' : 'offline'} · last sync ${x.lastSync === null ? 'never' : at(x.lastSync, d.now())} · ${x.pending} pending · ${x.rejected} rejected${x.inDoubt ? ` (${x.inDoubt} of them may have been recorded all the same: \`creditdeck team outbox\`)` : ''}`,
        ].join('\n'),
      );
    });

  team
    .command('sync')
    .description("send this device's pending entries to the team host now")
    .argument('[team]', 'the team alias (default: the only one joined)')
    .action(async (alias?: string) => {
      const c = requireTeamCredentials(d.dbPath(), alias);
      const r = await withOutbox((o) => pushTeam(o, c, d.now, timeout()));
      // Another certificate at the host's address: not "not reachable"; said as it is, the entries kept.
      if (r.offline?.includes(CERT_MISMATCH)) throw new InputError(r.offline, 'fingerprint');
      if (r.offline !== null) {
        const left = await withOutbox(async (o) => o.counts(c.team.id).pending);
        throw new Error(`the team host is not reachable (${r.offline}); ${left} entr${left === 1 ? 'y stays' : 'ies stay'} pending`);
      }
      const pulled = await withOutbox((o) => pullMirror(c, o, timeout()));
      print({ pushed: r.pushed, accepted: r.accepted, duplicate: r.duplicate, rejected: r.rejected, asOf: pulled.asOf }, (x) =>
        `Sent ${x.pushed}: ${x.accepted} accepted, ${x.duplicate} already there, ${x.rejected} rejected${x.rejected ? ' (`creditdeck team outbox`)' : ''}. The team's numbers here are as of ${at(x.asOf, d.now())}.`,
      );
    });

  team
    .command('outbox')
    .description('entries the team host rejected (with why), and what is still pending')
    .argument('[team]', 'the team alias (default: the only one joined)')
    .option('--dismiss <entry>', 'you have read this rejection: take it off the list')
    .action(async (alias: string | undefined, o: { dismiss?: string }) => {
      const c = requireTeamCredentials(d.dbPath(), alias);
      await withOutbox(async (box) => {
        if (o.dismiss !== undefined && !box.dismiss(o.dismiss)) throw new InputError(`${o.dismiss} is not a rejected entry of this outbox`, '--dismiss');
        const view = (e: OutboxEntry) => ({ id: e.id, call: e.call, input: e.input, createdAt: new Date(e.createdAt).toISOString(), status: e.status, reason: e.reason, message: e.message, inDoubt: e.inDoubt });
        const pending = box.pending(c.team.id).map(view);
        const rejected = box.rejected(c.team.id).map(view);
        print({ pending, rejected }, (x) =>
          [
            `${x.pending.length} pending, ${x.rejected.length} rejected`,
            ...x.pending.map((e) => `  pending   ${e.id}  ${String(e.input.account)} ${String(e.input.action)} ${String(e.input.quantity ?? 1)}  ${e.createdAt}`),
            // In doubt: refused unjudged after a send whose answer was lost; it may be on the host.
            ...x.rejected.map((e) => `  ${e.inDoubt ? 'in doubt' : 'rejected'}  ${e.id}  ${String(e.input.account)} ${String(e.input.action)}: ${e.message ?? e.reason}`),
          ].join('\n'),
        );
      });
    });

  team
    .command('leave')
    .description("forget this device's credentials for a team (its pending entries only once you agree)")
    .argument('[team]', 'the team alias (default: the only one joined)')
    .option('--drop-pending', 'leave even though entries were never sent: they are lost')
    .action(async (alias: string | undefined, o: { dropPending?: boolean }) => {
      const c = requireTeamCredentials(d.dbPath(), alias);
      const pending = await withOutbox(async (box) => box.counts(c.team.id).pending);
      if (pending > 0 && !o.dropPending) {
        const answer = await d.ask(`${pending} entr${pending === 1 ? 'y was' : 'ies were'} never sent to ${c.team.name}; leaving drops ${pending === 1 ? 'it' : 'them'}. Leave anyway? [y/N] `);
        if (answer === null || !/^y(es)?$/i.test(answer.trim())) {
          throw new InputError(answer === null ? `${pending} entries are still pending: run \`creditdeck team sync\` first, or leave with --drop-pending` : 'still a member: nothing was changed', '--drop-pending');
        }
      }
      const dropped = await withOutbox(async (box) => {
        new Mirror(box.db).forget(c.team.id);
        return box.forget(c.team.id);
      });
      forgetTeam(d.dbPath(), c.alias);
      print({ left: c.team, dropped }, (x) => `Left ${x.left.name} on this device${x.dropped ? ` (${x.dropped} outbox entries dropped)` : ''}. Its host still has everything that was sent.`);
    });

  const fromMirror = (box: Outbox, c: TeamCredentials, account: string): TeamBalance | null => {
    const a = new Mirror(box.db).account(c.team.id, account);
    if (!a) return null;
    return { account: `${c.alias}/${account}`, source: 'mirror', asOf: new Mirror(box.db).asOf(c.team.id), balance: a.balance, pending: pendingNote(box, c, account) };
  };
  /** Ask the host; when it is out of reach, read this device's copy instead (`why` says so when the copy lacks the account). */
  const hostOrMirror = <T>(account: string, online: (c: TeamCredentials, id: string, box: Outbox) => Promise<T>, offline: (c: TeamReadRef, id: string, box: Outbox, why: string) => T): Promise<T> => {
    const t = teamAccount(account)!;
    const c = requireTeamCredentials(d.dbPath(), t.alias);
    return withOutbox(async (box) => {
      try {
        return await online(c, t.account, box);
      } catch (e) {
        if (!(e instanceof Offline)) throw e;
        return offline(c, t.account, box, `the team host is not reachable (${e.message}) and `);
      }
    });
  };
  return {
    events: (account, o) =>
      hostOrMirror(
        account,
        async (c, id, box) => hostReads.events(c, id, (await hostCall(c, 'events.list', { account: id, limit: o.limit, ...(o.action !== undefined ? { action: o.action } : {}) }, timeout())) as { events: EventView[] }, hostReads.pending(box, c, id), o, hostReads.members(box, c, id)),
        (c, id, box, why) => mirrorReads.events(box, c, id, o, why),
      ),
    usage: (account, by) =>
      hostOrMirror(
        account,
        async (c, id, box) => hostReads.usage(c, id, (await hostCall(c, 'reports.usage', { account: id, by: [by, 'pool'] }, timeout())) as Report, by, hostReads.pending(box, c, id)),
        (c, id, box, why) => mirrorReads.usage(box, c, id, by, why),
      ),
    forecast: (account) =>
      hostOrMirror(
        account,
        async (c, id, box) => hostReads.forecast(c, id, (await hostCall(c, 'balance.get', { account: id }, timeout())) as Balance, hostReads.pending(box, c, id)),
        (c, id, box, why) => mirrorReads.forecast(box, c, id, d.now(), why),
      ),
    alerts: (account) =>
      hostOrMirror(
        account,
        async (c, id) => hostReads.alerts(c, id, (await hostCall(c, 'alerts.list', { account: id }, timeout())) as Alert[]),
        (c, id, box, why) => mirrorReads.alerts(box, c, id, why),
      ),
    fit: async (account, periods) => {
      const t = teamAccount(account)!;
      const c = requireTeamCredentials(d.dbPath(), t.alias);
      try {
        const r = (await hostCall(c, 'plans.fit', { account: t.account, ...(periods !== undefined ? { periods } : {}) }, timeout())) as FitReport;
        return { ...r, account, source: 'host' as const, asOf: new Date(d.now()).toISOString() };
      } catch (e) {
        if (!(e instanceof Offline)) throw e;
        throw new Error(`plan fit needs the team host, which is not reachable (${e.message}): it replays the team's past periods, which this device's copy does not hold`);
      }
    },
    direct: async (alias, name, input) => {
      const c = requireTeamCredentials(d.dbPath(), alias);
      try {
        return await hostCall(c, name, input, timeout());
      } catch (e) {
        if (!(e instanceof Offline)) throw e;
        throw new Error(`holds are team-wide, so ${name === 'holds.place' ? 'placing' : name === 'holds.list' ? 'listing' : name === 'holds.capture' ? 'capturing' : 'releasing'} one needs the team host, which is not reachable (${e.message}); nothing was done`);
      }
    },
    balance: async (account) => {
      const t = teamAccount(account)!;
      const c = requireTeamCredentials(d.dbPath(), t.alias);
      return withOutbox(async (box) => {
        try {
          const b = (await hostCall(c, 'balance.get', { account: t.account }, timeout())) as Record<string, unknown>;
          return { account, source: 'host' as const, asOf: String(b.at ?? ''), balance: b, pending: pendingNote(box, c, t.account) };
        } catch (e) {
          if (!(e instanceof Offline)) throw e;
          const m = fromMirror(box, c, t.account);
          if (!m) throw new InputError(`the team host is not reachable (${e.message}) and this device has no copy of ${account} yet: sync once while online`, 'account');
          return m;
        }
      });
    },
    mirrored: () => {
      const box = new Outbox(outboxPath(d.dbPath()));
      try {
        return listTeams(d.dbPath()).flatMap((c) => new Mirror(box.db).accounts(c.team.id).map((a) => fromMirror(box, c, a.id)!));
      } finally {
        box.close();
      }
    },
    /** `use TEAM/ACCOUNT …`: into the outbox, then to the host; the host's answer, or pending when it cannot be reached. */
    use: async (account, input, text) => {
      const t = teamAccount(account)!;
      const c = requireTeamCredentials(d.dbPath(), t.alias);
      const result = await withOutbox(async (o) => entryAnswer((await recordEntry(o, c, t.account, input, d.now, timeout())).entry, c.alias, WHERE));
      const pending = (result as { status?: string }).status === 'pending';
      print(result, (r) => (pending ? `pending: ${(r as { message: string }).message} (entry ${(r as { entry: string }).entry})` : text(r as never)));
    },
  };
}

