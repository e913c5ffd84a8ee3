/**
 * Failed sign-ins on the team host, counted per address and per token id:
 * failed redeems, bad Bearer tokens and bad sign-ins. A few are free in a
 * window; then the key is blocked, and after that each further failure
 * (within a day) blocks it again for twice as long as the last time, up to a
 * ceiling. While blocked, every
 * attempt from that address or for that token id is answered 429 before any
 * secret is checked, so a guess that happens to be right teaches nothing.
 * Counting is rate-limiter-flexible's in-memory limiter (its timers are
 * unref'd; a restart forgets, which only helps the legitimate user).
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface AuthLimits {
  /** Failures allowed per address or token id within windowSec before the first block. */
  freeFailures: number;
  windowSec: number;
  /** The first block; each later one doubles it, up to maxBlockSec. */
  firstBlockSec: number;
  maxBlockSec: number;
}

export const DEFAULT_AUTH_LIMITS: Readonly<AuthLimits> = {
  freeFailures: 10,
  windowSec: 15 * 60,
  firstBlockSec: 60,
  maxBlockSec: 60 * 60,
};

/** How long blocks are remembered for the doubling: a day without one starts again at firstBlockSec. */
const STRIKE_MEMORY_SEC = 24 * 60 * 60;

export class AuthFailures {
  private readonly failures: RateLimiterMemory;
  private readonly strikes: RateLimiterMemory;
  readonly limits: AuthLimits;

  constructor(limits: Partial<AuthLimits> = {}) {
    this.limits = { ...DEFAULT_AUTH_LIMITS, ...limits };
    this.failures = new RateLimiterMemory({ keyPrefix: 'fail', points: this.limits.freeFailures, duration: this.limits.windowSec });
    this.strikes = new RateLimiterMemory({ keyPrefix: 'strike', points: Number.MAX_SAFE_INTEGER, duration: STRIKE_MEMORY_SEC });
  }

  /** Seconds to wait if any of the keys is blocked now; null when they may try. */
  async blocked(keys: readonly string[]): Promise<number | null> {
    let wait = 0;
    for (const k of keys) {
      const r = await this.failures.get(k);
      if (r && r.consumedPoints > this.limits.freeFailures && r.msBeforeNext > 0) wait = Math.max(wait, r.msBeforeNext);
    }
    return wait > 0 ? Math.max(1, Math.ceil(wait / 1000)) : null;
  }

  /** Count one failure against each key; the seconds of the block it started, if it started one. */
  async fail(keys: readonly string[]): Promise<number | null> {
    let started: number | null = null;
    for (const k of keys) {
      // A key blocked before (within a day) gets no free failures again: the next one blocks, twice as long.
      const struck = ((await this.strikes.get(k))?.consumedPoints ?? 0) > 0;
      if (!struck) {
        try {
          await this.failures.consume(k);
          continue;
        } catch (e) {
          if (!(e instanceof RateLimiterRes)) throw e;
        }
      }
      const n = (await this.strikes.penalty(k)).consumedPoints;
      const sec = Math.min(this.limits.maxBlockSec, this.limits.firstBlockSec * 2 ** Math.min(n - 1, 30));
      await this.failures.block(k, sec);
      started = Math.max(started ?? 0, sec);
    }
    return started;
  }
}

/** The limiter keys for a request: its address, and the token id when one was presented. */
export function failureKeys(address: string | null, tokenId: string | null): string[] {
  const keys: string[] = [];
  if (address) keys.push(`addr:${address}`);
  if (tokenId) keys.push(`token:${tokenId}`);
  return keys;
}
