/**
 * Usage reports, aggregated in SQL over the events index: grouped by local
 * day, week or month (in the account's zone), action, member, pool, status or
 * any attribute. Voided events are subtracted with a second small query
 * rather than filtered row by row.
 */
import { InputError } from '../util/errors.js';
import { exactTotal, mcToCredits } from '../util/credits.js';
import { DAY_MS, dayLabel, localMsSql, offsetSegments } from '../util/buckets.js';
import { iso, periodAt } from '../util/period.js';
import { getAccount, type Account } from './accounts.js';
import { refreshAttrRollup } from './attr-rollup.js';
import { ROLLUP_MS } from './book.js';
import type { Ctx } from './context.js';

export type GroupKey = 'day' | 'week' | 'month' | 'action' | 'member' | 'pool' | 'status' | `attr:${string}`;

export interface ReportInput {
  account: string;
  from?: number;
  to?: number;
  by?: string[];
  action?: string;
  pool?: string;
  member?: string;
  /** Filter on one attribute value, e.g. { server: 'eu-1' }. */
  where?: Record<string, string>;
  /** Read the events themselves even where the rollup could answer (to check one against the other). */
  fromEvents?: boolean;
}

export interface ReportRow {
  keys: Record<string, string>;
  events: number;
  quantity: number;
  credits: number;
}

export interface Report {
  account: string;
  zone: string;
  from: string;
  to: string;
  by: string[];
  rows: ReportRow[];
  total: { events: number; credits: number };
}

const ATTR = /^attr:([A-Za-z][A-Za-z0-9_.-]{0,39})$/;
const ATTR_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,39}$/;

export function parseGroupKeys(by: string[] | undefined): GroupKey[] {
  const keys = (by ?? []).flatMap((b) => b.split(',')).map((s) => s.trim()).filter(Boolean);
  for (const k of keys) {
    if (!['day', 'week', 'month', 'action', 'member', 'pool', 'status'].includes(k) && !ATTR.test(k)) {
      throw new InputError(`--by "${k.slice(0, 40)}" is not a grouping; use day, week, month, action, member, pool, status or attr:NAME`, 'by');
    }
  }
  if (keys.length > 4) throw new InputError('--by takes at most 4 groupings', 'by');
  return keys as GroupKey[];
}

