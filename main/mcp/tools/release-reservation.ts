import * as z from 'zod';
import type { HoldView } from '../../core/ledger/holds.js';
import { formatMc } from '../../core/util/credits.js';
import { Credits } from '../credits.js';
import { IdempotencyKey, defineTool } from './define.js';
import { Reservation, reservationOf } from './reserve-credits.js';

export const releaseReservation = defineTool({
  name: 'release_reservation',
  title: 'Release a reservation',
  description:
    'Give back what is left of a reservation as soon as its batch ends — finished, failed or stopped early — so the pool can spend it again. What was already committed stays spent. ' +
    'Releasing again (a retry) changes nothing and answers the same reservation. Credits are exact decimal strings.',
  input: { reservationId: z.string().min(1).max(64), idempotencyKey: IdempotencyKey },
  output: { ...Reservation, released: Credits.describe('what this reservation gave back to the pool when released (0 when it expired or was all spent)') },
  write: true,
  async handle(env, args) {
    // A hold is released once; its id makes the call idempotent, and the key goes to the audit log with the call.
    const h = (await env.run('holds.release', { hold: args.reservationId, key: args.idempotencyKey })) as HoldView;
    // What was outstanding when it was released: reserved minus captured, in millicredits.
    const releasedMc = h.status === 'released' ? Math.round(h.credits * 1000) - Math.round(h.captured * 1000) : 0;
    return { ...reservationOf(h), released: formatMc(releasedMc) };
  },
});
