/**
 * Offline entries that collide on the team host (issue 13), with real
 * processes: the host is `creditdeck serve --team`, each member's machine is
 * the `creditdeck` command line on its own folder, each a child process; the
 * host's clock is the real one. Two members spend the last credits offline:
 * one entry overdraws the pool, flagged (alert, balance, the other member's
 * mirror), then the next grant repays it. The offline allowance refuses on the
 * member's machine, in both modes of the team's setting. Late entries: inside
 * the grace window booked in their period out of what expired at the reset,
 * outside it rejected (late_entry) and kept in the outbox, also when the
 * window is set shorter.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { openLedger } from '../../main/core/api/open.js';
import { getAccount } from '../../main/core/ledger/accounts.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { Mirror } from '../../main/core/sync/mirror.js';
import { Outbox } from '../../main/core/sync/outbox.js';
import { loadOrCreateHostKey } from '../../main/core/team/host-key.js';
import { createInvite } from '../../main/core/team/invites.js';
import { initTeam, localOwner } from '../../main/core/team/team.js';
import { periodAt } from '../../main/core/util/period.js';
import { inviteLink } from '../../main/web/invite-link.js';
import { bundle } from '../stress/lib/bundle.js';
import { killStarted, run } from '../stress/lib/proc.js';
import { startHost, stopHost, type HostProcess } from '../stress/lib/team-host.js';
import { ledgerProblems } from '../stress/lib/verify.js';
import { freePort } from '../util/free-port.js';

let cli: string;
const dirs: string[] = [];

beforeAll(async () => {
  cli = (await bundle('collide', { cli: 'test/stress/children/cli.ts' })).cli!;
});

afterAll(() => {
  killStarted();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A team host's ledger file, set up in this process before the host starts; invites for the members named. */
function hostLedger(setup: (ctx: Ctx) => void, members: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'creditdeck-collide-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'host'));
  const db = join(dir, 'host', 'host.sqlite');
  const ctx = openLedger(db);
  const key = loadOrCreateHostKey(db);
  initTeam(ctx, key, { name: 'Studio', owner: 'ana' });
  setup(ctx);
  const invites = Object.fromEntries(members.map((m) => [m, createInvite(ctx, key, localOwner(ctx), { role: 'member', member: m, name: m.toUpperCase() }).invite]));
  ctx.db.close();
  return { dir, db, invites };
}

/** Run `creditdeck` on a ledger file as its own process; `json()` parses what it printed. */
async function cd(db: string, args: string[]) {
  const f = await run(cli, ['--db', db, ...args], { CREDITDECK_TEAM_TIMEOUT_MS: '3000' });
  return { ...f, json: () => JSON.parse(f.out) as Record<string, unknown> };
}

/** A member's machine: its own folder and ledger, joined to the host with its invite. */
async function member(dir: string, name: string, host: HostProcess, invite: string) {
  mkdirSync(join(dir, name));
  const db = join(dir, name, 'creditdeck.sqlite');
  const joined = await cd(db, ['team', 'join', inviteLink(host.url, invite, host.fingerprint), '--device', `${name}-laptop`]);
  expect(joined.code, joined.err).toBe(0);
  return { db, cli: (args: string[]) => cd(db, args) };
}

/** Read the host's ledger beside the running host (WAL: a reader does not disturb it); its checks must pass. */
function onHost<T>(db: string, read: (ctx: Ctx) => T): T {
  const ctx = openLedger(db);
  try {
    expect(ledgerProblems(ctx)).toEqual([]);
    return read(ctx);
  } finally {
    ctx.db.close();
  }
}

type Pool = { pool: string; remaining: number; overdrawn: number; overdrawnBy: { member: string; credits: number }[] };
const videoPool = (b: Record<string, unknown>): Pool => ((b.balance as { pools: Pool[] }).pools.find((p) => p.pool === 'video'))!;

