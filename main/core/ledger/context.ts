import type { Statement } from 'better-sqlite3';
import type { DB } from '../db/open.js';
import type { Clock } from '../util/clock.js';
import type { IdSource } from '../util/ids.js';

/** What every ledger operation needs: the database, the time and an id source. */
export class Ctx {
  private cache = new Map<string, Statement>();
  private memo = new Map<string, unknown>();
  private memoVersion = -1;
  /** The version read in the current write transaction: nobody else can change it until we commit. */
  private txVersion: number | null = null;
  private runner: { immediate: (fn: () => unknown) => unknown } | null = null;

  constructor(
    readonly db: DB,
    readonly clock: Clock,
    readonly ids: IdSource,
  ) {}

  /** Prepared statements are cached: the hot path prepares nothing. */
  stmt(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  /** Run fn in a write transaction that takes the lock up front (BEGIN IMMEDIATE). */
  write<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    this.runner ??= this.db.transaction((f: () => unknown) => f()) as unknown as { immediate: (fn: () => unknown) => unknown };
    this.txVersion = null;
    try {
      return this.runner.immediate(fn) as T;
    } finally {
      this.txVersion = null;
    }
  }

  /**
   * Configuration (accounts, rate cards, limits, plans) cached until any
   * process changes it: triggers bump meta.config_version on every change.
   */
  config<T>(key: string, load: () => T): T {
    let v = this.txVersion;
    if (v === null) {
      v = (this.stmt(`SELECT value FROM meta WHERE key = 'config_version'`).get() as { value: number }).value;
      if (this.db.inTransaction) this.txVersion = v;
    }
    if (v !== this.memoVersion) {
      this.memo.clear();
      this.memoVersion = v;
    }
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = load();
    this.memo.set(key, value);
    return value;
  }

  /** Call after changing configuration inside a transaction: later reads in it must not see the old cache. */
  configChanged(): void {
    this.memo.clear();
    this.memoVersion = -1;
    this.txVersion = null;
  }
}
