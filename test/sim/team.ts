/**
 * The team simulation (issue 13): members' clients, each with its own outbox
 * (an SQLite file, opened a second time for a "second process"), its own
 * mirror and its own skewed clock, record usage on a team host while seeded
 * schedules partition and heal their links, lose answers after the host
 * committed, push from two processes at once, move the host's clock across
 * resets, grant credits and revoke devices. The host is in process: each push
 * goes through the team host's door (the device token authenticated, the
 * call run as the member through callAs, committed by the group-commit
 * writer) exactly as an HTTPS request would after its body is read.
 *
 * Every entry the host answers is decided again by the reference model
 * (test/sim/model.ts, the same one the single-ledger simulation uses), dated
 * by the member's clock and received at the host's; after every step the
 * host's balances equal the model's (every pool), and every entry is counted
 * exactly once: an outbox entry settled accepted or duplicate has its one
 * host event, a rejected one has none and keeps its reason, a pending one
 * has an event only if the host committed it and the answer was lost, and
 * every pushed event on the host belongs to one outbox entry. The ledger's
 * invariants are checked after every sync. Lists shrink like the
 * single-ledger simulation's (runner.ts: shrinkSteps).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call } from '../../main/core/api/handlers.js';
import { openLedger } from '../../main/core/api/open.js';
import { pushKey, type PushAnswer } from '../../main/core/api/sync.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { GroupCommit } from '../../main/core/ledger/group-commit.js';
import { checkInvariants } from '../../main/core/ledger/invariants.js';
import { overAllowance } from '../../main/core/sync/offline.js';
import type { TeamCredentials } from '../../main/core/sync/credentials.js';
import { Outbox } from '../../main/core/sync/outbox.js';
import type { PushEntry, PushResult } from '../../main/core/sync/push.js';
import { createInvite } from '../../main/core/team/invites.js';
import { initTeam, localOwner } from '../../main/core/team/team.js';
import { revokeToken } from '../../main/core/team/tokens.js';
import type { Caller } from '../../main/core/team/types.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { RefusedError } from '../../main/core/util/errors.js';
import { dispatchAs } from '../../main/web/dispatch.js';
import { envelopeResult, Offline, pullMirror, pushTeam, recordEntry, type Envelope, type HostCall } from '../../main/web/member-link.js';
import { teamCore } from '../../main/web/team-core.js';
import { TeamDoor } from '../../main/web/team-host.js';
import { HOUR, Model, type OfflineRules, type Outcome, type Source } from './model.js';
import {
  C,
  Mismatch,
  SCENARIOS,
  accountsFor,
  addAccounts,
  clockTarget,
  compareBalances,
  formatFailure,
  isoOf,
  kindOf,
  mcOf,
  prng,
  qtyMilli,
  randomClock,
  shrinkSteps,
  type ClockOp,
  type Failure,
} from './runner.js';

// ---------- the schedule ----------

export interface TeamSetup {
  scenario: number;
  /** Each account's grace window for late entries, in hours (accounts.set graceHours; the default is 72). */
  graceHours: number[];
  /** Each member's clock, ahead (+) or behind (−) the host's, in ms. */
  skews: number[];
}

/** How a client's link to the host fails: not at all, before the request leaves, or after the host committed (the answer is lost). */
export type Link = 'up' | 'down' | 'lossy';

export type TeamOp =
  | { t: 'record'; c: number; a: number; act: number; q: string; byo?: true; img?: number }
  | { t: 'sync'; c: number; twice?: true }
  | { t: 'link'; c: number; link: Link }
  | { t: 'skew'; c: number; ms: number }
  | { t: 'grant'; a: number; pool: number; amount: number; source: Exclude<Source, 'monthly' | 'upgrade'>; exp?: number }
  | { t: 'revoke'; c: number }
  | ClockOp;

/** A member's clock: mostly within two minutes, sometimes hours behind (late entries), sometimes ahead up to or past the 5 minutes the host allows. */
function randomSkew(r: ReturnType<typeof prng>): number {
  const x = r.next();
  if (x < 0.55) return r.int(-120, 120) * 1000;
  if (x < 0.8) return -r.int(1, 6 * 60) * 60_000 - r.int(0, 59_999);
  if (x < 0.92) return r.int(2 * 60, 5 * 60) * 1000;
  return r.int(5 * 60 + 1, 30 * 60) * 1000;
}

