/**
 * Usage in batches (issue 16): the import's lines and a team push's entries, recorded with the
 * per-event state kept in memory — the next sequence number, each pool's
 * grants and open holds, the period's usage, member counters and the
 * 15-minute rollup — instead of read and written back for every event. Each
 * line still writes its own event row and 'use' entries; the summary rows
 * (grant balances, period usage, counters, rollup) are written once per batch
 * by flush(), which the batch's owner calls before anything else reads them
 * (the import every 10,000 lines and at its end, team.push at its end).
 *
 * A line that needs a rule the fast path does not keep — a spending or
 * daily limit, a member's limit or a member not yet on the account, a rate
 * limit, dedupe, a hold, a team cap that applies, an entry recorded offline
 * (an overdraft, a late entry), a reset or expiry to book, an alert to
 * record, a refusal, a keyed replay, a time the ledger would reject — goes through the
 * general path (useInTx) after a flush, and the memory is dropped, since that
 * path may change anything. Either way the ledger comes out row for row as if
 * each line had been recorded alone, with the same answers (test/ledger/usage-batch.test.ts).
 *
 * `rows` (the import and a team push: ROWS_PER_INSERT) holds that many fast events and writes
 * them, and their entries, with one multi-row INSERT each: no statement call
 * and step per row (about a tenth of a plain line's time).
 * A held event's key is not in the table yet, so a replayed key is found by
 * looking it up (the held keys, then the table) rather than by the insert's
 * unique constraint. Held rows are written before anything else reads or
 * writes the ledger: by flush(), and before a line takes the general path.
 */
import { MAX_TOTAL_MC, mcToCredits, parseMilli } from '../util/credits.js';
import { iso, periodAt } from '../util/period.js';
import { getAccount, planAt, type Account } from './accounts.js';
import { poolAlertsCrossed } from './alerts.js';
import { addRollup, bumpCounter, bumpPeriodUsage, grantsInDrawOrder, isLiveAt, moveGrant, ROLLUP_MS, type LiveGrant, type RollupDelta } from './book.js';
import type { Ctx } from './context.js';
import { checkAttrs, checkKey, checkWriteTime, FUTURE_SKEW_MS } from './guards.js';
import { horizonState } from './materialize.js';
import { checkWholeUnits, costOf, dailyLimitsFor, eventIdOf, fingerprintOfJson, getAction, periodAllocation, useInTx, type ActionRow, type Debit, type UseInput, type UseStatus } from './usage.js';

interface PoolState {
  /** Grants with credits left, in draw-down order; remaining_mc kept current. */
  grants: LiveGrant[];
  holds: { outstanding_mc: number; expires_at: number }[];
  /** Period start → the pool's usage that period, as its summary row will say after the next flush. */
  used: Map<number, number>;
  /** Period start → periodAllocation (configuration: fixed while the memory lasts). */
  allocation: Map<number, number>;
}

interface AccountState {
  /** What materialize() reads: no reset, expiry or hold lapse is due before nextDue. */
  horizon: number;
  nextDue: number;
  /** checkWriteTime has passed once for this account since the memory was last dropped. */
  timeChecked: boolean;
  pools: Map<string, PoolState>;
  /** Member → whether they have a monthly limit (absent: not read yet). */
  limited: Map<string, boolean>;
  /** Attributes (as stored) → whether a daily limit applies to them. */
  daily: Map<string, boolean>;
}

type General = ReturnType<typeof useInTx>;
export type BatchOutcome = { ok: { status: UseStatus; costMc: number } } | Extract<General, { refused: unknown }>;

/** An event the fast path booked: what its answer is made of. */
interface Booked {
  status: Exclude<UseStatus, 'duplicate'>;
  cost: number;
  eventId: string;
  key: string;
  account: string;
  action: string;
  pool: string;
  t: number;
  moves: [grant: LiveGrant, take: number][];
  unlimited: boolean;
}

const GENERAL = null;

/** Events held by the import and written with one INSERT (issue 16: 256 rows, 3,840 values, under SQLite's 32,766; about a tenth less CPU a line than 64, taking turns in one process). */
export const ROWS_PER_INSERT = 256;
const ROWS_PER_INSERT_MAX = 500;

