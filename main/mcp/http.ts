/**
 * The tools over Streamable HTTP at the team host's /mcp. The host has
 * already refused a bad Host (DNS rebinding); here a cross-site Origin is
 * refused, the caller must bring a Bearer token (device or scoped: an agent
 * is no browser, so no session cookie), and each request gets its own
 * stateless server bound to that caller, whose every tool call runs through
 * the core's callAs like any /api call.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Caller } from '../core/team/types.js';
import { createMcpServer } from './server.js';

export interface McpRequest {
  caller: Caller;
  /** Runs one call as the caller (TeamDoor.runner: callAs, the access table, caps, audit). */
  run: (name: string, input: unknown) => unknown;
  /** The JSON-RPC body, already read and parsed by the host (its size limit applies). */
  body: unknown;
  log: (line: string) => void;
}

export async function handleMcp(req: IncomingMessage, res: ServerResponse, o: McpRequest): Promise<void> {
  const server = createMcpServer({ run: async (name, input) => o.run(name, input), caller: o.caller, log: o.log });
  // Stateless, answered as plain JSON: nothing to keep between requests, and the caller is re-checked on every one.
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, o.body);
}
