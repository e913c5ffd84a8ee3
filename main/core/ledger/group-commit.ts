/**
 * One writer for a host's ledger: calls that arrive while the host is busy
 * are gathered and committed together (Ctx.writeGroup), in arrival order,
 * each under its own savepoint, so N waiting writers cost one COMMIT and one
 * fsync instead of N. A call is answered only once the commit that holds it
 * is durable. Idle, a call runs at the next turn of the event loop on its
 * own, with no added wait; under load the queue fills while the previous
 * group commits, and the next turn takes everything that came.
 */
import type { Ctx } from './context.js';

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Calls of one kind that cost less recorded together (usage events: the
 * summaries moved once, the rows many to an INSERT; api/record-many.ts).
 * Consecutive jobs of a group with the same Batchable go to runAll in one
 * savepoint. runAll answers each item exactly as its call alone would, in
 * order, its writes as they would be (its tests say so); when it throws
 * instead, its savepoint is rolled back and each job runs alone.
 */
export interface Batchable<I> {
  runAll(items: readonly I[]): Outcome[];
}

interface Job {
  run: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  batch?: { as: Batchable<unknown>; item: unknown };
}

/** Thrown to every call of a group whose transaction could not commit. */
export class GroupCommitError extends Error {
  constructor(override readonly cause: unknown) {
    super(`the ledger could not commit this write (${cause instanceof Error ? cause.message : String(cause)}); nothing of it was written`);
    this.name = 'GroupCommitError';
  }
}

export class GroupCommit {
  private queue: Job[] = [];
  private scheduled = false;
  /** The largest group committed so far (the bench reports it). */
  largest = 0;
  groups = 0;

  constructor(
    private readonly ctx: Ctx,
    /** When the queue is taken; tests step it by hand. */
    private readonly schedule: (fn: () => void) => void = (fn) => void setImmediate(fn),
    /** At most this many calls in one transaction, so one group never holds the lock for long. */
    private readonly maxGroup = 512,
  ) {
    // A group's savepoints, and each INSERT of many rows in it, journal the pages they first change so they can roll
    // back alone; past 64 KiB SQLite spills that journal to a file in the temporary folder, a system call a page. In
    // memory it is bounded by what one group changes (docs/performance.md, "Many writers, sixth pass").
    ctx.db.pragma('temp_store = MEMORY');
  }

  /**
   * Run `run` (a synchronous ledger call) in the next group; settles once its
   * group is committed. `batch`: the same call as an item of a Batchable, for
   * when it shares its group with others of its kind (alone, `run` runs).
   */
  submit<T, I>(run: () => T, batch?: { as: Batchable<I>; item: I }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (v: unknown) => void, reject, ...(batch ? { batch: batch as { as: Batchable<unknown>; item: unknown } } : {}) });
      if (!this.scheduled) {
        this.scheduled = true;
        this.schedule(() => this.flush());
      }
    });
  }

  /** Commit what is queued (up to maxGroup; the rest at the next turn). */
  flush(): void {
    this.scheduled = false;
    const jobs = this.queue.splice(0, this.maxGroup);
    if (this.queue.length > 0) {
      this.scheduled = true;
      this.schedule(() => this.flush());
    }
    if (jobs.length === 0) return;
    this.groups++;
    this.largest = Math.max(this.largest, jobs.length);
    // Alone, a call runs exactly as it would without the writer.
    if (jobs.length === 1) {
      const job = jobs[0]!;
      try {
        job.resolve(job.run());
      } catch (e) {
        job.reject(e);
      }
      return;
    }
    // Runs of consecutive jobs with the same Batchable become one call of the group; the rest are calls of their own.
    const runs: Job[][] = [];
    for (const j of jobs) {
      const last = runs.at(-1);
      if (j.batch && last?.[0]!.batch?.as === j.batch.as) last.push(j);
      else runs.push([j]);
    }
    let outcomes: Outcome[];
    try {
      outcomes = this.ctx.writeGroup(runs.map((run) => (run.length === 1 ? run[0]!.run : () => this.runAll(run))));
    } catch (e) {
      const error = new GroupCommitError(e);
      for (const j of jobs) j.reject(error);
      return;
    }
    runs.forEach((run, i) => {
      const o = outcomes[i]!;
      const each = run.length === 1 ? [o] : (o as { ok: true; value: Outcome[] }).value;
      run.forEach((j, k) => {
        const r = each[k]!;
        if (r.ok) j.resolve(r.value);
        else j.reject(r.error);
      });
    });
  }

  /** A run of batchable jobs: together under one savepoint, or — when that throws — each alone under its own. Never throws. */
  private runAll(run: Job[]): Outcome[] {
    this.batchRuns++;
    try {
      return this.ctx.write(() => {
        const out = run[0]!.batch!.as.runAll(run.map((j) => j.batch!.item));
        // Checked inside the savepoint: a wrong answer leaves nothing, and each job runs alone.
        if (out.length !== run.length) throw new Error(`a batch answered ${out.length} of ${run.length} calls`);
        return out;
      });
    } catch {
      this.batchFailures++;
      return run.map((j): Outcome => {
        try {
          return { ok: true, value: j.run() };
        } catch (error) {
          return { ok: false, error };
        }
      });
    }
  }

  /** Runs of batchable jobs recorded together, and those whose batch threw and were recorded one by one instead (the tests read them). */
  batchRuns = 0;
  batchFailures = 0;
}
