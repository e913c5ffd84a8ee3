/**
 * Every failure the core raises is one of these, so each transport (CLI exit
 * code, HTTP status, IPC rejection) can map it without parsing messages.
 */
export class InputError extends Error {
  readonly code = 'invalid_input';
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Refused by a ledger rule (credits, limit, rate limit, plan). The refusal is recorded before this is thrown. */
export class RefusedError extends Error {
  readonly code = 'refused';
  constructor(
    message: string,
    readonly reason: RefusalReason,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'RefusedError';
  }
}

export type RefusalReason =
  | 'insufficient_credits'
  | 'account_limit'
  | 'member_limit'
  | 'daily_limit'
  | 'rate_limit'
  | 'plan'
  | 'refund'
  | 'hold'
  // A team member's cap on a pool, and a scoped token's cap (main/core/team/caps.ts).
  | 'member_cap'
  | 'token_cap'
  // A member's client offline, past the allowance leased at its last sync (main/core/sync/allowance.ts): refused on the member's machine.
  | 'offline_allowance'
  // An entry dated in a period that reset longer ago than the account's grace window (main/core/ledger/late.ts).
  | 'late_entry';

export class NotFoundError extends InputError {
  constructor(what: string, id: string, hint?: string) {
    super(`${what} "${id}" was not found${hint ? `; ${hint}` : ''}`, what);
    this.name = 'NotFoundError';
  }
}
