/**
 * `creditdeck mcp --team [ALIAS]`: the agent tools of a team joined from this
 * machine, over stdio. Each JSON-RPC message the client writes is sent to the
 * team host's `/mcp` (stateless, JSON answers) with this member's device token
 * over HTTPS pinned to the host's certificate, and the answer is written back:
 * the host's access table, attribution, caps and audit apply, as for any call
 * this member makes. Messages are relayed one at a time, in order. When the
 * host cannot be reached, a request gets a JSON-RPC error saying so (the tools
 * spend or reserve credits, which needs the host; nothing waits in an outbox).
 */
import { createInterface } from 'node:readline';
import type { TeamCredentials } from '../core/sync/credentials.js';
import { requestPinned } from '../web/pinned-client.js';

type Message = { jsonrpc?: string; id?: string | number | null; method?: string };

const rpcError = (id: Message['id'], message: string) => JSON.stringify({ jsonrpc: '2.0', id: id ?? null, error: { code: -32000, message } });

/** One message to the host; the lines to write back (none for a notification). */
export async function relayOnce(c: TeamCredentials, line: string, timeoutMs = 30_000): Promise<string[]> {
  let msg: Message | Message[];
  try {
    msg = JSON.parse(line) as Message | Message[];
  } catch {
    return [JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error: a message is one line of JSON' } })];
  }
  const ids = (Array.isArray(msg) ? msg : [msg]).filter((m) => m.id !== undefined && m.method !== undefined).map((m) => m.id);
  let reply;
  try {
    reply = await requestPinned(
      c.host,
      c.fingerprint,
      { method: 'POST', path: '/mcp', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${c.token}` }, body: line },
      timeoutMs,
    );
  } catch (e) {
    const m = (e as Error).message;
    const why = /fingerprint/i.test(m) ? `the team host's certificate is not the one this device joined with (${m})` : `the team host at ${c.host} is not reachable (${m}); the tools need it`;
    return ids.map((id) => rpcError(id, why));
  }
  if (reply.status === 202 || reply.text.trim() === '') return [];
  if (reply.status === 200) return [reply.text.trim()];
  // The host's door answered (401, 403, 429…): its message, as the request's error.
  let message = `the team host answered HTTP ${reply.status}`;
  try {
    const body = JSON.parse(reply.text) as { error?: { message?: string } };
    if (body.error?.message) message = `${message}: ${body.error.message}`;
  } catch {
    /* not JSON: the status says enough */
  }
  return ids.map((id) => rpcError(id, message));
}

/** Relay stdin to the host until stdin ends. */
export async function relayStdio(c: TeamCredentials, io: { out: (s: string) => void; log: (line: string) => void }): Promise<void> {
  io.log(`creditdeck mcp: the tools of ${c.team.name} at ${c.host}, as ${c.member} (${c.role})`);
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    if (line.trim() === '') continue;
    for (const out of await relayOnce(c, line)) io.out(out + '\n');
  }
}