const EVENT_SQL = 'INSERT INTO events (seq, id, account_id, key, fingerprint, action, pool, quantity_milli, at, member, attrs, status, cost_mc, hold_id, covered_by, debits, recorded_at) VALUES ';
const EVENT_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?)';
const EVENT_COLS = 15;
const ENTRY_SQL = 'INSERT INTO entries (account_id, pool, grant_id, kind, amount_mc, at, event_id) VALUES ';
const ENTRY_ROW = "(?, ?, ?, 'use', ?, ?, ?)";
const ENTRY_COLS = 6;

const sqlOf = new Map<string, string>();

/** A range of keys holding more of the table's keys than this is not read: those lines look their keys up one by one. */
const KEY_RANGE_MAX = 256;
/** What checkKey accepts (guards.ts): visible ASCII, so string order is the same in JavaScript and SQLite. */
const KEY_TEXT = /^[\x21-\x7e]{1,128}$/;

/** The INSERT of n rows (its text made once: ctx.stmt keeps the prepared statement by it). */
function insertOf(head: string, row: string, n: number): string {
  const k = `${n}${head}`;
  let sql = sqlOf.get(k);
  if (sql === undefined) sqlOf.set(k, (sql = head + Array<string>(n).fill(row).join(', ')));
  return sql;
}

/** Insert `values` (cols per row) as statements of up to `per` rows each. */
function writeMany(ctx: Ctx, head: string, row: string, cols: number, values: unknown[], per: number): void {
  const rows = values.length / cols;
  if (rows === 0) return;
  if (rows <= per) {
    ctx.stmt(insertOf(head, row, rows)).run(values);
    return;
  }
  for (let at = 0; at < rows; at += per) {
    const n = Math.min(per, rows - at);
    ctx.stmt(insertOf(head, row, n)).run(values.slice(at * cols, (at + n) * cols));
  }
}

export class UsageBatch {
  private accounts = new Map<string, AccountState>();
  /** Configuration read once per stretch of fast lines (the general path may change it: aside() forgets it). */
  private known = new Map<string, Account>();
  private actions = new Map<string, Map<string, ActionRow>>();
  private seq: number | null = null;
  private grantUse = new Map<string, number>();
  private periodUse = new Map<string, { accountId: string; pool: string; start: number; mc: number; events: number }>();
  private counters = new Map<string, { accountId: string; scope: string; bucket: number; mc: number }>();
  /** The rollup rows' deltas in the order they were made (the order one-by-one recording creates the rows), found by action row and bucket. */
  private rollup: RollupDelta[] = [];
  private rollupAt = new Map<ActionRow, Map<number, RollupDelta[]>>();
  /** The period usage row the last line moved: most lines move the one before them. */
  private lastPeriodUse: { accountId: string; pool: string; start: number; mc: number; events: number } | null = null;
  /** JSON.stringify of action ids, members and grant ids, made once each. */
  private quoted = new Map<string, string>();
  /** Held event rows, EVENT_COLS values each, and their entries' rows, ENTRY_COLS each; written by writeRows(). */
  private heldEvents: unknown[] = [];
  private heldEntries: unknown[] = [];
  /** Account → the held events' keys: a key taken by one of them is a replay. */
  private heldKeys = new Map<string, Set<string>>();
  /** Account → keys known not to be in the table (expectKeys), nor held. */
  private absent = new Map<string, Set<string>>();
  private readonly rows: number;
  /** Lines that took the general path, for the tests and the bench. */
  general = 0;

  /** `opts.rows`: fast events held and written together (1, the default: each written at once). */
  constructor(
    private readonly ctx: Ctx,
    opts: { rows?: number } = {},
  ) {
    this.rows = Math.max(1, Math.min(ROWS_PER_INSERT_MAX, Math.floor(opts.rows ?? 1)));
  }

  /** Write the held events, then their entries (the entries' ids follow the order they were made in). */
  private writeRows(): void {
    writeMany(this.ctx, EVENT_SQL, EVENT_ROW, EVENT_COLS, this.heldEvents, this.rows);
    writeMany(this.ctx, ENTRY_SQL, ENTRY_ROW, ENTRY_COLS, this.heldEntries, this.rows);
    this.heldEvents.length = 0;
    this.heldEntries.length = 0;
    this.heldKeys.clear();
  }

