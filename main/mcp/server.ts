/**
 * The MCP server: the tools (tools/) over one ToolEnv. One per stdio
 * session; on the team host one per HTTP request (stateless), bound to the
 * caller that request authenticated.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolEnv } from './env.js';
import { TOOLS } from './tools/index.js';

export const SERVER_INFO = { name: 'creditdeck', version: '0.1.0' } as const;

const INSTRUCTIONS =
  'Creditdeck keeps an exact ledger of usage credits. Before work that spends credits: list_pools, then estimate_cost and check_budget; for a batch, reserve_credits, commit_usage per step with the reservationId, and release_reservation when the batch ends (also when it ends early). ' +
  'Credits are exact decimal strings. Every write takes an idempotencyKey: reuse it when you retry.';

export function createMcpServer(env: ToolEnv): McpServer {
  const server = new McpServer(SERVER_INFO, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
  for (const tool of TOOLS) tool.register(server, env);
  return server;
}
