/**
 * The audit log: every call that changes something (and every refused or
 * forbidden attempt at one), append-only and hash-chained. Each row's hash is
 * SHA-256 of the previous row's hash and the row's own fields, so an edited,
 * deleted or reordered row breaks the chain and `creditdeck check` says so
 * (verifyAudit is part of checkInvariants). Secrets never get in: arguments
 * are stored with every secret-like key dropped.
 */
import { hash } from 'node:crypto';
import { InputError } from '../util/errors.js';
import { iso } from '../util/period.js';
import type { Ctx } from '../ledger/context.js';
import { describePushAudit } from './push-audit.js';

export const GENESIS_HASH = '0'.repeat(64);

/** Keys whose values never reach the log: tokens, secrets, invite codes, passwords, sessions, CSRF tokens, cookies. */
const SECRET_KEY = /token|secret|invite|password|passwd|session|csrf|cookie|authorization|bearer/i;
/** Long text (an import file) is summarised, not copied. */
const MAX_TEXT = 500;

/** Arguments as the log keeps them: secret-like keys dropped, long strings shortened. */
export function redact(value: unknown): unknown {
  if (typeof value === 'string') return value.length > MAX_TEXT ? `${value.slice(0, 100)}… (${value.length} characters)` : value;
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!SECRET_KEY.test(k) && v !== undefined) out[k] = redact(v);
  return out;
}

export interface AuditInput {
  member: string | null;
  tokenId: string | null;
  address: string | null;
  call: string;
  args: unknown;
  /** 'ok', 'refused:<reason>', 'forbidden', … */
  result: string;
}

interface AuditRow {
  seq: number;
  at: number;
  member: string | null;
  token_id: string | null;
  address: string | null;
  call: string;
  args_json: string;
  result: string;
  prev_hash: string;
  hash: string;
}

function hashOf(prev: string, r: Omit<AuditRow, 'prev_hash' | 'hash'>): string {
  const canonical = JSON.stringify([r.seq, r.at, r.member, r.token_id, r.address, r.call, r.args_json, r.result]);
  // One-shot: the same digest as createHash().update(prev).update('\n').update(canonical), at a fraction of its cost per row.
  return hash('sha256', `${prev}\n${canonical}`, 'hex');
}

function lastSeq(ctx: Ctx): number {
  const r = ctx.stmt(`SELECT seq FROM sqlite_sequence WHERE name = 'team_audit'`).get() as { seq: number } | undefined;
  return r?.seq ?? 0;
}

/**
 * Where the next row chains on, in one read: the number after the last one
 * ever written (sqlite_sequence, so deleted newest rows leave a gap that
 * verifyAudit reports) and the hash of the last row there is.
 */
function chainEnd(ctx: Ctx): { seq: number; hash: string } {
  const r = ctx
    .stmt(`SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'team_audit') AS seq, (SELECT hash FROM team_audit ORDER BY seq DESC LIMIT 1) AS hash`)
    .get() as { seq: number | null; hash: string | null };
  return { seq: r.seq ?? 0, hash: r.hash ?? GENESIS_HASH };
}

/** How many staged rows one INSERT writes. */
const ROWS_PER_INSERT = 50;
const COLUMNS = '(seq, at, member, token_id, address, call, args_json, result, prev_hash, hash)';

/**
 * Rows appended one after another inside one write transaction (a team push's
 * entries): the chain's end is read once and then carried in memory, so each
 * row costs its hash and its insert, not two reads more; stage() defers the
 * insert so that rows go in ROWS_PER_INSERT at a time. Valid only while
 * nothing else appends: whoever appends otherwise in between calls forget()
 * first (which writes what is staged) and after.
 */
export class AuditChain {
  private end: { seq: number; hash: string } | null = null;
  private staged: unknown[] = [];

  constructor(private readonly ctx: Ctx) {}