  /** Whether an event of this account already has the key: held here, or in the table. */
  private keyTaken(accountId: string, key: string): boolean {
    if (this.heldEvents.length > 0 && this.heldKeys.get(accountId)?.has(key) === true) return true;
    if (this.absent.get(accountId)?.has(key) === true) return false;
    return this.ctx.stmt('SELECT 1 FROM events WHERE account_id = ? AND key = ?').pluck().get(accountId, key) !== undefined;
  }

  /**
   * The keys of lines about to come (the import reads a few ahead), looked up
   * together: the table's keys between the lowest and the highest of them, one
   * index seek and a short scan (keys ascend in most files, so the range holds
   * none). A range holding more than KEY_RANGE_MAX keys tells nothing and the
   * lines look theirs up one by one. A key found absent stays known absent
   * until this batch holds an event with it or a line takes the general path
   * (which may record any key).
   */
  expectKeys(accountId: string, keys: string[]): void {
    let lo: string | null = null;
    let hi: string | null = null;
    for (const k of keys) {
      // Only keys checkKey will pass (visible ASCII: JavaScript and SQLite order them alike); others are refused before any lookup.
      if (!KEY_TEXT.test(k)) continue;
      if (lo === null || k < lo) lo = k;
      if (hi === null || k > hi) hi = k;
    }
    if (lo === null || hi === null) return;
    const inRange = this.ctx.stmt(`SELECT key FROM events WHERE account_id = ? AND key BETWEEN ? AND ? LIMIT ${KEY_RANGE_MAX + 1}`).pluck().all(accountId, lo, hi) as string[];
    if (inRange.length > KEY_RANGE_MAX) return;
    const found = new Set(inRange);
    let absent = this.absent.get(accountId);
    if (absent === undefined) this.absent.set(accountId, (absent = new Set()));
    for (const k of keys) if (KEY_TEXT.test(k) && !found.has(k)) absent.add(k);
  }

  /** Record one line (the import): in memory where it is plain, else through the general path; its status and cost. */
  use(input: UseInput): BatchOutcome {
    const fast = this.fast(input);
    if (fast === GENERAL) return this.counted(this.aside(input));
    if ('retryKey' in fast) return this.counted(this.aside({ ...input, key: fast.retryKey }));
    return { ok: { status: fast.status, costMc: fast.cost } };
  }

  /** Record one event (a push's usage.record): useInTx's own outcome, the same answer whichever path took it. */
  outcome(input: UseInput): General {
    const fast = this.fast(input);
    if (fast === GENERAL) return this.aside(input);
    if ('retryKey' in fast) return this.aside({ ...input, key: fast.retryKey });
    const debits: Debit[] = fast.moves.map(([g, take]) => ({ pool: fast.pool, grantId: g.id, source: g.source, credits: mcToCredits(take) }));
    if (fast.unlimited && fast.cost > 0) debits.push({ pool: fast.pool, grantId: '', source: 'unlimited', credits: mcToCredits(fast.cost) });
    return {
      ok: { status: fast.status, eventId: fast.eventId, key: fast.key, account: fast.account, action: fast.action, pool: fast.pool, at: iso(fast.t), credits: mcToCredits(fast.cost), debits, alerts: [] },
    };
  }

  /** Write the batch's held rows and summary rows. */
  flush(): void {
    this.writeRows();
    for (const [grantId, mc] of this.grantUse) moveGrant(this.ctx, grantId, 'use', mc);
    for (const p of this.periodUse.values()) bumpPeriodUsage(this.ctx, p.accountId, p.pool, p.start, p.mc, p.events);
    for (const c of this.counters.values()) bumpCounter(this.ctx, c.accountId, c.scope, c.bucket, c.mc);
    for (const r of this.rollup) addRollup(this.ctx, r);
    this.grantUse.clear();
    this.periodUse.clear();
    this.lastPeriodUse = null;
    this.rollupAt.clear();
    this.counters.clear();
    this.rollup.length = 0;
  }

  private alone: ((input: UseInput) => General) | null = null;

  /**
   * useInTx under a savepoint of its own: a line that throws after writing
   * (bad input found past a team member's joining the account) leaves nothing,
   * as it would recorded alone, while the lines before it stay (a team push
   * answers each entry on its own); a refusal returns, its record kept.
   */
  private isolated(input: UseInput): General {
    if (!this.ctx.db.inTransaction) return useInTx(this.ctx, input);
    this.alone ??= this.ctx.db.transaction((i: UseInput) => useInTx(this.ctx, i));
    try {
      return this.alone(input);
    } catch (e) {
      // What the context cached of the configuration may have been rolled back with it.
      this.ctx.configChanged();
      throw e;
    }
  }