export function usageReport(ctx: Ctx, input: ReportInput): Report {
  const acct = getAccount(ctx, input.account);
  const keys = parseGroupKeys(input.by);
  const now = ctx.clock.now();
  const cur = periodAt(acct.rule, now);
  const from = input.from ?? cur.start;
  const to = input.to ?? cur.end;
  if (to <= from) throw new InputError(`--to must be after --from`, 'to');
  if (to - from > 5 * 366 * DAY_MS) throw new InputError('a report covers at most 5 years', 'to');
  const segs = offsetSegments(acct.zone, from, to);
  const attrFilters = Object.entries(input.where ?? {});
  for (const [k] of attrFilters) if (!ATTR_NAME.test(k)) throw new InputError(`attribute name "${k.slice(0, 40)}" is not valid`, 'where');
  // The 15-minute rollup answers whole-bucket ranges grouped by time, action,
  // member, pool or status; attributes need the events themselves.
  const aligned = !input.fromEvents && from % ROLLUP_MS === 0 && to % ROLLUP_MS === 0;
  const wholeBuckets = aligned && attrFilters.length === 0;
  const rollup = wholeBuckets && keys.every((k) => !k.startsWith('attr:'));
  // The attribute rollup has time, pool and one attribute's value: it answers
  // by time or pool and one attribute, or filtered on one attribute value (and
  // grouped by that attribute at most), once it has caught up.
  const attrKeys = keys.filter((k) => k.startsWith('attr:'));
  const byTimeOrPool = keys.every((k) => k.startsWith('attr:') || k === 'day' || k === 'week' || k === 'month' || k === 'pool');
  const [filterName, filterValue] = attrFilters.length === 1 ? attrFilters[0]! : [];
  const attrShape =
    filterName === undefined
      ? wholeBuckets && attrKeys.length === 1
      : aligned && attrKeys.every((k) => k === `attr:${filterName}`) && typeof filterValue === 'string';
  if (attrShape && byTimeOrPool && input.action === undefined && input.member === undefined && refreshAttrRollup(ctx)) {
    const name = filterName ?? ATTR.exec(attrKeys[0]!)![1]!;
    return attrReport(ctx, acct, keys, name, from, to, input.pool, filterValue);
  }
  const [alias, time] = rollup ? ['r', 'r.bucket'] : ['e', 'e.at'];
  const local = localMsSql(time, segs);
  const exprs = keys.map((k) => {
    if (k === 'day') return `(${local} / ${DAY_MS})`;
    if (k === 'week') return `((${local} / ${DAY_MS} + 3) / 7)`;
    if (k === 'month') return `strftime('%Y-%m', ${local} / 1000, 'unixepoch')`;
    if (k === 'member') return rollup ? 'r.member' : `COALESCE(e.member, '')`;
    if (k === 'action' || k === 'pool' || k === 'status') return `${alias}.${k}`;
    return `COALESCE(json_extract(e.attrs, '$."${ATTR.exec(k)![1]}"'), '')`;
  });
  const where = [`${alias}.account_id = ?`, `${time} >= ?`, `${time} < ?`];
  const params: unknown[] = [acct.id, from, to];
  const filter = (sql: string, value: string | undefined) => {
    if (value === undefined || value === '') return;
    where.push(sql);
    params.push(value);
  };
  filter(`${alias}.action = ?`, input.action);
  filter(`${alias}.pool = ?`, input.pool);
  filter(`${alias}.member = ?`, input.member);
  for (const [k, v] of attrFilters) {
    where.push(`json_extract(e.attrs, '$."${k}"') = ?`);
    params.push(v);
  }
  const select = exprs.map((x, i) => `${x} AS k${i}`).join(', ');
  const group = exprs.length ? `GROUP BY ${exprs.map((_, i) => `k${i}`).join(', ')}` : '';
  // Built from validated keys and integer offsets only; values go through parameters.
  let all: SqlRows;
  let voided: SqlRows = [];
  if (rollup) {
    all = ctx.db
      .prepare(`SELECT ${select}${select ? ',' : ''} SUM(r.events) AS n, SUM(r.quantity_milli) AS q, SUM(r.cost_mc) AS c FROM usage_rollup r WHERE ${where.join(' AND ')} ${group}`)
      .safeIntegers(true).all(...params) as SqlRows;
  } else {
    const base = `SELECT ${select}${select ? ',' : ''} COUNT(*) AS n, SUM(e.quantity_milli) AS q, SUM(e.cost_mc) AS c FROM events e`;
    all = ctx.db.prepare(`${base} WHERE ${where.join(' AND ')} ${group}`).safeIntegers(true).all(...params) as SqlRows;
    voided = ctx.db.prepare(`${base} JOIN voids v ON v.event_id = e.id WHERE ${where.join(' AND ')} ${group}`).safeIntegers(true).all(...params) as SqlRows;
  }

  return summarize(acct, keys, from, to, [
    [all, 1],
    [voided, -1],
  ]);
}

// Sums arrive as BigInt (safeIntegers): exact whatever their size, then checked on the way out.
type SqlRows = Record<string, number | string | bigint>[];

