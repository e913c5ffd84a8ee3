/**
 * What a tool runs through: one core API call at a time, made by the
 * transport as it makes every other call — plain `call` on the local ledger
 * (stdio: whoever can open the file owns it, as with the CLI), or the team
 * host's callAs for the authenticated caller (access table, attribution,
 * caps, audit). The tools never touch the ledger themselves.
 */
import type { HandlerName } from '../core/api/handlers.js';
import type { Caller } from '../core/team/types.js';

export interface ToolEnv {
  run(name: HandlerName, input: unknown): Promise<unknown>;
  /** The authenticated caller on the team host; null on the local ledger. */
  caller: Caller | null;
  /** Unexpected failures, in full, for the operator (stderr, the host's log); never sent to the client. */
  log(line: string): void;
}

/** The accounts a caller may read when it names none: a scoped token limited to some accounts or pools, else null (every account). */
export function limitedAccounts(caller: Caller | null): string[] | null {
  if (!caller || (caller.accounts === null && caller.pools === null)) return null;
  const fromPools = (caller.pools ?? []).map((p) => p.slice(0, p.indexOf('/')));
  return [...new Set([...(caller.accounts ?? []), ...fromPools])];
}
