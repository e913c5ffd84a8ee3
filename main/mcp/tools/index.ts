/** The tools, in the order a model meets them. Their names are the contract (issue 14); none changes plans, members, tokens, prices or money. */
import { checkBudget } from './check-budget.js';
import { commitUsage } from './commit-usage.js';
import type { Tool } from './define.js';
import { estimateCost } from './estimate-cost.js';
import { getBalance } from './get-balance.js';
import { getResetSchedule } from './get-reset-schedule.js';
import { listPools } from './list-pools.js';
import { listUsage } from './list-usage.js';
import { releaseReservation } from './release-reservation.js';
import { reserveCredits } from './reserve-credits.js';

export const TOOLS: readonly Tool[] = [listPools, getBalance, estimateCost, checkBudget, reserveCredits, commitUsage, releaseReservation, listUsage, getResetSchedule];