/** Fold signed row sets (k0…kN, n, q, c) into the report: labels, net totals, empty groups dropped, sorted by key. */
function summarize(acct: Account, keys: GroupKey[], from: number, to: number, parts: [SqlRows, 1 | -1][]): Report {
  const label = (k: GroupKey, v: number | string): string => {
    if (k === 'day') return dayLabel(Number(v));
    if (k === 'week') return dayLabel(Number(v) * 7 - 3);
    return String(v);
  };
  const rows = new Map<string, { keys: Record<string, string>; n: bigint; q: bigint; c: bigint }>();
  const big = (v: number | string | bigint | undefined | null): bigint => (v === undefined || v === null ? 0n : BigInt(v));
  const fold = (list: SqlRows, sign: 1 | -1) => {
    for (const r of list) {
      const ks: Record<string, string> = {};
      keys.forEach((k, i) => {
        const v = r[`k${i}`]!;
        ks[k] = label(k, typeof v === 'bigint' ? Number(v) : v);
      });
      const id = JSON.stringify(ks);
      const cur = rows.get(id) ?? { keys: ks, n: 0n, q: 0n, c: 0n };
      cur.n += BigInt(sign) * big(r.n);
      cur.q += BigInt(sign) * big(r.q);
      cur.c += BigInt(sign) * big(r.c);
      rows.set(id, cur);
    }
  };
  for (const [list, sign] of parts) fold(list, sign);
  const out = [...rows.values()]
    .filter((r) => r.n > 0n)
    .sort((a, b) => {
      for (const k of keys) {
        const x = a.keys[k]!;
        const y = b.keys[k]!;
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    })
  const total = exactTotal(
    out.reduce((s, r) => s + r.c, 0n),
    "this report's credit total",
  );
  return {
    account: acct.id,
    zone: acct.zone,
    from: iso(from),
    to: iso(to),
    by: keys,
    rows: out.map((r) => ({ keys: r.keys, events: Number(r.n), quantity: exactTotal(r.q, 'a quantity in this report') / 1000, credits: mcToCredits(exactTotal(r.c, 'a credit total in this report')) })),
    total: { events: out.reduce((s, r) => s + Number(r.n), 0), credits: mcToCredits(total) },
  };
}

/**
 * A breakdown by one attribute from the attribute rollup. Events without the
 * attribute form the '' group, as in the scan: the usage rollup's totals for
 * the same groups, less every attribute value's. With `only`, just the events
 * whose attribute `name` equals it: that value's rows, nothing to subtract.
 */
function attrReport(ctx: Ctx, acct: Account, keys: GroupKey[], name: string, from: number, to: number, pool: string | undefined, only?: string): Report {
  const local = localMsSql('r.bucket', offsetSegments(acct.zone, from, to));
  const expr = (k: GroupKey, attr: string): string => {
    if (k === 'day') return `(${local} / ${DAY_MS})`;
    if (k === 'week') return `((${local} / ${DAY_MS} + 3) / 7)`;
    if (k === 'month') return `strftime('%Y-%m', ${local} / 1000, 'unixepoch')`;
    if (k === 'pool') return 'r.pool';
    return attr;
  };
  const select = (attr: string) => keys.map((k, i) => `${expr(k, attr)} AS k${i}, `).join('');
  const group = keys.length ? `GROUP BY ${keys.map((_, i) => `k${i}`).join(', ')}` : '';
  const where = `r.account_id = ? AND r.bucket >= ? AND r.bucket < ?${pool ? ' AND r.pool = ?' : ''}`;
  const params = pool ? [acct.id, from, to, pool] : [acct.id, from, to];
  const sums = 'SUM(r.events) AS n, SUM(r.quantity_milli) AS q, SUM(r.cost_mc) AS c';
  // Built from validated keys and integer offsets only; values go through parameters.
  const rows = (sql: string, ...args: unknown[]) => ctx.db.prepare(sql).safeIntegers(true).all(...args) as SqlRows;
  if (only !== undefined) {
    return summarize(acct, keys, from, to, [[rows(`SELECT ${select('r.value')}${sums} FROM attr_rollup r WHERE r.name = ? AND r.value = ? AND ${where} ${group}`, name, only, ...params), 1]]);
  }
  const byValue = rows(`SELECT ${select('r.value')}${sums} FROM attr_rollup r WHERE r.name = ? AND ${where} ${group}`, name, ...params);
  const withAny = rows(`SELECT ${select("''")}${sums} FROM attr_rollup r WHERE r.name = ? AND ${where} ${group}`, name, ...params);
  const everything = rows(`SELECT ${select("''")}${sums} FROM usage_rollup r WHERE ${where} ${group}`, ...params);
  return summarize(acct, keys, from, to, [
    [byValue, 1],
    [everything, 1],
    [withAny, -1],
  ]);
}

export interface EventView {
  eventId: string;
  key: string;
  at: string;
  action: string;
  pool: string;
  quantity: number;
  credits: number;
  status: string;
  voided: boolean;
  member: string | null;
  attrs: Record<string, string>;
}

/**
 * One page of history, newest first by time (then by sequence), paged by a
 * cursor — the sequence number of the last event shown — never by OFFSET. The
 * query walks events_by_time backwards and stops at the page: no sort of the
 * whole account.
 */
export function listEvents(
  ctx: Ctx,
  input: { account: string; before?: number; limit?: number; action?: string; pool?: string; member?: string; attr?: { name: string; value: string }; from?: number; to?: number },
): { events: EventView[]; next: number | null } {
  const acct = getAccount(ctx, input.account);
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 500);
  let upper = (input.to ?? Number.MAX_SAFE_INTEGER) - 1;
  let beforeSeq = Number.MAX_SAFE_INTEGER;
  if (input.before !== undefined) {
    const cursor = ctx.stmt('SELECT at FROM events WHERE seq = ? AND account_id = ?').get(input.before, acct.id) as { at: number } | undefined;
    if (!cursor) throw new InputError(`--before ${input.before} is not an event of ${acct.id}; use the "next" value of the previous page`, 'before');
    upper = Math.min(upper, cursor.at);
    beforeSeq = input.before;
  }
  // The name goes into a JSON path: only names the ledger accepts for attributes (no quotes).
  if (input.attr && !ATTR_NAME.test(input.attr.name)) throw new InputError(`attribute name "${input.attr.name.slice(0, 40)}" is not valid`, 'attr');
  const attrPath = input.attr ? `$."${input.attr.name}"` : null;
  const rows = ctx
    .stmt(
      `SELECT e.*, (SELECT 1 FROM voids v WHERE v.event_id = e.id) AS voided FROM events e
       WHERE e.account_id = ? AND e.at >= ? AND e.at <= ? AND NOT (e.at = ? AND e.seq >= ?) AND (? IS NULL OR e.action = ?)
         AND (? IS NULL OR e.pool = ?) AND (? IS NULL OR e.member = ?) AND (? IS NULL OR json_extract(e.attrs, ?) = ?)
       ORDER BY e.at DESC, e.seq DESC LIMIT ?`,
    )
    .all(
      acct.id,
      input.from ?? 0,
      upper,
      upper,
      beforeSeq,
      input.action ?? null,
      input.action ?? null,
      input.pool ?? null,
      input.pool ?? null,
      input.member ?? null,
      input.member ?? null,
      attrPath ?? null,
      attrPath ?? null,
      input.attr?.value ?? null,
      limit + 1,
    ) as {
    seq: number;
    id: string;
    key: string;
    at: number;
    action: string;
    pool: string;
    quantity_milli: number;
    cost_mc: number;
    status: string;
    voided: number | null;
    member: string | null;
    attrs: string | null;
  }[];
  const page = rows.slice(0, limit);
  return {
    events: page.map((r) => ({
      eventId: r.id,
      key: r.key,
      at: iso(r.at),
      action: r.action,
      pool: r.pool,
      quantity: r.quantity_milli / 1000,
      credits: mcToCredits(r.cost_mc),
      status: r.status,
      voided: r.voided === 1,
      member: r.member,
      attrs: r.attrs ? (JSON.parse(r.attrs) as Record<string, string>) : {},
    })),
    next: rows.length > limit ? page[page.length - 1]!.seq : null,
  };
}
