/**
 * `creditdeck mcp --team`: the agent tools of a team joined from this
 * machine, over stdio (the SDK's own client spawning `node bin/creditdeck.mjs`),
 * relayed to a real team host's /mcp as the member, over HTTPS pinned to the
 * host's certificate; and a clear error for each call when the host is down.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { run } from '../../main/cli/index.js';
import { createInvite } from '../../main/core/team/invites.js';
import { localOwner } from '../../main/core/team/team.js';
import { inviteLink } from '../../main/web/invite-link.js';
import { startTeamHost, type TeamHost } from '../team-host/helpers.js';
import { BIN, tool, TOOL_NAMES } from './helpers.js';

let host: TeamHost | null = null;
let client: Client | null = null;
afterAll(async () => {
  await client?.close();
  if (host?.ctx.db.open) await host.stop();
});

describe('creditdeck mcp --team', () => {
  it("relays the team host's tools as the member, and says so when the host is out of reach", async () => {
    host = await startTeamHost({ limits: { freeFailures: 1000 } });
    await host.call('accounts.add', { preset: 'lux', plan: 'pro' });
    const inv = createInvite(host.ctx, host.key, localOwner(host.ctx), { role: 'member', member: 'mo', name: 'Mo' });
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-mcp-team-'));
    const db = join(dir, 'creditdeck.sqlite');
    expect(await run(['--db', db, 'team', 'join', inviteLink(host.url, inv.invite, host.fingerprint)], { out: () => {}, err: () => {}, env: {} })).toBe(0);

    const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, '--db', db, 'mcp', '--team'], env: { PATH: process.env.PATH ?? '', HOME: dir, CREDITDECK_DB: '' }, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    client = new Client({ name: 'creditdeck-test', version: '1.0.0' });
    await client.connect(transport);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(TOOL_NAMES);
    const pools = (await tool(client, 'list_pools')) as { pools: { account: string }[] };
    expect(pools.pools.map((p) => p.account)).toContain('lux-pro');
    const spent = await tool(client, 'commit_usage', { account: 'lux-pro', action: 'email', quantity: '2', idempotencyKey: 'relay-1' });
    expect(spent).toMatchObject({ replayed: false, status: 'applied', credits: '2' });
    // Recorded on the host, as the member, and audited there.
    expect(host.ctx.db.prepare('SELECT member FROM events').all()).toEqual([{ member: 'mo' }]);
    expect(stderr).toMatch(/the tools of Studio at https:\/\/127\.0\.0\.1:\d+, as mo \(member\)/);

    await host.stop();
    const down = await client.callTool({ name: 'list_pools', arguments: {} }).then(
      () => null,
      (e: Error) => e.message,
    );
    expect(down).toMatch(/the team host at https:\/\/127\.0\.0\.1:\d+ is not reachable .*the tools need it/);
  }, 60_000);
});
