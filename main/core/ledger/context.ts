import type { Statement } from 'better-sqlite3';
import type { DB } from '../db/open.js';
import type { Clock } from '../util/clock.js';
import type { IdSource } from '../util/ids.js';

/** What every ledger operation needs: the database, the time and an id source. */
export class Ctx {
  private cache = new Map<string, Statement>();
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
    return this.db.transaction(fn).immediate();
  }
}