  private aside(input: UseInput): General {
    this.general += 1;
    this.flush();
    this.absent.clear();
    this.accounts.clear();
    this.known.clear();
    this.actions.clear();
    this.seq = null;
    return this.isolated(input);
  }

  private counted(out: General): BatchOutcome {
    if ('refused' in out) return out;
    return { ok: { status: out.ok.status, costMc: out.ok.status === 'duplicate' ? 0 : Math.round(out.ok.credits * 1000) } };
  }

  /** The line recorded in memory, GENERAL, or the key it generated when that key turned out taken. */
  private fast(input: UseInput): Booked | { retryKey: string } | null {
    const ctx = this.ctx;
    // Checked in useInTx's order up to its replay lookup: what throws here throws there, before anything is written.
    const acct = this.accountOf(input.account);
    const quantityMilli = input.quantity === undefined ? 1000 : parseMilli(input.quantity, 'quantity');
    const attrs = checkAttrs(input.attrs);
    if (input.holdId !== undefined || input.offline === true) return GENERAL;
    const state = this.account(acct);
    let limited = false;
    let member: string | null = null;
    if (input.member !== undefined && input.member !== null && input.member !== '') {
      if (typeof input.member !== 'string') return GENERAL;
      // What checkMember would pass: a member on the account, not removed (the general path joins or refuses the rest).
      const known = this.memberLimited(state, acct, input.member);
      if (known === null) return GENERAL;
      limited = known;
      member = input.member;
    }
    const byo = input.byoKey === true;
    if (input.key !== undefined) checkKey(input.key);

    // Past the replay lookup a failed check must not throw here: a replay of a recorded key answers duplicate first.
    let action;
    try {
      action = this.actionOf(acct, input.action);
      checkWholeUnits(action, quantityMilli);
    } catch {
      return GENERAL;
    }
    if (action.hourly_limit !== null) return GENERAL;
    const now = ctx.clock.now();
    const t = input.at ?? now;
    // materialize() would book something (a reset, an expiry, a hold lapse) before t.
    if (t > state.horizon && t >= state.nextDue) return GENERAL;
    // A member's entry stamped after the host's now, or one whose judging books something up to the host's now (usage.ts hostTime).
    if (input.memberClock === true && (t > now || (now > state.horizon && now >= state.nextDue))) return GENERAL;
    // checkWriteTime itself on an account's first line, then its time rules on the horizon kept here (it reads the horizon from the tables).
    if (!state.timeChecked) {
      try {
        checkWriteTime(ctx, acct, t);
      } catch {
        return GENERAL;
      }
      state.timeChecked = true;
    } else if (t > now + FUTURE_SKEW_MS || t < acct.firstPeriodStart || t < periodAt(acct.rule, Math.max(state.horizon, acct.firstPeriodStart)).start) return GENERAL;

    const pool = action.pool;
    const unlimited = planAt(ctx, acct, t).amounts[pool] === 'unlimited';
    let status: Exclude<UseStatus, 'duplicate'> = 'applied';
    let cost = 0;
    if (byo) status = 'bypassed';
    else if (action.free) status = 'free';
    else {
      try {
        cost = costOf(action, quantityMilli);
      } catch {
        return GENERAL;
      }
      if (action.dedupe_group && action.dedupe_attr && attrs[action.dedupe_attr] !== undefined) return GENERAL;
    }

    const attrsJson = Object.keys(attrs).length ? JSON.stringify(attrs) : null;
    const ps = this.pool(state, acct, pool);
    const live: LiveGrant[] = [];
    let remainingBefore = 0;
    if (cost > 0 && !unlimited) {
      for (const g of ps.grants) {
        if (isLiveAt(g, t)) {
          live.push(g);
          remainingBefore += g.remaining_mc;
        }
      }
      let held = 0;
      for (const h of ps.holds) if (h.expires_at > t) held += h.outstanding_mc;
      if (cost > remainingBefore - held) return GENERAL;
    }
    const period = periodAt(acct.rule, t);
    let usedBefore = 0;
    if (cost > 0) {
      if (acct.monthlyLimitMc !== null || limited || this.dailyLimited(state, acct, attrs, attrsJson)) return GENERAL;
      usedBefore = this.used(ps, acct, pool, period.start);
      if (usedBefore + cost > MAX_TOTAL_MC / acct.provider.pools.length) return GENERAL;
      if (!unlimited) {
        let allocation = ps.allocation.get(period.start);
        if (allocation === undefined) ps.allocation.set(period.start, (allocation = periodAllocation(ctx, acct.id, pool, period.start)));
        const crossed = poolAlertsCrossed(acct, allocation, usedBefore, usedBefore + cost, remainingBefore, remainingBefore - cost);
        if (crossed.levels.length > 0 || crossed.low !== null) return GENERAL;
      }
      // A cap that applies reads and moves spend the batch keeps in memory: only caps with nothing to check stay here.
      if (input.caps && input.caps.quiet?.({ account: acct, pool, member, cost, periodStart: period.start, periodEnd: period.end, t }) !== true) return GENERAL;
    }

    // Plain: write the event and its entries; the summaries move in memory.
    const key = input.key ?? ctx.ids.next('key');
    // fingerprint([action, quantity, member, attrs, byo, at, hold]) with the attributes' JSON made once (attrsJson: the same sorted object).
    const fp = fingerprintOfJson(`[${this.json(input.action)},${quantityMilli},${member === null ? 'null' : this.json(member)},${attrsJson ?? '{}'},${byo},${input.at ?? 'null'},null]`);
    const seq = this.nextSeq();
    const eventId = eventIdOf(seq);
    const moves: [LiveGrant, number][] = [];
    let left = cost > 0 && !unlimited ? cost : 0;
    for (const g of live) {
      if (left === 0) break;
      const take = Math.min(left, g.remaining_mc);
      moves.push([g, take]);
      left -= take;
    }
    // The key is taken (recorded before, or earlier in this file): the general path answers the replay.
    if (this.keyTaken(acct.id, key)) return { retryKey: key };
    let debits: string | null = null;
    if (moves.length === 1) debits = `[[${this.json(moves[0]![0].id)},${moves[0]![1]}]]`;
    else if (moves.length > 1) debits = JSON.stringify(moves.map(([g, take]) => [g.id, take]));
    this.heldEvents.push(seq, eventId, acct.id, key, fp, action.id, pool, quantityMilli, t, member, attrsJson, status, cost, debits, ctx.clock.now());
    this.absent.get(acct.id)?.delete(key);
    if (this.rows > 1) {
      let keys = this.heldKeys.get(acct.id);
      if (keys === undefined) this.heldKeys.set(acct.id, (keys = new Set()));
      keys.add(key);
    }
    this.seq = seq + 1;
    if (t > state.horizon) state.horizon = t;
    for (const [g, take] of moves) {
      this.heldEntries.push(acct.id, pool, g.id, take, t, eventId);
      g.remaining_mc -= take;
      this.grantUse.set(g.id, (this.grantUse.get(g.id) ?? 0) + take);
    }
    if (this.heldEvents.length >= this.rows * EVENT_COLS) this.writeRows();
    this.addRollup(action, acct.id, t, member ?? '', status, quantityMilli, cost);
    if (cost > 0) {
      ps.used.set(period.start, usedBefore + cost);
      let p = this.lastPeriodUse;
      if (p === null || p.accountId !== acct.id || p.pool !== pool || p.start !== period.start) {
        const pk = `${acct.id}\u0000${pool}\u0000${period.start}`;
        p = this.periodUse.get(pk) ?? null;
        if (p === null) this.periodUse.set(pk, (p = { accountId: acct.id, pool, start: period.start, mc: 0, events: 0 }));
        this.lastPeriodUse = p;
      }
      p.mc += cost;
      p.events += 1;
      if (member !== null) {
        const scope = `member:${member}`;
        const ck = `${acct.id}\u0000${scope}\u0000${period.start}`;
        const c = this.counters.get(ck);
        if (c) c.mc += cost;
        else this.counters.set(ck, { accountId: acct.id, scope, bucket: period.start, mc: cost });
      }
    }
    return { status, cost, eventId, key, account: acct.id, action: action.id, pool, t, moves, unlimited };
  }

