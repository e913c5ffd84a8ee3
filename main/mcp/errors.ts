/**
 * A tool's failure as the model should see it: a tool result with isError
 * (not a protocol error), saying what was wrong and that nothing was written
 * — bad input, a ledger refusal naming its limit, or a missing role or scope.
 * Anything else is logged in full for the operator and answered briefly.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { InputError, RefusedError } from '../core/util/errors.js';
import { ForbiddenError, UnauthorizedError } from '../core/team/types.js';

export function toolError(e: unknown, tool: string, log: (line: string) => void): CallToolResult {
  let error: Record<string, unknown>;
  if (e instanceof RefusedError) error = { code: 'refused', reason: e.reason, message: `${e.message}. Nothing was written.`, details: e.details };
  else if (e instanceof InputError) error = { code: 'invalid_input', message: `${e.message}. Nothing was written.`, ...(e.field ? { field: e.field } : {}) };
  else if (e instanceof ForbiddenError || e instanceof UnauthorizedError) error = { code: e.code, message: e.message };
  else {
    log(`creditdeck mcp: ${tool} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    error = { code: 'error', message: `${tool} failed unexpectedly; the operator's log has the details` };
  }
  return { content: [{ type: 'text', text: JSON.stringify({ error }) }], isError: true };
}
