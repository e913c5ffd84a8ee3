import type { Statement } from 'better-sqlite3';
import type { DB } from '../db/open.js';
import type { Clock } from '../util/clock.js';
import type { IdSource } from '../util/ids.js';

/** How long a write waits for another process's write transaction to finish before failing with SQLITE_BUSY. */
export const WRITE_LOCK_WAIT_MS = 60_000;

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

const napCell = new Int32Array(new SharedArrayBuffer(4));

/** Sleep without yielding to the event loop: the caller is inside a synchronous ledger call. */
function napMs(ms: number): void {
  Atomics.wait(napCell, 0, 0, ms);
}

/** What every ledger operation needs: the database, the time and an id source. */
export class Ctx {
  private cache = new Map<string, Statement>();
  private memo = new Map<string, unknown>();
  private memoVersion = -1;
  /** The version read in the current write transaction: nobody else can change it until we commit. */
  private txVersion: number | null = null;
  private runner: ((fn: () => unknown) => unknown) & { immediate: (fn: () => unknown) => unknown } | null = null;
  private busyTimeout: number | null = null;
  /** Writes begun through this context: what a cache of rows this process may change compares (team/sign-in-cache.ts). */
  writes = 0;
  /** Inside writeGroup: each call's own write is a savepoint of the group's transaction. */
  private grouped = false;
  private groupDepth = 0;

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

  /**
   * Run fn in a write transaction that takes the lock up front (BEGIN IMMEDIATE).
   *
   * Waiting for the lock: SQLite's busy handler backs off to 100 ms naps, so a
   * writer that has waited a while loses nearly every race to writers that
   * just started waiting; with several processes writing continuously one of
   * them starved past the 10 s busy timeout and failed with SQLITE_BUSY
   * (test/stress/concurrency.test.ts found it). Instead the lock is polled
   * without SQLite's handler, at short random intervals, for up to
   * WRITE_LOCK_WAIT_MS: every waiter gets the same chances. Only taking the
   * lock is retried, never work already done; the body and COMMIT run with the
   * connection's usual busy timeout.
   */
  write<T>(fn: () => T): T {
    this.writes++;
    if (this.db.inTransaction) return this.grouped && this.groupDepth === 0 ? this.savepoint(fn) : fn();
    this.runner ??= this.db.transaction((f: () => unknown) => f()) as unknown as NonNullable<Ctx['runner']>;
    this.busyTimeout ??= this.db.pragma('busy_timeout', { simple: true }) as number;
    const restore = this.stmt(`PRAGMA busy_timeout = ${this.busyTimeout}`);
    const poll = this.stmt('PRAGMA busy_timeout = 0');
    let began = false;
    const body = () => {
      began = true;
      restore.get();
      return fn();
    };
    const deadline = Date.now() + WRITE_LOCK_WAIT_MS;
    this.txVersion = null;
    try {
      for (;;) {
        poll.get();
        try {
          return this.runner.immediate(body) as T;
        } catch (e) {
          if (began || !isBusy(e) || Date.now() >= deadline) throw e;
        }
        napMs(0.25 + Math.random() * 2);
      }
    } finally {
      if (!began) restore.get();
      this.txVersion = null;
    }
  }

  /**
   * A call's own write inside a group: a savepoint, so it commits with the
   * group or, when it throws, leaves nothing behind — what its own
   * transaction would have done alone. Writes nested in it run as they are.
   */
  private savepoint<T>(fn: () => T): T {
    this.groupDepth++;
    try {
      // A transaction function called inside a transaction is a savepoint (better-sqlite3).
      return this.runner!(fn) as T;
    } catch (e) {
      // What it cached of the configuration may have been rolled back with it.
      this.configChanged();
      throw e;
    } finally {
      this.groupDepth--;
    }
  }

  /**
   * Group commit: run the calls in one write transaction, in order, each as
   * it would run alone (its writes are savepoints: a call that throws rolls
   * back alone, and what it wrote before throwing — a refusal's record —
   * stays, as its own committed transaction would). One COMMIT, one fsync for
   * them all. Answers each call's outcome; when the transaction itself
   * cannot commit, it throws and nothing of any call is there.
   */
  writeGroup(calls: readonly (() => unknown)[]): ({ ok: true; value: unknown } | { ok: false; error: unknown })[] {
    if (this.db.inTransaction) throw new Error('writeGroup runs its own transaction');
    try {
      return this.write(() => {
        this.grouped = true;
        this.groupDepth = 0;
        return calls.map((call) => {
          try {
            return { ok: true as const, value: call() };
          } catch (error) {
            return { ok: false as const, error };
          }
        });
      });
    } catch (e) {
      this.configChanged();
      throw e;
    } finally {
      this.grouped = false;
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