  /** The line's 15-minute rollup row moves in memory: found by its action row (account, action, pool) and bucket, then member and status. */
  private addRollup(action: ActionRow, accountId: string, t: number, member: string, status: string, quantityMilli: number, costMc: number): void {
    const bucket = t - (t % ROLLUP_MS);
    let byBucket = this.rollupAt.get(action);
    if (byBucket === undefined) this.rollupAt.set(action, (byBucket = new Map()));
    let rows = byBucket.get(bucket);
    if (rows === undefined) byBucket.set(bucket, (rows = []));
    for (const r of rows) {
      if (r.member === member && r.status === status) {
        r.events += 1;
        r.quantityMilli += quantityMilli;
        r.costMc += costMc;
        return;
      }
    }
    const r: RollupDelta = { accountId, bucket, pool: action.pool, action: action.id, member, status, events: 1, quantityMilli, costMc };
    rows.push(r);
    this.rollup.push(r);
  }

  private json(text: string): string {
    let q = this.quoted.get(text);
    if (q === undefined) this.quoted.set(text, (q = JSON.stringify(text)));
    return q;
  }

  /** getAccount, remembered. */
  accountOf(id: string): Account {
    let a = this.known.get(id);
    if (!a) {
      a = getAccount(this.ctx, id);
      this.known.set(id, a);
    }
    return a;
  }