export function generateTeam(seed: number, steps: number): { setup: TeamSetup; ops: TeamOp[] } {
  const r = prng(seed);
  const members = r.int(2, 4);
  const skews = Array.from({ length: members }, () => randomSkew(r));
  const accs = accountsFor(SCENARIOS[seed % SCENARIOS.length]!);
  const setup: TeamSetup = { scenario: seed % SCENARIOS.length, skews, graceHours: accs.map(() => r.pick([72, 72, 0, 1, 24, 200])) };
  const ops: TeamOp[] = [];
  for (let i = 0; i < steps; i++) {
    const x = r.next();
    const c = r.int(0, members - 1);
    const a = r.int(0, accs.length - 1);
    const acc = accs[a]!;
    if (x < 0.45) {
      const act = r.int(0, acc.actions.length - 1);
      // Now and then a burst (a batch job, a long call): enough to run a pool dry, so entries overdraw it.
      const q = acc.actions[act]!.qty(r);
      const op: TeamOp = { t: 'record', c, a, act, q: r.chance(0.12) ? String(Math.max(1, Math.trunc(Number(q))) * r.int(20, 200)) : q };
      if (r.chance(0.03)) op.byo = true;
      if (acc.def.id === 'fluximage' && r.chance(0.9)) op.img = r.int(1, 12);
      ops.push(op);
    } else if (x < 0.6) ops.push({ t: 'sync', c, ...(r.chance(0.2) ? { twice: true as const } : {}) });
    else if (x < 0.72) ops.push({ t: 'link', c, link: r.pick(['up', 'up', 'up', 'down', 'down', 'lossy', 'lossy'] as const) });
    else if (x < 0.74) ops.push({ t: 'skew', c, ms: randomSkew(r) });
    else if (x < 0.78) {
      ops.push({
        t: 'grant',
        a,
        pool: r.int(0, acc.def.pools.length - 1),
        amount: r.int(1, 120) * C + (r.chance(0.2) ? r.int(1, 999) : 0),
        source: r.pick(['bonus', 'promo', 'manual', 'manual'] as const),
        ...(r.chance(0.3) ? { exp: r.int(1, 40 * 24) * HOUR } : {}),
      });
    } else if (x < 0.785) ops.push({ t: 'revoke', c });
    else ops.push(randomClock(r, a));
  }
  return { setup, ops };
}

// ---------- the host and its members ----------

interface Client {
  i: number;
  member: string;
  token: string;
  tokenId: string;
  /** What the device keeps of the team (the token is the door's; the host and fingerprint are never used in process). */
  creds: TeamCredentials;
  box: Outbox;
  /** The same outbox file opened by a second process (a second `team sync`). */
  twin: Outbox;
  skew: number;
  link: Link;
  revoked: boolean;
}

/** The host's latest answer for an entry (a rejected entry sent again is decided again), as the model decided it too. */
interface Answer {
  status: PushAnswer['status'];
  reason: string | null;
  eventId: string | null;
}

export interface TeamRunOptions {
  seed: number;
  /** The ledger's rules for entries that waited in an outbox; null: today's single-ledger rules (refused at zero, nothing late). Default: overdrafts and late entries within each account's grace window. */
  offline?: OfflineRules | null;
  model?: () => Model;
}

export interface TeamRunResult {
  failure: Failure | null;
  counts: Record<string, number>;
  end: string;
}

const HOST_KEY = Buffer.alloc(32, 7);
const bump = (counts: Record<string, number>, k: string) => void (counts[k] = (counts[k] ?? 0) + 1);

