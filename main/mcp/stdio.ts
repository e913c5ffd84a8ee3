/**
 * `creditdeck mcp`: the tools over stdio on the local ledger, for a desktop
 * client (Claude Desktop, Cursor) that starts the command. Calls go to the
 * core as the CLI's do: whoever can open the ledger file owns it, and on a
 * team ledger that is the team's owner, through callAs (decided, attributed
 * and audited like any caller's call; docs/team.md).
 * stdout carries the protocol only; diagnostics go to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { call, type Services } from '../core/api/handlers.js';
import type { Ctx } from '../core/ledger/context.js';
import { callAs } from '../core/team/call-as.js';
import { getTeam, localOwner } from '../core/team/team.js';
import { createMcpServer } from './server.js';

/** Serve until the client closes stdin. */
export async function serveStdio(ctx: Ctx, o: { log: (line: string) => void; services?: Services }): Promise<void> {
  const owner = getTeam(ctx) ? localOwner(ctx) : null;
  const run = async (name: Parameters<typeof call>[1], input: unknown) => (owner ? callAs(ctx, owner, name, input, o.services) : call(ctx, name, input, o.services));
  const server = createMcpServer({ run, caller: owner, log: o.log });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((ok) => (transport.onclose = ok));
  await server.connect(transport);
  // The client ends the session by closing our stdin.
  process.stdin.once('end', () => void server.close());
  await closed;
}
