/**
 * Credits as an agent sees them: exact decimal text ("7.5", "0.001"), never
 * a binary float it might round. The core answers credits as JSON numbers
 * with at most 3 decimals (mcToCredits); they go back through millicredits.
 */
import * as z from 'zod';
import { formatMc } from '../core/util/credits.js';

/** Core credits (≤ 3 decimals, ≤ 10^12) → exact decimal text. */
export function dec(credits: number): string {
  return formatMc(Math.round(credits * 1000));
}

export function decOrNull(credits: number | null): string | null {
  return credits === null ? null : dec(credits);
}

/** An exact amount of credits in an answer. */
export const Credits = z.string().regex(/^-?\d+(\.\d{1,3})?$/).describe('credits as an exact decimal string (up to 3 decimals; 1 credit = 1000 millicredits)');

/** An amount of credits or units in a request: decimal text preferred ("7.5"); at most 3 decimals, anything finer is refused, not rounded. */
export const Amount = z.union([z.string().max(40), z.number()]);

export const Instant = z.string().describe('an ISO 8601 instant (UTC)');
