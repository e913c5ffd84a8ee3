import * as z from 'zod';
import type { HoldView } from '../../core/ledger/holds.js';
import { Amount, Credits, Instant, dec } from '../credits.js';
import { AccountId, IdempotencyKey, defineTool } from './define.js';

/** A reservation as every tool that touches one answers it. */
export const Reservation = {
  reservationId: z.string(),
  account: z.string(),
  pool: z.string(),
  credits: Credits.describe('reserved in all'),
  captured: Credits.describe('spent from it by commit_usage'),
  outstanding: Credits.describe('still held for you'),
  status: z.enum(['open', 'released', 'expired']),
  createdAt: Instant,
  expiresAt: Instant,
};

export function reservationOf(h: HoldView) {
  return {
    reservationId: h.holdId,
    account: h.account,
    pool: h.pool,
    credits: dec(h.credits),
    captured: dec(h.captured),
    outstanding: dec(h.outstanding),
    status: h.status,
    createdAt: h.createdAt,
    expiresAt: h.expiresAt,
  };
}

export const reserveCredits = defineTool({
  name: 'reserve_credits',
  title: 'Reserve credits for a batch',
  description:
    'Hold credits on a pool before a batch job fans out, so that other work cannot spend them meanwhile: answers a reservation id. Record each step with commit_usage and that reservationId (it draws the reservation down first). ' +
    'When the batch ends — finished, failed or stopped early — call release_reservation so the rest goes back to the pool; otherwise it stays held until the TTL runs out. ' +
    'Size it with estimate_cost. Refused (nothing held) when the pool has not that much available. Credits are exact decimal strings.',
  input: {
    account: AccountId,
    pool: z.string().min(1).max(64).describe('the pool to hold credits on (estimate_cost and list_pools name it)'),
    credits: Amount.describe('how many credits to hold, e.g. "30" or "12.5" (at most 3 decimals)'),
    ttlSeconds: z.number().int().min(1).max(30 * 86_400).default(3600).describe('how long the hold lasts if it is not released (default 3600 s, at most 30 days)'),
    idempotencyKey: IdempotencyKey,
    note: z.string().max(500).optional().describe('what the batch is, for the people reading the ledger'),
  },
  output: Reservation,
  write: true,
  async handle(env, args) {
    const h = (await env.run('holds.place', { account: args.account, pool: args.pool, amount: args.credits, ttlSeconds: args.ttlSeconds, key: args.idempotencyKey, note: args.note })) as HoldView;
    return reservationOf(h);
  },
});
