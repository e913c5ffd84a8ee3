/**
 * Backups, exports and restores.
 *  - backup: `VACUUM INTO` a new file — a consistent snapshot taken inside one
 *    read transaction, so writers can carry on meanwhile.
 *  - export: every row of every table as JSON Lines (a header line, then one
 *    line per row), readable by anything and reloadable exactly.
 *  - restore: an export into an empty ledger, or a backup file in place of a
 *    ledger (the old file is kept beside it). Both are checked before they are
 *    trusted: schema version, SQLite integrity and every ledger invariant.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, copyFileSync, existsSync, openSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { SCHEMA_VERSION, SchemaTooNewError, openDb } from '../db/open.js';
import { backfillsAfter, exportRestorable } from '../db/migrations.js';
import { InputError } from '../util/errors.js';
import { iso } from '../util/period.js';
import { findUnsafeText, UNSAFE } from '../util/text.js';
import type { Clock } from '../util/clock.js';
import { Ctx } from './context.js';
import { checkInvariants } from './invariants.js';
import { randomIds } from '../util/ids.js';
import { createPrivateFile, PRIVATE_FILE_MODE } from '../util/private-files.js';
import { RowBatcher, sameNames } from './restore-rows.js';

export const EXPORT_FORMAT = 'creditdeck-ledger';

interface Header {
  format: string;
  schemaVersion: number;
  exportedAt: string;
}

/** Derived caches, rebuilt from the events on demand: never exported, never restored. */
const DERIVED = ['meta', 'attr_rollup', 'attr_rollup_mark'];

function tables(db: Database.Database): string[] {
  return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((r) => r.name).filter((n) => !DERIVED.includes(n));
}

export function backupTo(ctx: Ctx, path: string): { path: string; bytes: number; at: string } {
  if (typeof path !== 'string' || path.length === 0) throw new InputError('a backup file path is required', 'path');
  // Made owner-only first (VACUUM INTO fills an empty file), and never over an existing one.
  closeSync(newFile(path, 'backups'));
  try {
    ctx.db.prepare('VACUUM INTO ?').run(path);
  } catch (e) {
    rmSync(path, { force: true });
    throw e;
  }
  return { path, bytes: statSync(path).size, at: iso(ctx.clock.now()) };
}

/** A new owner-only file (in owner-only folders it creates); an existing one is refused. */
function newFile(path: string, what: 'backups' | 'exports'): number {
  try {
    return createPrivateFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new InputError(`${path} already exists; ${what} never overwrite a file`, 'path');
    throw e;
  }
}

/** Write every row as JSON Lines; rows are streamed, never held all at once. */
export function exportTo(ctx: Ctx, path: string): { path: string; rows: number; tables: number } {
  const fd = newFile(path, 'exports');
  let rows = 0;
  try {
    const header: Header = { format: EXPORT_FORMAT, schemaVersion: SCHEMA_VERSION, exportedAt: iso(ctx.clock.now()) };
    writeSync(fd, JSON.stringify(header) + '\n');
    // One read transaction: the export is a consistent snapshot.
    ctx.db.exec('BEGIN');
    try {
      const names = tables(ctx.db);
      for (const table of names) {
        let buf = '';
        for (const row of ctx.db.prepare(`SELECT * FROM "${table}"`).iterate() as IterableIterator<Record<string, unknown>>) {
          buf += JSON.stringify({ t: table, r: row }) + '\n';
          rows++;
          if (buf.length > 1 << 20) {
            writeSync(fd, buf);
            buf = '';
          }
        }
        if (buf) writeSync(fd, buf);
      }
      return { path, rows, tables: names.length };
    } finally {
      ctx.db.exec('COMMIT');
    }
  } finally {
    closeSync(fd);
  }
}

/** Text the ledger recorded from elsewhere (what Stripe said), taken as it is; the CLI escapes it when it prints it. */
const FOREIGN_TEXT = new Set(['purchase_log.message']);

/**
 * A restored row holds only plain text (util/text.ts), as the API would have
 * taken it: JSON columns (provider_json, attrs, details…) are read and each
 * of their strings checked too. "accounts.provider_json (plans.0.name) contains …"
 */
