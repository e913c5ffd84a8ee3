/**
 * The desktop app as a member of a team hosted elsewhere (Settings → Team →
 * Join; docs/desktop.md): joining from an invite link, recording to the
 * team's accounts through the outbox, and sending it in the background — at
 * once when the app starts and after each write, then with backoff while the
 * host is out of reach (5 s doubling to 5 min), and a pull now and then while
 * it answers so the mirror stays fresh. The same core modules and host road
 * as the command line (main/core/sync, main/web/member-link.ts); the outbox
 * and the mirror are the app's own file (member-outbox.sqlite in its data
 * folder), the token is kept with safeStorage (membership-store.ts).
 * `changed` tells the tray to look again; `notify` shows what the member must
 * know while the window may be shut: a rejected entry, an entry that overdrew
 * its pool (the host's `overdrawn`).
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { MembershipStatus, MembershipView, RejectedEntry, SyncState, TeamAccountView, TeamFit, TeamMembership } from '../core/api/membership.js';
import type { ActionView } from '../core/ledger/config.js';
import type { Balance } from '../core/ledger/balance.js';
import { teamAlias, type TeamCredentials } from '../core/sync/credentials.js';
import { parseJoinLink, refuseJoinedAgain } from '../core/sync/join-link.js';
import { Mirror, pendingEstimate } from '../core/sync/mirror.js';
import { Outbox, type OutboxEntry, type Settlement } from '../core/sync/outbox.js';
import { pushOutbox } from '../core/sync/push.js';
import { mirrorReads } from '../core/sync/team-reads.js';
import { InputError } from '../core/util/errors.js';
import { ForbiddenError } from '../core/team/types.js';
import { CERT_MISMATCH, entryAnswer, hostCall, Offline, ONLINE_TIMEOUT_MS, pullMirror, pushSender, recordEntry, redeemInvite } from '../web/member-link.js';
import type { MembershipStore, StoredTeam } from './membership-store.js';
import type { TeamPaceSource } from './notify.js';
import type { Timers } from './timers.js';

export const MEMBER_OUTBOX_FILE = 'member-outbox.sqlite';
export const BACKOFF = { firstMs: 5_000, maxMs: 5 * 60_000 } as const;
/** While the host answers, the mirror is pulled this often (the tray's numbers, the "as of"). */
export const PULL_EVERY_MS = 5 * 60_000;

export interface MembershipNotice {
  title: string;
  body: string;
}

export interface MembershipDeps {
  /** The app's data folder: the outbox and mirror file. */
  dir: string;
  store: MembershipStore;
  timers: Timers;
  now: () => number;
  log: (line: string) => void;
  notify: (n: MembershipNotice) => void;
  /** Something the tray shows changed. */
  changed: () => void;
  timeoutMs?: number;
  backoff?: { firstMs: number; maxMs: number };
  pullEveryMs?: number;
  /** The device's name on the team when the member gives none. */
  deviceName?: string;
}

export interface AppMembership extends TeamMembership {
  /** Try every joined team now (the app's start); later tries are scheduled. */
  start(): void;
  /** Every joined team's account with its pace from the mirror, this device's pending entries counted (notify.ts warns as for local pools). */
  paceSources(): TeamPaceSource[];
  /** The app quits: no more tries; the outbox file is closed. */
  close(): void;
}

/** Per team, what only this run knows: whether the host answered, since when it has not, the next try. */
interface Live {
  offlineSince: number | null;
  lastError: string | null;
  failures: number;
  timer: unknown;
  nextTry: number | null;
  running: Promise<void> | null;
}

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

const rejectedView = (e: OutboxEntry): RejectedEntry => ({
  id: e.id,
  account: String(e.input.account ?? ''),
  action: String(e.input.action ?? ''),
  quantity: Number(e.input.quantity ?? 1),
  at: new Date(e.createdAt).toISOString(),
  reason: e.reason ?? 'error',
  message: e.message ?? 'rejected by the team host',
  inDoubt: e.inDoubt,
});

/** The credits an entry overdrew its pool by, when the host says so (an offline entry is a fact: past its pool it is booked and the shortfall owed). */
function overdrawnBy(a: Settlement): number | null {
  const r = a.result as { overdrawn?: unknown } | null | undefined;
  return typeof r?.overdrawn === 'number' && r.overdrawn > 0 ? r.overdrawn : null;
}

