/**
 * On the host machine the command line is the team's owner: on a team ledger
 * its calls go through callAs, so what it records is the owner's (or, named,
 * someone else's, said so in the audit log) and every change is audited.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../main/cli/index.js';
import { openLedger } from '../../main/core/api/open.js';
import { listAudit } from '../../main/core/team/audit.js';
import { initTeam } from '../../main/core/team/team.js';
import { loadOrCreateHostKey } from '../../main/core/team/host-key.js';

async function cli(db: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(['--db', db, ...args], { out: (s) => (out += s), err: (s) => (err += s), env: {} });
  return { code, out, err };
}

const fresh = () => join(mkdtempSync(join(tmpdir(), 'creditdeck-local-owner-')), 'ledger.sqlite');

function read<T>(db: string, fn: (ctx: ReturnType<typeof openLedger>) => T): T {
  const ctx = openLedger(db);
  try {
    return fn(ctx);
  } finally {
    ctx.db.close();
  }
}

describe('the command line on a team ledger', () => {
  it("records as the owner, another member only when named, and audits every change", async () => {
    const db = fresh();
    read(db, (ctx) => initTeam(ctx, loadOrCreateHostKey(db), { name: 'Studio', owner: 'ana', ownerName: 'Ana' }));
    expect((await cli(db, ['account', 'add', '--preset', 'fluxnote', '--plan', 'rise'])).code).toBe(0);
    expect((await cli(db, ['use', 'fluxnote-rise', 'video'])).code).toBe(0);
    expect((await cli(db, ['member', 'add', 'fluxnote-rise', 'bo', '--name', 'Bo'])).code).toBe(0);
    expect((await cli(db, ['use', 'fluxnote-rise', 'image', '2', '--member', 'bo'])).code).toBe(0);
    const events = JSON.parse((await cli(db, ['--json', 'events', 'fluxnote-rise'])).out) as { events: { member: string | null; action: string }[] };
    expect(events.events.map((e) => `${e.action} ${e.member}`).sort()).toEqual(['image bo', 'video ana']);
    const audit = read(db, (ctx) => listAudit(ctx, {}));
    const rows = (Array.isArray(audit) ? audit : (audit as { entries: unknown[] }).entries) as { member: string; call: string; args: Record<string, unknown> }[];
    expect(rows.map((r) => `${r.member} ${r.call}`)).toEqual(expect.arrayContaining(['ana accounts.add', 'ana usage.record']));
    expect(rows.find((r) => r.call === 'usage.record' && r.args.onBehalfOf === 'bo')).toBeDefined();
    // Reads are not audited.
    expect(rows.some((r) => r.call === 'events.list')).toBe(false);
  });

  it('a ledger of one person stays as it was: no member, no audit', async () => {
    const db = fresh();
    await cli(db, ['account', 'add', '--preset', 'fluxnote', '--plan', 'rise']);
    await cli(db, ['use', 'fluxnote-rise', 'video']);
    const events = JSON.parse((await cli(db, ['--json', 'events', 'fluxnote-rise'])).out) as { events: { member: string | null }[] };
    expect(events.events.map((e) => e.member)).toEqual([null]);
  });
});
