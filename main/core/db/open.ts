/**
 * Opens (or creates) a ledger file. WAL with synchronous=FULL: an acknowledged
 * event survives a crash or power loss. A busy timeout lets the CLI, the app
 * and the web host write to one file at once.
 */
import Database from 'better-sqlite3';
import { precreatePrivateFile } from '../util/private-files.js';
import { migrations } from './migrations.js';

export type DB = Database.Database;

export const SCHEMA_VERSION = migrations.length;

export class SchemaTooNewError extends Error {
  constructor(found: number) {
    super(
      `this ledger was written by a newer Creditdeck (schema ${found}, this version knows ${SCHEMA_VERSION}); update Creditdeck to open it — nothing was changed`,
    );
    this.name = 'SchemaTooNewError';
  }
}

export interface OpenDbOptions {
  readonly?: boolean;
  /**
   * A better_sqlite3.node to load instead of the one in node_modules (the
   * desktop app passes its Electron build: scripts/electron-native.mjs).
   */
  nativeBinding?: string;
}

export function openDb(path: string, opts: OpenDbOptions = {}): DB {
  // A new ledger is created owner-only, in an owner-only folder; SQLite gives its -wal and -shm the same mode.
  if (path !== ':memory:' && path !== '' && !opts.readonly) precreatePrivateFile(path);
  const db = new Database(path, { readonly: opts.readonly ?? false, ...(opts.nativeBinding !== undefined ? { nativeBinding: opts.nativeBinding } : {}) });
  db.pragma('busy_timeout = 10000');
  // Fix: refuse a newer ledger before anything below can touch it. Switching a
  // rollback-journal file (a VACUUM INTO backup, say) to WAL rewrote its header,
  // though the refusal says nothing was changed.
  const found = db.pragma('user_version', { simple: true }) as number;
  if (found > SCHEMA_VERSION) {
    db.close();
    throw new SchemaTooNewError(found);
  }
  if (process.env.CREDITDECK_PAGE_SIZE) db.pragma(`page_size = ${Number(process.env.CREDITDECK_PAGE_SIZE)}`);
  if (path !== ':memory:' && !opts.readonly) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

export function migrate(db: DB): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new SchemaTooNewError(version);
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    const current = db.pragma('user_version', { simple: true }) as number;
    for (let i = current; i < migrations.length; i++) db.exec(migrations[i]!.sql);
    db.pragma(`user_version = ${migrations.length}`);
  }).immediate();
}
