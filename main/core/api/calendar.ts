/** The resets calendar (main/core/calendar/): one account's, or every account's, as iCalendar text. */
import * as z from 'zod';
import type { Ctx } from '../ledger/context.js';
import { plainText } from '../util/text.js';
import { resetsCalendar } from '../calendar/resets.js';

function def<S extends z.ZodType, R>(input: S, run: (ctx: Ctx, input: z.infer<S>) => R) {
  return { input, run };
}

export const calendarHandlers = {
  'calendar.ics': def(z.object({ account: plainText().min(1).max(128).optional() }), (ctx, i) => resetsCalendar(ctx, i.account)),
};
