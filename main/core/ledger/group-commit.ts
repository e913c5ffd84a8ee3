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

interface Job {
  run: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
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
  ) {}

  /** Run `run` (a synchronous ledger call) in the next group; settles once its group is committed. */
  submit<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (v: unknown) => void, reject });
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
    let outcomes: ReturnType<Ctx['writeGroup']>;
    try {
      outcomes = this.ctx.writeGroup(jobs.map((j) => j.run));
    } catch (e) {
      const error = new GroupCommitError(e);
      for (const j of jobs) j.reject(error);
      return;
    }
    jobs.forEach((j, i) => {
      const o = outcomes[i]!;
      if (o.ok) j.resolve(o.value);
      else j.reject(o.error);
    });
  }
}
