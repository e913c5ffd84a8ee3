/**
 * The token rows a team host reads at every request, kept in memory (issue
 * 16: the read was a tenth of a busy host's time). They stand while the
 * team's access version does: meta 'access_version', moved by triggers on
 * every change to tokens (but their last use), people and the team, made by
 * any process (db/migrations.ts). The version is read again at the first
 * sign-in after this process wrote anything (a revocation here is seen at
 * once) or after expire(), which the host calls once per turn of its event
 * loop: a revocation by another process is seen by every request read after
 * it, as without the cache; only requests already being read in the same
 * turn — concurrent with it — may pass.
 */
import type { Ctx } from '../ledger/context.js';

export class SignInCache<Row> {
  private version: number | null = null;
  private fresh = false;
  /** ctx.writes when the version was read. */
  private writes = -1;
  private readonly rows = new Map<string, Row>();

  /** Read the version again at the next sign-in. */
  expire(): void {
    this.fresh = false;
  }

  /** The row for `id`, kept or read by `load` (undefined: no such token; not kept). */
  row(ctx: Ctx, id: string, load: () => Row | undefined): Row | undefined {
    if (!this.fresh || ctx.writes !== this.writes) {
      this.writes = ctx.writes;
      const v = (ctx.stmt(`SELECT value FROM meta WHERE key = 'access_version'`).get() as { value: number }).value;
      if (v !== this.version) {
        this.rows.clear();
        this.version = v;
      }
      this.fresh = true;
    }
    let r = this.rows.get(id);
    if (r === undefined) {
      r = load();
      if (r !== undefined) this.rows.set(id, r);
    }
    return r;
  }
}