function unsafeCell(table: string, row: Record<string, unknown>): string | null {
  for (const [col, v] of Object.entries(row)) {
    if (typeof v !== 'string' || FOREIGN_TEXT.has(`${table}.${col}`)) continue;
    let found = findUnsafeText(v);
    // JSON without a backslash has no escapes: its strings are pieces of v, just checked whole.
    if (!found && /^[[{]/.test(v) && v.includes('\\')) {
      try {
        found = findUnsafeText(JSON.parse(v));
      } catch {
        // Not JSON: plain text, checked above.
      }
    }
    if (found) return `${table}.${col}${found.path ? ` (${found.path})` : ''} ${found.problem}`;
  }
  return null;
}

/** An export line whose strings may not all be plain: an unsafe character, or an escape other than \" and \/ (one pass). */
const NOT_PLAIN_LINE = new RegExp(`${UNSAFE.source}|\\\\[^"/]`);

/** A line longer than this is not a row any Creditdeck wrote: refused rather than held. */
const MAX_LINE_BYTES = 64 << 20;

/**
 * The lines of a file, read `chunkBytes` at a time with readSync (so a restore
 * stays synchronous inside its one write transaction): the file is never held
 * as one string, which past ~512 MB V8 cannot build. Lines split on the '\n'
 * byte, which never occurs inside a UTF-8 sequence, and are decoded one by one.
 */
export class LineReader {
  /** Bytes read from the file so far. */
  bytesRead = 0;
  /** The most bytes held at once: the current chunk plus an unfinished line. */
  maxHeld = 0;
  private readonly buf: Buffer;
  private view: Buffer;
  private pos = 0;
  private carry: Buffer[] = [];
  private carried = 0;

  constructor(
    private readonly fd: number,
    chunkBytes = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
    this.view = this.buf.subarray(0, 0);
  }

  /** The next line without its '\n', or null at the end of the file. */
  next(): string | null {
    for (;;) {
      const nl = this.view.indexOf(10, this.pos);
      if (nl !== -1) {
        const line = this.take(nl);
        this.pos = nl + 1;
        return line;
      }
      // No newline in the rest of this chunk: keep a copy (the buffer is reused) and read on.
      if (this.pos < this.view.length) {
        this.carried += this.view.length - this.pos;
        if (this.carried > MAX_LINE_BYTES) throw new InputError(`a line is longer than ${MAX_LINE_BYTES >> 20} MiB; nothing was restored`, 'file');
        this.carry.push(Buffer.from(this.view.subarray(this.pos)));
      }
      const n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      this.bytesRead += n;
      this.view = this.buf.subarray(0, n);
      this.pos = 0;
      this.maxHeld = Math.max(this.maxHeld, this.carried + n);
      if (n === 0) return this.carry.length ? this.take(0) : null;
    }
  }

  /** The carried bytes and this chunk up to `end`, as text. */
  private take(end: number): string {
    if (!this.carry.length) return this.view.toString('utf8', this.pos, end);
    this.carry.push(this.view.subarray(this.pos, end));
    const line = Buffer.concat(this.carry).toString('utf8');
    this.carry = [];
    this.carried = 0;
    return line;
  }
}

/**
 * Load an export into an empty ledger; all or nothing, then verified. The
 * file is read line by line (`chunkBytes` at a time), so its size is bounded
 * by the disk, not by memory.
 */
export function restoreExport(ctx: Ctx, path: string, opts: { chunkBytes?: number } = {}): { rows: number; accounts: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'file');
  }
  try {
    return restoreLines(ctx, path, new LineReader(fd, opts.chunkBytes));
  } finally {
    closeSync(fd);
  }
}