export function createMembership(deps: MembershipDeps): AppMembership {
  const timeout = deps.timeoutMs ?? ONLINE_TIMEOUT_MS;
  const backoff = deps.backoff ?? BACKOFF;
  const pullEvery = deps.pullEveryMs ?? PULL_EVERY_MS;
  let box: Outbox | null = null;
  const outbox = (): Outbox => (box ??= new Outbox(join(deps.dir, MEMBER_OUTBOX_FILE)));
  const live = new Map<string, Live>();
  let closed = false;
  // The host's last plan fit per account and periods asked, for this run only (never on disk): shown "as of" while the host is away.
  const fits = new Map<string, TeamFit>();
  // Rejections already told (the window showed it, or a notification did): never twice.
  const told = new Set<string>();
  const liveOf = (alias: string): Live => {
    let l = live.get(alias);
    if (!l) live.set(alias, (l = { offlineSince: null, lastError: null, failures: 0, timer: null, nextTry: null, running: null }));
    return l;
  };

  const find = (alias: string): StoredTeam => {
    const t = deps.store.list().find((x) => x.alias === alias);
    if (!t) throw new InputError(`this app has not joined a team called ${alias}`, 'team');
    return t;
  };

  const stateOf = (l: Live, pending: number): SyncState => (l.offlineSince !== null ? 'offline' : pending > 0 ? 'pending' : 'synced');

  const view = (t: StoredTeam): MembershipView => {
    const o = outbox();
    const l = liveOf(t.alias);
    const counts = o.counts(t.team.id);
    return {
      alias: t.alias,
      team: t.team,
      host: t.host,
      fingerprint: t.fingerprint,
      member: t.member,
      name: t.name,
      role: t.role,
      device: t.device,
      joinedAt: t.joinedAt,
      state: stateOf(l, counts.pending),
      pending: counts.pending,
      rejected: o.rejected(t.team.id).map(rejectedView),
      lastSync: iso(o.lastSync(t.team.id).at),
      offlineSince: iso(l.offlineSince),
      lastError: l.lastError,
      asOf: new Mirror(o.db).asOf(t.team.id),
      nextTry: iso(l.nextTry),
    };
  };

  const schedule = (alias: string, ms: number): void => {
    const l = liveOf(alias);
    if (l.timer !== null) deps.timers.clearTimeout(l.timer);
    l.timer = null;
    l.nextTry = null;
    if (closed) return;
    l.nextTry = deps.now() + ms;
    l.timer = deps.timers.setTimeout(() => {
      l.timer = null;
      l.nextTry = null;
      void syncTeam(alias).catch((e: unknown) => deps.log(`creditdeck: syncing ${alias} failed: ${(e as Error).message}`));
    }, ms);
  };

  /** The host answered: online again, the regular pull next. */
  const reached = (alias: string): void => {
    const l = liveOf(alias);
    l.offlineSince = null;
    l.lastError = null;
    l.failures = 0;
    schedule(alias, pullEvery);
  };

  /** The host did not answer: offline since the first failure, the next try after the backoff. */
  const missed = (alias: string, why: string): void => {
    const l = liveOf(alias);
    l.offlineSince ??= deps.now();
    l.lastError = why;
    const wait = Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(l.failures, 20));
    l.failures++;
    schedule(alias, wait);
  };

  /** New rejections and overdrafts, each told once. */
  const tellNew = (t: StoredTeam, answers: readonly Settlement[]): void => {
    for (const e of outbox().rejected(t.team.id)) {
      if (told.has(e.id)) continue;
      told.add(e.id);
      const r = rejectedView(e);
      deps.notify({ title: r.inDoubt ? `${t.team.name} refused an entry that may be recorded` : `${t.team.name} rejected an entry`, body: `${t.alias}/${r.account}: ${r.action} × ${r.quantity} — ${r.message}. It is kept in Settings → Team until you dismiss it.` });
    }
    for (const a of answers) {
      const by = overdrawnBy(a);
      if (by === null || told.has(`overdrawn ${a.id}`)) continue;
      told.add(`overdrawn ${a.id}`);
      const e = outbox().get(a.id);
      const what = e ? `${t.alias}/${String(e.input.account)}: ${String(e.input.action)}` : t.team.name;
      deps.notify({ title: `${t.team.name}: a pool is overdrawn`, body: `${what} was used while this computer was offline, after the pool ran out: ${by} credits are owed, taken from the next grant, top-up or reset.` });
    }
  };

  /** Push what waits, then pull; one at a time per team (a second ask waits for the first). */
  const syncTeam = (alias: string): Promise<void> => {
    const l = liveOf(alias);
    if (l.running) return l.running;
    const run = (async () => {
      const t = find(alias);
      const c = deps.store.credentials(alias);
      const answers: Settlement[] = [];
      const send = pushSender(c, timeout);
      const pushed = await pushOutbox(outbox(), c.team.id, async (entries) => {
        const a = await send(entries);
        answers.push(...a);
        return a;
      }, deps.now);
      if (pushed.offline?.includes(CERT_MISMATCH)) {
        // Not offline: something else answers at the host's address. The entries wait; Settings says what to check.
        reached(alias);
        liveOf(alias).lastError = pushed.offline;
      } else if (pushed.offline !== null) {
        missed(alias, pushed.offline);
      } else {
        try {
          await pullMirror(c, outbox(), timeout);
          outbox().noteSync(c.team.id, deps.now(), null);
          reached(alias);
        } catch (e) {
          if (e instanceof Offline) missed(alias, e.message);
          else {
            // The host answered, and refused (a revoked device): not offline; the window says why.
            reached(alias);
            liveOf(alias).lastError = (e as Error).message;
          }
        }
      }
      tellNew(t, answers);
      deps.changed();
    })();
    l.running = run.finally(() => (l.running = null));
    return l.running;
  };

  const status = (): MembershipStatus => ({ teams: deps.store.list().map(view) });

  const accounts = (): TeamAccountView[] => {
    const o = outbox();
    const mirror = new Mirror(o.db);
    return deps.store.list().flatMap((t) => {
      const pending = o.pending(t.team.id);
      const state = stateOf(liveOf(t.alias), pending.length);
      const asOf = mirror.asOf(t.team.id);
      return mirror.accounts(t.team.id).map((a): TeamAccountView => {
        const est = pendingEstimate(a, pending);
        return {
          ref: `${t.alias}/${a.id}`,
          alias: t.alias,
          team: t.team,
          id: a.id,
          name: a.name,
          zone: a.zone,
          actions: a.actions as unknown as ActionView[],
          balance: a.balance as unknown as Balance,
          asOf,
          state,
          pendingEntries: est.entries,
          pending: Object.entries(est.byPool).map(([pool, credits]) => ({ pool, pendingCredits: Math.round(credits * 1000) / 1000 })),
          plan: a.plan ?? null,
          alerts: a.alerts ?? [],
          members: a.members ?? [],
        };
      });
    });
  };

  /** TEAM/ACCOUNT → the joined team's reference for the mirror's reads, and the account's id there. */
  const readRef = (account: string) => {
    const i = account.indexOf('/');
    const t = find(account.slice(0, i));
    return { c: { alias: t.alias, team: t.team, member: t.member }, id: account.slice(i + 1) };
  };

  return {
    status,
    accounts,
    events(account, o) {
      const r = readRef(account);
      return mirrorReads.events(outbox(), r.c, r.id, o);
    },
    usage(account, by) {
      const r = readRef(account);
      return mirrorReads.usage(outbox(), r.c, r.id, by);
    },
    forecast(account) {
      const r = readRef(account);
      return mirrorReads.forecast(outbox(), r.c, r.id, deps.now());
    },
    async fit(account, periods) {
      const r = readRef(account);
      const c = deps.store.credentials(r.c.alias);
      const key = `${account}\u0000${periods ?? ''}`;
      try {
        const report = (await hostCall(c, 'plans.fit', { account: r.id, ...(periods !== undefined ? { periods } : {}) }, timeout)) as TeamFit['report'];
        const answer: TeamFit = { account, source: 'host', asOf: new Date(deps.now()).toISOString(), report, message: null };
        fits.set(key, answer);
        return answer;
      } catch (e) {
        if (e instanceof ForbiddenError) return { account, source: 'forbidden', asOf: null, report: null, message: e.message };
        if (!(e instanceof Offline)) throw e;
        const last = fits.get(key);
        return last ? { ...last, source: 'remembered', message: e.message } : { account, source: 'offline', asOf: null, report: null, message: e.message };
      }
    },
    paceSources() {
      const mirror = new Mirror(outbox().db);
      return deps.store.list().flatMap((t) =>
        mirror.accounts(t.team.id).map((a) => ({ ref: `${t.alias}/${a.id}`, name: a.name, pools: mirrorReads.forecast(outbox(), { alias: t.alias, team: t.team, member: t.member }, a.id, deps.now()).pools })),
      );
    },
    async join(link, device) {
      const j = parseJoinLink(link);
      const name = device ?? deps.deviceName ?? (hostname().slice(0, 64) || 'desktop app');
      // An invite works once: nowhere safe to keep the token means it is not spent.
      deps.store.check();
      refuseJoinedAgain(deps.store.list(), j, () => 'leave it in Settings → Team');
      const r = await redeemInvite(j, name);
      const alias = teamAlias(r.team.name);
      if (deps.store.list().some((x) => x.alias === alias)) throw new InputError(`this app is already a member of a team called ${r.team.name}: leave it first to join this one`, 'link');
      const creds: TeamCredentials = { alias, team: r.team, host: j.url, fingerprint: j.fingerprint, member: r.member, name: r.name, role: r.role, device: name, token: r.token, joinedAt: new Date(deps.now()).toISOString() };
      deps.store.save(creds);
      deps.log(`creditdeck: joined ${r.team.name} at ${j.url} as ${r.member} (${r.role})`);
      // The first pull: the team's accounts here, and this device's offline allowance.
      await syncTeam(alias).catch((e: unknown) => deps.log(`creditdeck: the first sync with ${r.team.name} failed: ${(e as Error).message}`));
      return view(find(alias));
    },
    async sync(alias) {
      const teams = alias === undefined ? deps.store.list() : [find(alias)];
      for (const t of teams) await syncTeam(t.alias);
      return status();
    },
    async leave(alias, dropPending) {
      const t = find(alias);
      await liveOf(alias).running;
      const pending = outbox().counts(t.team.id).pending;
      if (pending > 0 && !dropPending) {
        throw new InputError(`${pending} ${pending === 1 ? 'entry was' : 'entries were'} never sent to ${t.team.name}: leaving drops ${pending === 1 ? 'it' : 'them'}. Send ${pending === 1 ? 'it' : 'them'} first, or leave anyway`, 'dropPending');
      }
      const l = liveOf(alias);
      if (l.timer !== null) deps.timers.clearTimeout(l.timer);
      live.delete(alias);
      new Mirror(outbox().db).forget(t.team.id);
      const dropped = outbox().forget(t.team.id);
      deps.store.forget(alias);
      deps.log(`creditdeck: left ${t.team.name}${dropped ? ` (${dropped} outbox entries dropped)` : ''}`);
      deps.changed();
      return { left: t.team, dropped };
    },
    async record(account, input) {
      const i = account.indexOf('/');
      const alias = account.slice(0, i);
      const id = account.slice(i + 1);
      find(alias);
      const c = deps.store.credentials(alias);
      await liveOf(alias).running;
      let answer: unknown;
      try {
        const { entry, push } = await recordEntry(outbox(), c, id, input, deps.now, timeout);
        // A write that finds the host away starts the retries, but does not lengthen them (only the background's own tries do).
        if (push.offline === null) reached(alias);
        else if (liveOf(alias).offlineSince === null || liveOf(alias).timer === null) missed(alias, push.offline);
        // Shown in the window now: no notification for it as well.
        if (entry.status === 'rejected') told.add(entry.id);
        answer = entryAnswer(entry, alias, () => `entry kept on this device: Settings → Team`);
      } finally {
        deps.changed();
      }
      return answer;
    },
    dismiss(alias, entry) {
      find(alias);
      if (!outbox().dismiss(entry)) throw new InputError(`${entry} is not a rejected entry of ${alias}`, 'entry');
      deps.changed();
      return status();
    },
    start() {
      for (const t of deps.store.list()) {
        // Rejections from an earlier run were told then (they stay listed in Settings): a restart does not tell them again.
        for (const e of outbox().rejected(t.team.id)) told.add(e.id);
        schedule(t.alias, 0);
      }
    },
    close() {
      closed = true;
      for (const l of live.values()) if (l.timer !== null) deps.timers.clearTimeout(l.timer);
      box?.close();
      box = null;
    },
  };
}
