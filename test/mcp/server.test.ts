/**
 * The server itself, in process over the SDK's in-memory transport: how a
 * tool's failure reaches the model (a tool result with isError, never a
 * stack or the operator's details) and the operator (the log, in full).
 */
import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolEnv } from '../../main/mcp/env.js';
import { createMcpServer } from '../../main/mcp/server.js';
import { InputError, RefusedError } from '../../main/core/util/errors.js';

async function connect(run: ToolEnv['run'], log: string[]): Promise<Client> {
  const server = createMcpServer({ run, caller: null, log: (l) => log.push(l) });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(a);
  const client = new Client({ name: 't', version: '1' });
  await client.connect(b);
  return client;
}

const errorOf = (r: CallToolResult) => {
  expect(r.isError).toBe(true);
  return JSON.parse((r.content[0] as { text: string }).text).error as Record<string, unknown>;
};

describe('tool failures', () => {
  it('an unexpected failure is logged in full for the operator and answered in one line', async () => {
    const log: string[] = [];
    const client = await connect(async () => {
      throw new Error('disk on fire at /var/lib/secret-place');
    }, log);
    const e = errorOf((await client.callTool({ name: 'get_balance', arguments: { account: 'a' } })) as CallToolResult);
    expect(e).toEqual({ code: 'error', message: "get_balance failed unexpectedly; the operator's log has the details" });
    expect(log.join('\n')).toMatch(/creditdeck mcp: get_balance failed: Error: disk on fire at \/var\/lib\/secret-place\n\s+at /);
    await client.close();
  });

  it('bad input and refusals carry their field, reason and details, and say nothing was written', async () => {
    const log: string[] = [];
    let next: Error = new InputError('quantity must be positive', 'quantity');
    const client = await connect(async () => {
      throw next;
    }, log);
    const args = { account: 'a', action: 'b', idempotencyKey: 'k' };
    expect(errorOf((await client.callTool({ name: 'commit_usage', arguments: args })) as CallToolResult)).toEqual({
      code: 'invalid_input',
      message: 'quantity must be positive. Nothing was written.',
      field: 'quantity',
    });
    next = new RefusedError('not enough credits', 'insufficient_credits', { cost: 3, available: 1 });
    expect(errorOf((await client.callTool({ name: 'commit_usage', arguments: args })) as CallToolResult)).toEqual({
      code: 'refused',
      reason: 'insufficient_credits',
      message: 'not enough credits. Nothing was written.',
      details: { cost: 3, available: 1 },
    });
    expect(log).toEqual([]);
    await client.close();
  });

  it("an answer that does not fit the tool's output schema is a protocol error, not a silent pass", async () => {
    const client = await connect(async () => ({ account: 'a', name: 'A', plan: 'p', at: 'now', pools: [{ pool: 'credits', remaining: 1.5 }] }), []);
    const r = (await client.callTool({ name: 'get_balance', arguments: { account: 'a' } })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(JSON.stringify(r.content)).toMatch(/Output validation error|structured content/i);
    await client.close();
  });
});