  /** getAction, remembered per account (no key made per line). */
  private actionOf(acct: Account, id: string): ActionRow {
    let byId = this.actions.get(acct.id);
    if (byId === undefined) this.actions.set(acct.id, (byId = new Map()));
    let a = byId.get(id);
    if (!a) {
      a = getAction(this.ctx, acct, id);
      byId.set(id, a);
    }
    return a;
  }

  private nextSeq(): number {
    this.seq ??= (this.ctx.stmt('SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM events').get() as { s: number }).s;
    return this.seq;
  }

  private account(acct: Account): AccountState {
    let s = this.accounts.get(acct.id);
    if (!s) {
      const h = horizonState(this.ctx, acct.id);
      s = { horizon: h.horizon, nextDue: h.nextDue, timeChecked: false, pools: new Map(), limited: new Map(), daily: new Map() };
      this.accounts.set(acct.id, s);
    }
    return s;
  }

  private pool(state: AccountState, acct: Account, pool: string): PoolState {
    let p = state.pools.get(pool);
    if (!p) {
      p = {
        grants: grantsInDrawOrder(this.ctx, acct.id, pool),
        holds: this.ctx.stmt(`SELECT outstanding_mc, expires_at FROM hold_balances WHERE account_id = ? AND pool = ? AND status = 'open'`).all(acct.id, pool) as PoolState['holds'],
        used: new Map(),
        allocation: new Map(),
      };
      state.pools.set(pool, p);
    }
    return p;
  }

  private used(p: PoolState, acct: Account, pool: string, periodStart: number): number {
    let u = p.used.get(periodStart);
    if (u === undefined) {
      const row = this.ctx.stmt('SELECT used_mc FROM period_usage WHERE account_id = ? AND pool = ? AND period_start = ?').get(acct.id, pool, periodStart) as { used_mc: number } | undefined;
      u = row?.used_mc ?? 0;
      p.used.set(periodStart, u);
    }
    return u;
  }

  private dailyLimited(state: AccountState, acct: Account, attrs: Record<string, string>, attrsJson: string | null): boolean {
    if (attrsJson === null) return false;
    let d = state.daily.get(attrsJson);
    if (d === undefined) state.daily.set(attrsJson, (d = dailyLimitsFor(this.ctx, acct.id, attrs).length > 0));
    return d;
  }

  /** Whether a member on the account has a monthly limit; null when they are not on it or were removed (the general path joins or refuses them). */
  private memberLimited(state: AccountState, acct: Account, member: string): boolean | null {
    let known = state.limited.get(member);
    if (known === undefined) {
      const row = this.ctx.stmt('SELECT monthly_limit_mc, removed_at FROM members WHERE account_id = ? AND id = ?').get(acct.id, member) as { monthly_limit_mc: number | null; removed_at: number | null } | undefined;
      if (!row || row.removed_at !== null) return null;
      known = row.monthly_limit_mc !== null;
      state.limited.set(member, known);
    }
    return known;
  }
}
