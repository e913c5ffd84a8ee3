/**
 * A member's outbox: every write to a team account is kept here first, with
 * an id the client makes (its idempotency key on the host), before it is sent.
 * Its own SQLite file beside the local ledger (WAL, synchronous=FULL): an entry
 * the command said was recorded survives a crash, and the ledger itself stays
 * the member's own. The host answers each entry once — accepted, duplicate
 * (the first answer again) or rejected — and the answer is kept with it.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { precreatePrivateFile } from '../util/private-files.js';

export type EntryStatus = 'pending' | 'accepted' | 'duplicate' | 'rejected';

export interface OutboxEntry {
  id: string;
  team: string;
  call: string;
  input: Record<string, unknown>;
  createdAt: number;
  status: EntryStatus;
  /** The host's answer for an accepted or duplicate entry. */
  result: unknown;
  /** Why the host rejected it: the refusal reason (or invalid_input, forbidden) and its message. */
  reason: string | null;
  message: string | null;
  settledAt: number | null;
  dismissed: boolean;
  /** When a send of it first may have reached the host (null: never sent, or every send failed before it left). */
  sentAt: number | null;
  /**
   * Rejected without the host judging it (the push was refused whole, e.g. a
   * revoked device) after an earlier send got no answer: the host may have
   * recorded it then. Not known to be off the host, unlike any other rejection.
   */
  inDoubt: boolean;
}

export interface Settlement {
  id: string;
  status: Exclude<EntryStatus, 'pending'>;
  result?: unknown;
  reason?: string;
  message?: string;
  /** The host refused the push as a whole (at its door) without judging this entry. */
  unjudged?: boolean;
  /** Settled as rejected, but it may be on the host (OutboxEntry.inDoubt). */
  inDoubt?: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  team TEXT NOT NULL,
  call TEXT NOT NULL,
  input_json TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'duplicate', 'rejected')),
  result_json TEXT,
  reason TEXT,
  message TEXT,
  settled_at INTEGER,
  dismissed INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (team, status, seq);