  /** Append one row, chained to the one before. Joins the caller's write transaction when there is one. */
  append(a: AuditInput): number {
    const ctx = this.ctx;
    this.write();
    // Kept only inside the caller's transaction: outside one, another process may append before our next row.
    const within = ctx.db.inTransaction;
    if (!within) this.end = null;
    return ctx.write(() => {
      const row = this.next(a);
      ctx.stmt(`INSERT INTO team_audit ${COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(...row);
      if (!within) this.end = null;
      return row[0] as number;
    });
  }

  /** A row computed now (its number, time and hash) and inserted by write(); inside a write transaction only. */
  stage(a: AuditInput): number {
    if (!this.ctx.db.inTransaction) return this.append(a);
    const row = this.next(a);
    this.staged.push(...row);
    if (this.staged.length >= ROWS_PER_INSERT * row.length) this.write();
    return row[0] as number;
  }

  /** Insert the staged rows. */
  write(): void {
    const values = this.staged;
    if (values.length === 0) return;
    this.staged = [];
    const n = values.length / 10;
    const full = Math.floor(n / ROWS_PER_INSERT);
    const many = full > 0 ? this.ctx.stmt(`INSERT INTO team_audit ${COLUMNS} VALUES ${'(?, ?, ?, ?, ?, ?, ?, ?, ?, ?), '.repeat(ROWS_PER_INSERT).slice(0, -2)}`) : null;
    for (let i = 0; i < full; i++) many!.run(...values.slice(i * ROWS_PER_INSERT * 10, (i + 1) * ROWS_PER_INSERT * 10));
    const one = this.ctx.stmt(`INSERT INTO team_audit ${COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (let i = full * ROWS_PER_INSERT; i < n; i++) one.run(...values.slice(i * 10, (i + 1) * 10));
  }

  /** Write what is staged, and read the chain's end again at the next row (a row is appended by another path). */
  forget(): void {
    this.write();
    this.end = null;
  }

  /** The next row's values, in COLUMNS order, chained to the end kept (or read). */
  private next(a: AuditInput): unknown[] {
    const ctx = this.ctx;
    const prev = this.end ?? chainEnd(ctx);
    const r = { seq: prev.seq + 1, at: ctx.clock.now(), member: a.member, token_id: a.tokenId, address: a.address, call: a.call, args_json: JSON.stringify(redact(a.args ?? {})), result: a.result };
    const h = hashOf(prev.hash, r);
    this.end = { seq: r.seq, hash: h };
    return [r.seq, r.at, r.member, r.token_id, r.address, r.call, r.args_json, r.result, prev.hash, h];
  }
}

/** Append one row, chained to the one before. Joins the caller's write transaction when there is one. */
export function appendAudit(ctx: Ctx, a: AuditInput): number {
  return new AuditChain(ctx).append(a);
}

/** A row as recorded: what was given, where it stands in the chain, and when. */
export interface AuditView extends AuditInput {
  seq: number;
  at: string;
  hash: string;
  /** A line for people where the arguments are long: a push's entries and what became of them. */
  summary?: string;
}

/** Rows after `after` (a seq), oldest first, at most `limit` (default 100, at most 1000). */
export function listAudit(ctx: Ctx, opts: { after?: number; limit?: number } = {}): AuditView[] {
  const after = opts.after ?? 0;
  const limit = opts.limit ?? 100;
  if (!Number.isSafeInteger(after) || after < 0) throw new InputError('after must be a row number (0 or more)', 'after');
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new InputError('limit must be 1 to 1000', 'limit');
  const rows = ctx.stmt('SELECT * FROM team_audit WHERE seq > ? ORDER BY seq LIMIT ?').all(after, limit) as AuditRow[];
  return rows.map((r) => {
    const args = JSON.parse(r.args_json) as unknown;
    const summary = r.call === 'team.push' ? describePushAudit(args) : null;
    return { seq: r.seq, at: iso(r.at), member: r.member, tokenId: r.token_id, address: r.address, call: r.call, args, result: r.result, hash: r.hash, ...(summary !== null ? { summary } : {}) };
  });
}

/** Problems with the chain, for checkInvariants: empty when every row is as written, in order, none missing. */
export function verifyAudit(ctx: Ctx): string[] {
  const problems: string[] = [];
  let prevHash = GENESIS_HASH;
  let prevSeq = 0;
  for (const r of ctx.stmt('SELECT * FROM team_audit ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
    if (r.seq !== prevSeq + 1) problems.push(`audit row ${r.seq} follows row ${prevSeq}: ${r.seq - prevSeq - 1} row(s) before it are missing`);
    if (r.prev_hash !== prevHash) problems.push(`audit row ${r.seq}: does not chain to the row before it (a row was deleted, inserted or moved)`);
    if (hashOf(r.prev_hash, r) !== r.hash) problems.push(`audit row ${r.seq}: its contents do not match its hash (the row was edited)`);
    prevHash = r.hash;
    prevSeq = r.seq;
    if (problems.length > 20) {
      problems.push('audit log: more problems not listed');
      return problems;
    }
  }
  const last = lastSeq(ctx);
  if (last > prevSeq) problems.push(`audit log ends at row ${prevSeq}, but row ${last} was written: the newest rows were deleted`);
  return problems;
}