function restoreLines(ctx: Ctx, path: string, lines: LineReader): { rows: number; accounts: number } {
  let header: Header;
  try {
    header = JSON.parse(lines.next() ?? '') as Header;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${path} is not a Creditdeck export (its first line is not JSON)`, 'file');
  }
  if (header?.format !== EXPORT_FORMAT) throw new InputError(`${path} is not a Creditdeck export`, 'file');
  if (header.schemaVersion > SCHEMA_VERSION) throw new SchemaTooNewError(header.schemaVersion);
  if (!exportRestorable(header.schemaVersion)) {
    throw new InputError(`${path} has schema ${header.schemaVersion}, whose rows this version (schema ${SCHEMA_VERSION}) cannot load as they are; restore a .sqlite backup of it instead, which is migrated forward`, 'file');
  }
  const existing = (ctx.db.prepare('SELECT COUNT(*) AS n FROM accounts').get() as { n: number }).n;
  if (existing > 0) throw new InputError('the target ledger is not empty; restore an export into a new ledger file (--db NEW_PATH)', 'db');
  const known = new Set(tables(ctx.db));
  const checked = new Set<string>();
  let last: { table: string; cols: string[] } | undefined;
  const rows = new RowBatcher(ctx.db);
  let count = 0;
  const direct = rollbackJournal(ctx);
  try {
    ctx.write(() => {
      // Rows arrive table by table in name order; foreign keys are checked at commit.
      ctx.db.pragma('defer_foreign_keys = ON');
      let lineNo = 1;
      for (let line = lines.next(); line !== null; line = lines.next()) {
        lineNo++;
        if (!line) continue;
        let item: { t: string; r: Record<string, unknown> };
        try {
          item = JSON.parse(line) as { t: string; r: Record<string, unknown> };
        } catch {
          throw new InputError(`${path} line ${lineNo} is not valid JSON; nothing was restored`, 'file');
        }
        if (!item || typeof item.t !== 'string' || !known.has(item.t) || typeof item.r !== 'object' || item.r === null) {
          throw new InputError(`${path} line ${lineNo} names no table of this ledger; nothing was restored`, 'file');
        }
        let cols = Object.keys(item.r);
        // Rows of a table come in a run with the same columns: their names are checked once per run.
        if (last?.table !== item.t || !sameNames(last.cols, cols)) {
          const key = `${item.t}(${cols.join(',')})`;
          if (!checked.has(key)) {
            if (!cols.every((c) => /^[a-z_]+$/.test(c))) throw new InputError(`${path} line ${lineNo} has an invalid column name; nothing was restored`, 'file');
            checked.add(key);
          }
          last = { table: item.t, cols };
        } else cols = last.cols;
        // No unsafe character and no escape but \" or \/ in the line: every string in it, JSON columns' too, is plain text.
        const plain = !NOT_PLAIN_LINE.test(line);
        const unsafe = plain ? null : unsafeCell(item.t, item.r);
        if (unsafe) throw new InputError(`${path} line ${lineNo}: ${unsafe}; nothing was restored`, 'file');
        rows.add(item.t, cols, item.r);
        count++;
      }
      rows.flush();
      for (const sql of backfillsAfter(header.schemaVersion)) ctx.db.exec(sql);
      const problems = checkInvariants(ctx);
      if (problems.length) throw new InputError(`the export does not add up (${problems[0]}${problems.length > 1 ? ` and ${problems.length - 1} more` : ''}); nothing was restored`, 'file');
      ctx.configChanged();
    });
  } finally {
    if (direct) journalMode(ctx, 'WAL');
  }
  return { rows: count, accounts: (ctx.db.prepare('SELECT COUNT(*) AS n FROM accounts').get() as { n: number }).n };
}

/**
 * A new ledger's pages are all new: in rollback-journal mode a restore writes
 * them once, into the file, and the journal holds only the few pages that
 * were there (still all or nothing, a crash included); through the WAL they
 * were written twice, into the WAL and then into the file by the checkpoint.
 * Whether the switch was made: not with another connection to the file (the
 * restore then goes through the WAL, as before), and never waited for.
 */
function rollbackJournal(ctx: Ctx): boolean {
  return !ctx.db.inTransaction && ctx.db.name !== ':memory:' && journalMode(ctx, 'DELETE');
}

/** Set the journal mode if no other connection stands in the way; whether it is now `mode`. */
function journalMode(ctx: Ctx, mode: 'DELETE' | 'WAL'): boolean {
  const wait = ctx.db.pragma('busy_timeout', { simple: true }) as number;
  ctx.db.pragma('busy_timeout = 0');
  try {
    return ctx.db.pragma(`journal_mode = ${mode}`, { simple: true }) === mode.toLowerCase();
  } catch (e) {
    // Back to WAL can wait: openDb sets it on the next open.
    if ((e as { code?: unknown }).code === 'SQLITE_BUSY') return false;
    throw e;
  } finally {
    ctx.db.pragma(`busy_timeout = ${wait}`);
  }
}

/** The desktop app's better-sqlite3 build for Electron (api/open.ts); default the one in node_modules. */
export interface NativeOpts {
  nativeBinding?: string;
}

/** Check a backup file before it replaces anything: version, integrity, invariants. */
export function verifyBackup(path: string, clock: Clock, opts: NativeOpts = {}): { events: number; accounts: number } {
  if (!existsSync(path)) throw new InputError(`${path} does not exist`, 'file');
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, ...opts });
    db.pragma('schema_version');
  } catch (e) {
    throw new InputError(`${path} is not a SQLite database (${(e as Error).message})`, 'file');
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new SchemaTooNewError(version);
    if (version < 1) throw new InputError(`${path} is not a Creditdeck ledger`, 'file');
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    if (integrity !== 'ok') throw new InputError(`${path} is damaged: ${integrity}`, 'file');
    if (version === SCHEMA_VERSION) {
      const problems = checkInvariants(new Ctx(db, clock, randomIds));
      if (problems.length) throw new InputError(`${path} does not add up: ${problems[0]}`, 'file');
    }
    return {
      events: (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n,
      accounts: (db.prepare('SELECT COUNT(*) AS n FROM accounts').get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

/**
 * Put a verified backup in place of the ledger at `target`. The current file
 * (if any) is kept as TARGET.before-restore-<time>. Close the app first: a
 * process that still has the old file open keeps writing to it.
 */
export function restoreBackup(backup: string, target: string, clock: Clock, opts: NativeOpts = {}): { target: string; keptAs: string | null; events: number; accounts: number } {
  const info = verifyBackup(backup, clock, opts);
  let keptAs: string | null = null;
  if (existsSync(target)) {
    // Fold the WAL into the file so the kept copy is complete on its own.
    const cur = openDb(target, opts);
    cur.pragma('wal_checkpoint(TRUNCATE)');
    cur.close();
    keptAs = `${target}.before-restore-${iso(clock.now()).replace(/[:.]/g, '-')}`;
    renameSync(target, keptAs);
    for (const ext of ['-wal', '-shm']) if (existsSync(target + ext)) renameSync(target + ext, keptAs + ext);
  }
  copyFileSync(backup, target);
  // copyFile keeps the backup's mode; the ledger is owner-only whatever it was.
  chmodSync(target, PRIVATE_FILE_MODE);
  openDb(target, opts).close(); // migrates an older backup forward
  return { target, keptAs, ...info };
}