CREATE TABLE IF NOT EXISTS sync_state (
  team TEXT PRIMARY KEY,
  last_sync INTEGER,
  last_error TEXT
) STRICT;
`;

/** Added after the first release, to outboxes made before them too. */
const COLUMNS: Record<string, string> = { sent_at: 'INTEGER', in_doubt: 'INTEGER NOT NULL DEFAULT 0' };

/** Time-ordered and unguessable: ob_ + milliseconds (base 36) + 80 random bits. */
export function newEntryId(now: number): string {
  return `ob_${now.toString(36).padStart(9, '0')}${randomBytes(10).toString('hex')}`;
}

interface Row {
  id: string;
  team: string;
  call: string;
  input_json: string;
  created_at: number;
  status: EntryStatus;
  result_json: string | null;
  reason: string | null;
  message: string | null;
  settled_at: number | null;
  dismissed: number;
  sent_at: number | null;
  in_doubt: number;
}

const view = (r: Row): OutboxEntry => ({
  id: r.id,
  team: r.team,
  call: r.call,
  input: JSON.parse(r.input_json) as Record<string, unknown>,
  createdAt: r.created_at,
  status: r.status,
  result: r.result_json === null ? null : (JSON.parse(r.result_json) as unknown),
  reason: r.reason,
  message: r.message,
  settledAt: r.settled_at,
  dismissed: r.dismissed === 1,
  sentAt: r.sent_at,
  inDoubt: r.in_doubt === 1,
});

export class Outbox {
  readonly db: Database.Database;

  constructor(path: string) {
    if (path !== ':memory:') precreatePrivateFile(path);
    this.db = new Database(path);
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    const have = new Set((this.db.prepare('PRAGMA table_info(outbox)').all() as { name: string }[]).map((c) => c.name));
    for (const [name, type] of Object.entries(COLUMNS)) if (!have.has(name)) this.db.exec(`ALTER TABLE outbox ADD COLUMN ${name} ${type}`);
  }

  close(): void {
    this.db.close();
  }

  /** Keep a write for the team's host; durable when this returns. */
  add(team: string, call: string, input: Record<string, unknown>, now: number, id: string = newEntryId(now)): OutboxEntry {
    this.db.prepare('INSERT INTO outbox (id, team, call, input_json, created_at) VALUES (?, ?, ?, ?, ?)').run(id, team, call, JSON.stringify(input), now);
    return this.get(id)!;
  }

  get(id: string): OutboxEntry | null {
    const r = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as Row | undefined;
    return r ? view(r) : null;
  }

  /** What is still to send, oldest first. */
  pending(team: string, limit = 1000): OutboxEntry[] {
    return (this.db.prepare(`SELECT * FROM outbox WHERE team = ? AND status = 'pending' ORDER BY seq LIMIT ?`).all(team, limit) as Row[]).map(view);
  }

  /** Rejected entries the member has not dismissed, oldest first. */
  rejected(team: string): OutboxEntry[] {
    return (this.db.prepare(`SELECT * FROM outbox WHERE team = ? AND status = 'rejected' AND dismissed = 0 ORDER BY seq`).all(team) as Row[]).map(view);
  }

  /** The host's answers, in one transaction; an entry already settled keeps its first answer. */
  settle(settlements: readonly Settlement[], now: number): void {
    const upd = this.db.prepare(`UPDATE outbox SET status = ?, result_json = ?, reason = ?, message = ?, settled_at = ?, in_doubt = ? WHERE id = ? AND status = 'pending'`);
    this.db.transaction(() => {
      for (const s of settlements) upd.run(s.status, s.result === undefined ? null : JSON.stringify(s.result), s.reason ?? null, s.message ?? null, now, s.inDoubt === true ? 1 : 0, s.id);
    })();
  }

  /** About to send these: from now on the host may hold them (kept before the send, so a crash mid-send errs on the side of "sent"). */
  markSent(ids: readonly string[], now: number): void {
    const upd = this.db.prepare(`UPDATE outbox SET sent_at = COALESCE(sent_at, ?) WHERE id = ? AND status = 'pending'`);
    this.db.transaction(() => {
      for (const id of ids) upd.run(now, id);
    })();
  }

  /** The send never left this machine: these were not sent after all (only ones never sent before are given). */
  unmarkSent(ids: readonly string[]): void {
    const upd = this.db.prepare(`UPDATE outbox SET sent_at = NULL WHERE id = ? AND status = 'pending'`);
    this.db.transaction(() => {
      for (const id of ids) upd.run(id);
    })();
  }

  /** An entry refused on this machine before it was ever sent (the offline allowance): it never existed. */
  drop(id: string): boolean {
    return this.db.prepare(`DELETE FROM outbox WHERE id = ? AND status = 'pending'`).run(id).changes === 1;
  }

  /** The member has read a rejection: it leaves the list (the row stays). */
  dismiss(id: string): boolean {
    return this.db.prepare(`UPDATE outbox SET dismissed = 1 WHERE id = ? AND status = 'rejected'`).run(id).changes === 1;
  }

  /** `inDoubt`: of the rejected ones, those the host may have recorded all the same. */
  counts(team: string): { pending: number; rejected: number; inDoubt: number } {
    const r = this.db
      .prepare(`SELECT SUM(status = 'pending') AS p, SUM(status = 'rejected' AND dismissed = 0) AS r, SUM(status = 'rejected' AND dismissed = 0 AND in_doubt = 1) AS d FROM outbox WHERE team = ?`)
      .get(team) as { p: number | null; r: number | null; d: number | null };
    return { pending: r.p ?? 0, rejected: r.r ?? 0, inDoubt: r.d ?? 0 };
  }

  lastSync(team: string): { at: number | null; error: string | null } {
    const r = this.db.prepare('SELECT last_sync, last_error FROM sync_state WHERE team = ?').get(team) as { last_sync: number | null; last_error: string | null } | undefined;
    return { at: r?.last_sync ?? null, error: r?.last_error ?? null };
  }

  /** A push reached the host (error null), or did not (the error, last_sync unchanged). */
  noteSync(team: string, now: number, error: string | null): void {
    this.db
      .prepare(
        `INSERT INTO sync_state (team, last_sync, last_error) VALUES (?, ?, ?)
         ON CONFLICT (team) DO UPDATE SET last_sync = COALESCE(excluded.last_sync, last_sync), last_error = excluded.last_error`,
      )
      .run(team, error === null ? now : null, error);
  }

  /** Leaving the team: its entries, pending ones included, are dropped. */
  forget(team: string): number {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM sync_state WHERE team = ?').run(team);
      return this.db.prepare('DELETE FROM outbox WHERE team = ?').run(team).changes;
    })();
  }
}
