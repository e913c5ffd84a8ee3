/**
 * Retries with exponential backoff for a vendor's meter. Time is injected
 * (`sleep`), so tests run the whole schedule without waiting. A 429's
 * Retry-After is honoured (never retried sooner); a refused key is not
 * retried at all (it will not fix itself).
 */
import type { FetchOutcome } from './fluximage.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 2_000, maxMs: 60_000 };

/** The wait before attempt n+1 (n from 1): base × 2^(n−1), capped; at least what Retry-After asked. */
export function backoffMs(policy: RetryPolicy, n: number, retryAfterMs?: number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** (n - 1));
  return retryAfterMs === undefined ? exp : Math.max(exp, retryAfterMs);
}

export async function withRetries(attempt: () => Promise<FetchOutcome>, o: { policy?: RetryPolicy; sleep: (ms: number) => Promise<void> }): Promise<FetchOutcome & { attempts: number }> {
  const policy = o.policy ?? DEFAULT_RETRY;
  for (let n = 1; ; n++) {
    const out = await attempt();
    if (out.ok || out.status === 'unauthorized' || n >= policy.attempts) return { ...out, attempts: n };
    await o.sleep(backoffMs(policy, n, out.retryAfterMs));
  }
}