describe('offline entries that collide on the team host (real host and member processes)', () => {
  it('two members spend the last credits offline: one entry overdraws the pool, is flagged, and the next grant repays it', async () => {
    const h = hostLedger((ctx) => {
      call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise' });
      call(ctx, 'usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 19 });
    }, ['mo', 'li']);
    // The team's setting, fixed mode: 2 credits per member per pool (never more than the pool has left).
    const set = await cd(h.db, ['team', 'settings', '--allowance', '2']);
    expect(set.code, set.err).toBe(0);
    expect(set.out).toMatch(/offline, each member may spend 2 credits per member per pool/);
    const port = await freePort();
    let host = await startHost(cli, h.db, port);
    const mo = await member(h.dir, 'mo', host, h.invites.mo!);
    const li = await member(h.dir, 'li', host, h.invites.li!);

    // The host goes away; both spend the last 2 videos, each within their own allowance.
    await stopHost(host);
    expect((await mo.cli(['--json', 'use', 'studio/fluxnote-rise', 'video', '2'])).json()).toMatchObject({ status: 'pending' });
    expect((await li.cli(['--json', 'use', 'studio/fluxnote-rise', 'video', '2'])).json()).toMatchObject({ status: 'pending' });
    // Past the allowance, refused on the member's machine, nothing kept.
    const past = await mo.cli(['use', 'studio/fluxnote-rise', 'video']);
    expect(past.code).toBe(3);
    expect(past.err).toMatch(/offline_allowance.*may spend 2 video credits of studio\/fluxnote-rise until it syncs/);

    host = await startHost(cli, h.db, port);
    expect((await mo.cli(['--json', 'team', 'sync'])).json()).toMatchObject({ pushed: 1, accepted: 1, rejected: 0 });
    expect((await li.cli(['--json', 'team', 'sync'])).json()).toMatchObject({ pushed: 1, accepted: 1, rejected: 0 });
    // Mo's arrived first and took the last 2 videos; Li's is recorded anyway, the pool 2 in debt, Li's, and the owners told.
    const hostSide = onHost(h.db, (ctx) => ({
      debts: ctx.db.prepare('SELECT member, amount_mc FROM overdrafts').all(),
      alerts: ctx.db.prepare(`SELECT member, message FROM alerts WHERE kind = 'overdrawn'`).all() as { member: string; message: string }[],
      events: ctx.db.prepare(`SELECT member, quantity_milli FROM events WHERE key LIKE 'push-%' ORDER BY seq`).all(),
    }));
    expect(hostSide.debts).toEqual([{ member: 'li', amount_mc: 2000 }]);
    expect(hostSide.alerts).toEqual([{ member: 'li', message: expect.stringMatching(/li's video used offline overdrew the video credits by 2; the next grant or reset repays it first/) }]);
    expect(hostSide.events).toEqual([
      { member: 'mo', quantity_milli: 2000 },
      { member: 'li', quantity_milli: 2000 },
    ]);
    const owed = await li.cli(['--json', 'balance', 'studio/fluxnote-rise']);
    expect(owed.code, owed.err).toBe(0);
    expect(videoPool(owed.json())).toMatchObject({ remaining: 0, overdrawn: 2, overdrawnBy: [{ member: 'li', credits: 2 }] });
    expect((await li.cli(['balance', 'studio/fluxnote-rise'])).out).toMatch(/overdrawn: video owes 2 video credits \(li 2\), repaid first by the next grant or reset/);
    // Mo's mirror carries it too: the balance and Li's event, flagged.
    expect((await mo.cli(['team', 'sync'])).code).toBe(0);
    const box = new Outbox(join(h.dir, 'mo', 'outbox.sqlite'));
    try {
      const team = (JSON.parse(readFileSync(join(h.dir, 'mo', 'teams', 'studio.json'), 'utf8')) as { team: { id: string } }).team.id;
      const mirror = new Mirror(box.db);
      expect(mirror.account(team, 'fluxnote-rise')!.balance.pools.find((p) => p.pool === 'video')).toMatchObject({ overdrawn: 2 });
      expect(mirror.events(team, 'fluxnote-rise', 2)).toEqual([expect.objectContaining({ member: 'li', overdrawn: 2 }), expect.objectContaining({ member: 'mo', overdrawn: 0 })]);
    } finally {
      box.close();
    }
    // Online, at zero, a use is refused as ever: only what was recorded offline overdraws.
    const online = await mo.cli(['use', 'studio/fluxnote-rise', 'video']);
    expect(online.code).toBe(3);
    expect(online.err).toMatch(/not enough video credits/);

    // The next grant repays the debt first: 5 granted, 3 left.
    const grant = await cd(h.db, ['grant', 'fluxnote-rise', 'video', '5', '--source', 'bonus']);
    expect(grant.code, grant.err).toBe(0);
    const repaid = await mo.cli(['--json', 'balance', 'studio/fluxnote-rise']);
    expect(videoPool(repaid.json())).toMatchObject({ remaining: 3, overdrawn: 0, overdrawnBy: [] });
    expect(onHost(h.db, (ctx) => ctx.db.prepare('SELECT kind, amount_mc FROM overdraft_moves').all())).toEqual([{ kind: 'repay', amount_mc: 2000 }]);
    await stopHost(host);
  }, 120_000);

  it('the allowance as a share of the pool: the lease follows the setting, and the member is refused locally past it', async () => {
    const h = hostLedger((ctx) => void call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise' }), ['mo']);
    const set = await cd(h.db, ['--json', 'team', 'settings', '--allowance', '50%']);
    expect(set.json()).toMatchObject({ allowance: { share: 50 } });
    const host = await startHost(cli, h.db, await freePort());
    // Half of the 21 videos, split between the two who record (Ana and Mo): 5.25 each.
    const mo = await member(h.dir, 'mo', host, h.invites.mo!);
    await stopHost(host);
    expect((await mo.cli(['--json', 'use', 'studio/fluxnote-rise', 'video', '5'])).json()).toMatchObject({ status: 'pending' });
    const past = await mo.cli(['use', 'studio/fluxnote-rise', 'video']);
    expect(past.code).toBe(3);
    expect(past.err).toMatch(/may spend 5\.25 video credits .* would come to about 6; nothing was recorded/);
    // A bad setting says what was wrong and changes nothing.
    const bad = await cd(h.db, ['team', 'settings', '--allowance', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--allowance must be a share of the pool \("10%"\) or credits per member \("5"\)/);
    expect((await cd(h.db, ['--json', 'team', 'settings'])).json()).toMatchObject({ allowance: { share: 50 } });
  }, 120_000);

  it('late entries: inside the grace window booked in their period out of what expired at the reset; outside it rejected and kept', async () => {
    // A Rise account a year old whose reset day is today (00:00 UTC): the last reset is less than a day ago.
    const anchor = DateTime.utc().minus({ years: 1 }).startOf('day');
    let reset = 0;
    let before = 0;
    const h = hostLedger((ctx) => {
      call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: anchor.toISODate()!, at: anchor.plus({ hours: 1 }).toISO()! });
      const rule = getAccount(ctx, 'fluxnote-rise').rule;
      reset = periodAt(rule, Date.now()).start;
      before = periodAt(rule, reset - 1).start;
      // 15 of the closed period's 21 videos used, 2 hours before its reset; then one today, which books the reset: 6 expired.
      call(ctx, 'usage.record', { account: 'fluxnote-rise', action: 'video', quantity: 15, at: new Date(reset - 2 * 3_600_000).toISOString() });
      call(ctx, 'usage.record', { account: 'fluxnote-rise', action: 'video' });
    }, ['mo']);
    expect(await cd(h.db, ['team', 'settings', '--allowance', '10'])).toMatchObject({ code: 0 });
    const port = await freePort();
    let host = await startHost(cli, h.db, port);
    const mo = await member(h.dir, 'mo', host, h.invites.mo!);
    await stopHost(host);
    // Offline: 4 videos dated an hour before the last reset (inside the default 72 hours), 1 dated before the reset
    // a month earlier (that window closed long ago).
    const atIso = (t: number) => new Date(t).toISOString();
    expect((await mo.cli(['--json', 'use', 'studio/fluxnote-rise', 'video', '4', '--at', atIso(reset - 3_600_000)])).json()).toMatchObject({ status: 'pending' });
    expect((await mo.cli(['--json', 'use', 'studio/fluxnote-rise', 'video', '1', '--at', atIso(before - 3_600_000)])).json()).toMatchObject({ status: 'pending' });
    host = await startHost(cli, h.db, port);
    expect((await mo.cli(['--json', 'team', 'sync'])).json()).toMatchObject({ pushed: 2, accepted: 1, rejected: 1 });
    const box = (await mo.cli(['--json', 'team', 'outbox'])).json() as { rejected: { reason: string; message: string; input: { at: string } }[] };
    expect(box.rejected).toEqual([expect.objectContaining({ reason: 'late_entry', message: expect.stringMatching(/after FluxNote Rise's grace window for that period: it reset at .* and late entries are taken for 72 hours after a reset/) })]);
    // The late one is booked in its own period, all of it out of the 6 that expired: today's balance did not move.
    const booked = onHost(h.db, (ctx) => ({
      event: ctx.db.prepare(`SELECT member, at, quantity_milli FROM events WHERE key LIKE 'push-%'`).all(),
      drawn: ctx.db.prepare('SELECT SUM(amount_mc) AS mc FROM late_draws').get(),
      refused: ctx.db.prepare(`SELECT member, reason FROM refusals WHERE reason = 'late_entry'`).all(),
    }));
    expect(booked).toEqual({ event: [{ member: 'mo', at: reset - 3_600_000, quantity_milli: 4000 }], drawn: { mc: 4000 }, refused: [{ member: 'mo', reason: 'late_entry' }] });
    const now = await mo.cli(['--json', 'balance', 'studio/fluxnote-rise']);
    expect(videoPool(now.json())).toMatchObject({ remaining: 20, overdrawn: 0 });

    // The account's window set to 0 hours: the same kind of entry is now too late.
    expect((await cd(h.db, ['account', 'set', 'fluxnote-rise', '--grace-hours', '0'])).code).toBe(0);
    await stopHost(host);
    expect((await mo.cli(['--json', 'use', 'studio/fluxnote-rise', 'video', '1', '--at', atIso(reset - 1_800_000)])).json()).toMatchObject({ status: 'pending' });
    host = await startHost(cli, h.db, port);
    expect((await mo.cli(['--json', 'team', 'sync'])).json()).toMatchObject({ pushed: 1, accepted: 0, rejected: 1 });
    const later = (await mo.cli(['--json', 'team', 'outbox'])).json() as { rejected: { reason: string; message: string }[] };
    expect(later.rejected.map((r) => r.reason)).toEqual(['late_entry', 'late_entry']);
    expect(later.rejected.some((r) => /taken for 0 hours after a reset/.test(r.message))).toBe(true);
    onHost(h.db, () => undefined);
    await stopHost(host);
  }, 120_000);
});