export async function runTeam(setup: TeamSetup, ops: readonly TeamOp[], opts: TeamRunOptions): Promise<TeamRunResult> {
  const scenario = SCENARIOS[setup.scenario]!;
  const accs = accountsFor(scenario);
  const clock = new ManualClock(Date.parse(scenario.start));
  const ctx: Ctx = openLedger(':memory:', { clock, ids: seededIds(opts.seed) });
  const model = opts.model ? opts.model() : new Model();
  model.offline = opts.offline !== undefined ? opts.offline : { graceMs: Object.fromEntries(accs.map((a, k) => [a.def.id, (setup.graceHours[k] ?? 72) * HOUR])) };
  // The outboxes are real files (a second process opens the same one); in memory where the system has it, so fsync costs nothing.
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'creditdeck-teamsim-'));
  const counts: Record<string, number> = {};
  const clients: Client[] = [];
  const answers = new Map<string, Answer>();
  /** A disagreement found inside the host's transaction, thrown once the push returns. */
  let broken: Mismatch | null = null;
  let step = -1;
  let entries = 0;

  // The model decides each entry of a push right after the host did, in the host's order, inside the same call.
  const observe = (caller: Caller, input: { entries: PushEntry[] }, out: { results: PushAnswer[] }) => {
    const now = clock.now();
    input.entries.forEach((e, k) => {
      const got = out.results[k]!;
      const i = e.input as { account: string; action: string; quantity: string; at: string; attrs?: Record<string, string>; byoKey?: boolean };
      const want = model.use(
        { acct: i.account, action: i.action, qtyMilli: qtyMilli(i.quantity), key: pushKey(e.id), byo: i.byoKey === true, attrs: i.attrs ?? {}, holdId: null, member: caller.member, arrived: now, offline: e.offline === true },
        Date.parse(i.at),
      );
      const problem = answerProblem(got, want);
      if (problem && !broken) broken = new Mismatch(`entry ${e.id} of ${caller.member} (${JSON.stringify(i)}) at ${isoOf(now)}: ${problem}`);
      const res = got.result as { overdrawn?: number; late?: unknown } | undefined;
      bump(counts, `answer:${got.status}${got.reason ? ` ${got.reason}` : ''}${got.status === 'accepted' && res?.overdrawn ? ' overdrawn' : ''}${got.status === 'accepted' && res?.late ? ' late' : ''}`);
      answers.set(e.id, { status: got.status, reason: got.reason ?? null, eventId: (got.result as { eventId?: string } | undefined)?.eventId ?? null });
    });
  };
  const core = {
    ...teamCore,
    callAs: (c: Ctx, caller: Caller, name: string, input: unknown, services?: Parameters<typeof teamCore.callAs>[4]) => {
      const out = teamCore.callAs(c, caller, name, input, services);
      if (name === 'team.push') observe(caller, input as { entries: PushEntry[] }, out as { results: PushAnswer[] });
      return out;
    },
  };
  const door = new TeamDoor({ ctx, key: HOST_KEY, core, limits: { freeFailures: 1_000_000 } });
  door.writer = new GroupCommit(ctx);

  /**
   * The client's road to the host in place of HTTPS (member-link.ts HostCall): one request through the door as
   * the device would make it, its envelope answered as hostCall answers it. The schedule cuts it before the host
   * (down: the connection never made) or after (lossy: the host committed, the answer lost).
   */
  const road = (c: Client): HostCall => async (_creds, name, input) => {
    if (c.link === 'down') throw new Offline('the network is down', false);
    const who = await door.authenticateBearer(c.token, '127.0.0.1', 'no token');
    const env = 'caller' in who ? await dispatchAs(name, input, door.runner(who.caller), undefined, door.extraCalls) : who.body;
    if (c.link === 'lossy') throw new Offline('the connection dropped before the answer came back');
    return envelopeResult(env as Envelope);
  };
  const clientNow = (c: Client) => () => clock.now() + c.skew;
  /** The real client code (member-link.ts pushTeam: pushSender, push.ts pushOutbox) over the simulated road. */
  const push = async (c: Client, box: Outbox = c.box): Promise<PushResult> => pushTeam(box, c.creds, clientNow(c), 0, undefined, road(c));
  /** After a push that reached the host: the mirror follows (member-link's pullMirror; a failed pull leaves it as it was). */
  const pull = async (c: Client): Promise<void> => void (await pullMirror(c.creds, c.box, 0, road(c)).catch(() => {}));

  const team = initTeam(ctx, HOST_KEY, { name: 'Studio', owner: 'olga' }).team;
  try {
    addAccounts(ctx, model, accs, scenario, clock.now());
    for (const [k, acc] of accs.entries()) if (setup.graceHours[k] !== undefined && setup.graceHours[k] !== 72) call(ctx, 'accounts.set', { account: acc.def.id, graceHours: setup.graceHours[k] });
    for (const [i, skew] of setup.skews.entries()) {
      const member = `m${i}`;
      const inv = createInvite(ctx, HOST_KEY, localOwner(ctx), { role: 'member', member, name: `Member ${i}` });
      const red = teamCore.redeemInvite(ctx, HOST_KEY, { invite: inv.invite, device: `device ${i}` }, null);
      const path = join(dir, `outbox-${i}.sqlite`);
      const box = new Outbox(path);
      const creds: TeamCredentials = { alias: 'studio', team, host: 'https://sim.invalid', fingerprint: '', member, name: `Member ${i}`, role: 'member', device: `device ${i}`, token: red.token, joinedAt: isoOf(clock.now()) };
      const c: Client = { i, member, token: red.token, tokenId: teamCore.tokenIdOf(red.token)!, creds, box, twin: new Outbox(path), skew, link: 'up', revoked: false };
      clients.push(c);
      await pull(c); // joining pulls once: the device has its allowance
    }

    for (step = 0; step < ops.length; step++) {
      const op = ops[step]!;
      let label: string = op.t;
      let synced = false;
      if (op.t === 'record') {
        const c = clients[op.c % clients.length]!;
        const acc = accs[op.a % accs.length]!;
        const action = acc.actions[op.act % acc.actions.length]!.id;
        const at = clientNow(c)();
        const input = { account: acc.def.id, action, quantity: op.q, at: isoOf(at), ...(op.byo ? { byoKey: true } : {}), ...(op.img !== undefined ? { attrs: { image: `img${op.img}` } } : {}) };
        const id = `ob-sim-${(entries++).toString().padStart(6, '0')}`;
        // The real member-link.ts recordEntry: into the outbox, everything pending to the host; online the mirror
        // follows; offline past the allowance it is dropped only when nothing was sent (the refusal thrown).
        try {
          const r = await recordEntry(c.box, c.creds, acc.def.id, input, () => at, 0, { call: road(c), id });
          if (r.push.offline === null) synced = true;
          else if (overAllowance(c.box, c.creds, acc.def.id, action)) label = 'record:over allowance, no answer: kept';
        } catch (e) {
          if (!(e instanceof RefusedError) || c.box.get(id) !== null) throw e;
          if (c.link !== 'down') throw new Mismatch(`entry ${id} was dropped past the allowance although its push may have reached the host (link ${c.link})`);
          label = 'record:over allowance';
        }
        if (label === 'record') {
          const e = c.box.get(id)!;
          label = `record:${e.status === 'rejected' ? `rejected ${e.reason}` : e.status === 'pending' ? `pending (${c.link})` : `${e.status} ${(e.result as { status?: string }).status}`}`;
        }
      } else if (op.t === 'sync') {
        const c = clients[op.c % clients.length]!;
        const rs = op.twice ? await Promise.all([push(c), push(c, c.twin)]) : [await push(c)];
        if (rs.every((r) => r.offline === null)) await pull(c);
        synced = true;
        label = `sync${op.twice ? ' (two processes)' : ''}:${c.link}${c.revoked ? ' revoked' : ''}`;
      } else if (op.t === 'link') {
        clients[op.c % clients.length]!.link = op.link;
        label = `link:${op.link}`;
      } else if (op.t === 'skew') {
        clients[op.c % clients.length]!.skew = op.ms;
      } else if (op.t === 'revoke') {
        const c = clients[op.c % clients.length]!;
        revokeToken(ctx, c.tokenId);
        c.revoked = true;
      } else if (op.t === 'grant') {
        const acc = accs[op.a % accs.length]!;
        const pool = acc.def.pools[op.pool % acc.def.pools.length]!;
        const now = clock.now();
        const expiresAt = op.exp === undefined ? null : now + op.exp;
        let got: Outcome;
        let grantId = '';
        try {
          grantId = call(ctx, 'grants.add', { account: acc.def.id, pool, amount: (op.amount / 1000).toFixed(3), source: op.source, ...(expiresAt !== null ? { expires: isoOf(expiresAt) } : {}) }).grantId;
          got = { kind: 'ok', status: 'granted', cost: 0 };
        } catch (e) {
          got = kindOf(e);
        }
        // The host's own write at its now: never in a closed period, since a member's entry stamped ahead is booked at the host's now (docs/team.md).
        const want = model.grant(acc.def.id, pool, op.amount, op.source, now, expiresAt, null, () => grantId);
        if (got.kind !== want.kind) throw new Mismatch(`grant: ledger ${JSON.stringify(got)}, model ${JSON.stringify(want)}`);
        label = want.kind === 'ok' ? `grant:${op.source}` : `grant:refused, ${want.kind}`;
      } else {
        clock.set(clockTarget(model, accs, op, clock.now()));
        label = `clock:${op.kind}`;
      }
      bump(counts, label);
      if (broken) throw broken;
      // As of the host's now: no entry is dated after it (one stamped by a clock running ahead is booked at it).
      compareBalances(ctx, model, accs, clock.now());
      countedOnce(ctx, model, clients, answers);
      if (synced) {
        const problems = checkInvariants(ctx);
        if (problems.length) throw new Mismatch(`invariants: ${problems.slice(0, 3).join('; ')}`);
      }
    }
    const problems = checkInvariants(ctx);
    if (problems.length) throw new Mismatch(`invariants at the end: ${problems.slice(0, 3).join('; ')}`);
    // How the outboxes end: settled, pending, rejected, or rejected in doubt (refused at the door after an unanswered send).
    for (const c of clients) for (const e of c.box.db.prepare('SELECT status, in_doubt FROM outbox').all() as { status: string; in_doubt: number }[]) bump(counts, `outbox:${e.status}${e.in_doubt ? ' in doubt' : ''}`);
    return { failure: null, counts, end: isoOf(clock.now()) };
  } catch (e) {
    const message = e instanceof Mismatch ? e.message : `unexpected ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    return { failure: { step, message: `at ${isoOf(clock.now())}: ${message}` }, counts, end: isoOf(clock.now()) };
  } finally {
    for (const c of clients) {
      c.box.close();
      c.twin.close();
    }
    ctx.db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What is wrong with the host's answer to an entry, by the model's outcome; null when they agree. */
function answerProblem(got: PushAnswer, want: Outcome): string | null {
  const r = got.result as { status?: string; credits?: number; eventId?: string; overdrawn?: number; late?: { reset: string; fromExpired: number } } | undefined;
  // An overdraft and a late booking are part of the answer: what the pool lacked, the reset, what came from expired credits.
  const extra = (overdrawn: number, late: { reset: string; fromExpired: number } | null) => `${overdrawn ? ` overdrawn ${overdrawn}` : ''}${late ? ` late (reset ${late.reset}, ${late.fromExpired} from expired)` : ''}`;
  const g =
    got.status === 'rejected' ? `rejected ${got.reason}`
    : got.status === 'duplicate' ? `duplicate ${r?.eventId}`
    : `accepted ${r?.status} ${mcOf(r?.credits ?? 0)} ${r?.eventId}${extra(mcOf(r?.overdrawn ?? 0), r?.late ? { reset: r.late.reset, fromExpired: mcOf(r.late.fromExpired) } : null)}`;
  const w =
    want.kind === 'ok' ? `accepted ${want.status} ${want.cost} ${want.eventId}${extra(want.overdrawn ?? 0, want.late ? { reset: isoOf(want.late.reset), fromExpired: want.late.fromExpired } : null)}`
    : want.kind === 'duplicate' ? `duplicate ${want.eventId}`
    : want.kind === 'refused' ? `rejected ${want.reason}`
    : 'rejected invalid_input';
  if (g === w) return null;
  return `host: ${g}${got.message ? ` (${got.message})` : ''}; model: ${w}${want.kind === 'invalid' ? ` (${want.why})` : ''}`;
}

/**
 * Every entry counted exactly once: each outbox row against the host's event
 * keyed by its id, the model's, and the host's latest answer; every pushed
 * event on the host is one outbox entry's, and the model holds the same ones.
 */
function countedOnce(ctx: Ctx, model: Model, clients: readonly Client[], answers: ReadonlyMap<string, Answer>): void {
  const hosted = new Map((ctx.db.prepare(`SELECT key, id FROM events WHERE key LIKE 'push-%'`).all() as { key: string; id: string }[]).map((e) => [e.key, e.id]));
  const modelled = new Map(model.events.filter((e) => e.key.startsWith('push-')).map((e) => [e.key, e.id]));
  if (modelled.size !== hosted.size) throw new Mismatch(`the host has ${hosted.size} pushed events, the model ${modelled.size}`);
  const owned = new Set<string>();
  for (const c of clients) {
    const rows = c.box.db.prepare('SELECT id, status, result_json, reason, message, sent_at, in_doubt FROM outbox').all() as {
      id: string;
      status: string;
      result_json: string | null;
      reason: string | null;
      message: string | null;
      sent_at: number | null;
      in_doubt: number;
    }[];
    for (const row of rows) {
      const key = pushKey(row.id);
      const ev = hosted.get(key) ?? null;
      const where = `${c.member}'s entry ${row.id} (${row.status})`;
      if (ev !== (modelled.get(key) ?? null)) throw new Mismatch(`${where}: the host recorded ${ev ?? 'nothing'}, the model ${modelled.get(key) ?? 'nothing'}`);
      if (ev !== null) owned.add(key);
      if (row.status === 'accepted' || row.status === 'duplicate') {
        const eventId = (JSON.parse(row.result_json ?? 'null') as { eventId?: string } | null)?.eventId ?? null;
        if (ev === null || eventId !== ev) throw new Mismatch(`${where} answered event ${eventId}, the host has ${ev ?? 'none'}`);
      } else if (row.status === 'rejected') {
        if (!row.reason || !row.message) throw new Mismatch(`${where} keeps no reason (${row.reason}: ${row.message})`);
        if (row.in_doubt === 1) {
          // Refused at the door after an unanswered send: on the host or not, and it says so.
          if (row.reason !== 'unauthorized' || row.sent_at === null || !row.message.includes(`push-${row.id}`)) throw new Mismatch(`${where} is in doubt without cause (${row.reason}, sent ${row.sent_at}: ${row.message})`);
          continue;
        }
        if (ev !== null) throw new Mismatch(`${where} was rejected (${row.reason}: ${row.message}) but the host recorded it as ${ev}`);
        const last = answers.get(row.id);
        // A revoked device's push is refused at the door, before any entry is answered.
        if (row.reason !== 'unauthorized' && (last?.status !== 'rejected' || last.reason !== row.reason)) throw new Mismatch(`${where} keeps reason ${row.reason}, the host answered ${JSON.stringify(last)}`);
      }
    }
  }
  for (const key of hosted.keys()) if (!owned.has(key)) throw new Mismatch(`the host recorded ${key} (${hosted.get(key)}), which no outbox holds`);
}

/** One seeded team run: generate, play, and on failure shrink (replaying each candidate) and explain. */
export async function simulateTeam(
  seed: number,
  steps: number,
  model?: () => Model,
  more: Omit<TeamRunOptions, 'seed' | 'model'> = {},
): Promise<{ ok: true; counts: Record<string, number>; end: string } | { ok: false; report: string; ops: TeamOp[] }> {
  const { setup, ops } = generateTeam(seed, steps);
  const opts: TeamRunOptions = { seed, ...more, ...(model ? { model } : {}) };
  const r = await runTeam(setup, ops, opts);
  if (!r.failure) return { ok: true, counts: r.counts, end: r.end };
  const shrinking = shrinkSteps(ops, r.failure, 400);
  let n = shrinking.next();
  while (!n.done) n = shrinking.next((await runTeam(setup, n.value, opts)).failure);
  return { ok: false, report: formatFailure(seed, setup, ops.length, n.value), ops: n.value.ops };
}

