/**
 * MCP clients for the tests, from the SDK itself: over stdio, spawning the
 * built `creditdeck mcp` as a desktop client would; over Streamable HTTP to a
 * real team host (test/team-host/helpers.ts), through a fetch that pins the
 * host's certificate fingerprint before it sends a byte.
 */
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { pinned, type TeamHost } from '../team-host/helpers.js';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'creditdeck.mjs');

/** fetch over a connection pinned to the host's certificate (the SDK client takes a fetch). */
export function pinnedFetch(fingerprint: string): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const body = init?.body === undefined || init.body === null ? undefined : String(init.body as string);
    const r = await pinned(url.origin, fingerprint, { method: init?.method ?? 'GET', path: url.pathname + url.search, headers, body });
    const h = new Headers();
    for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
    return new Response([204, 205, 304].includes(r.status) ? null : r.text, { status: r.status, headers: h });
  };
}

export async function httpClient(host: TeamHost, token: string, headers: Record<string, string> = {}): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${host.url}/mcp`), {
    fetch: pinnedFetch(host.fingerprint),
    requestInit: { headers: { authorization: `Bearer ${token}`, ...headers } },
  });
  const client = new Client({ name: 'creditdeck-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** `node bin/creditdeck.mjs --db DB mcp` with a home of its own. */
export async function stdioClient(db: string, home: string): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, '--db', db, 'mcp'],
    env: { PATH: process.env.PATH ?? '', HOME: home, CREDITDECK_DB: '' },
    stderr: 'pipe',
  });
  let err = '';
  transport.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const client = new Client({ name: 'creditdeck-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => err };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** A tool's structured answer; fails the test with the tool's own message when it answered an error. */
export async function tool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Json> {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (r.isError) throw new Error(`${name} answered an error: ${JSON.stringify(r.content)}`);
  return r.structuredContent;
}

/** A tool's error, parsed: {code, message, reason?, details?}; fails the test when the tool succeeded. */
export async function toolError(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Json> {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (!r.isError) throw new Error(`${name} should have failed, answered ${JSON.stringify(r.structuredContent)}`);
  const text = (r.content[0] as { text: string }).text;
  return (JSON.parse(text) as { error: Json }).error;
}

export const TOOL_NAMES = ['list_pools', 'get_balance', 'estimate_cost', 'check_budget', 'reserve_credits', 'commit_usage', 'release_reservation', 'list_usage', 'get_reset_schedule'];
export const WRITE_TOOLS = ['reserve_credits', 'commit_usage', 'release_reservation'];
