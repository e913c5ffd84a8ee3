/**
 * A member's outbox against a real team host, with real processes killed at
 * random moments (issue 13): the host (`creditdeck serve --team`) and the
 * member's command line (`use studio/ACCOUNT`, `team sync`) are child
 * processes on their own ledger files. SIGKILL the client mid-push 50 times,
 * the host mid-commit 50 times, and push the same outbox from two processes
 * at once: in the end every entry the outbox holds is on the host exactly
 * once, as the member, every acknowledged one included, and the host's
 * ledger passes its checks after every kill. The seed is printed;
 * STRESS_SEED replays the same plan.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../util/free-port.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { openLedger } from '../../main/core/api/open.js';
import { createInvite } from '../../main/core/team/invites.js';
import { loadOrCreateHostKey } from '../../main/core/team/host-key.js';
import { initTeam, localOwner } from '../../main/core/team/team.js';
import { Outbox } from '../../main/core/sync/outbox.js';
import { inviteLink } from '../../main/web/invite-link.js';
import { bundle } from './lib/bundle.js';
import { killStarted, run, start } from './lib/proc.js';
import { startHost as startHostOn, stopHost } from './lib/team-host.js';
import { between, rng, seedFor } from './lib/rng.js';
import { ledgerProblems } from './lib/verify.js';

let cli: string;
const startHost = (db: string, port: number) => startHostOn(cli, db, port);
const dirs: string[] = [];
beforeAll(async () => {
  cli = (await bundle('member-sync', { cli: 'test/stress/children/cli.ts' })).cli!;
});

afterAll(() => {
  killStarted();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function hostEvents(db: string): { key: string; member: string }[] {
  const ctx = openLedger(db);
  try {
    expect(ledgerProblems(ctx)).toEqual([]);
    return ctx.db.prepare(`SELECT key, member FROM events WHERE key LIKE 'push-%'`).all() as { key: string; member: string }[];
  } finally {
    ctx.db.close();
  }
}

describe("crashes: a member's outbox and the team host, both killed at random moments", () => {
  test('client killed mid-push 50 times, host killed mid-commit 50 times, two pushers at once: every entry once', async () => {
    const seed = seedFor('member-sync');
    const r = rng(seed);
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-member-sync-'));
    dirs.push(dir);
    const hostDb = join(dir, 'host', 'host.sqlite');
    const memberDb = join(dir, 'member', 'creditdeck.sqlite');
    let invite: string;
    {
      const ctx = openLedger(hostDb);
      const key = loadOrCreateHostKey(hostDb);
      initTeam(ctx, key, { name: 'Studio', owner: 'ana' });
      call(ctx, 'accounts.add', { preset: 'lux', plan: 'pro' });
      call(ctx, 'grants.add', { account: 'lux-pro', pool: 'credits', amount: '1000000', source: 'manual' });
      invite = createInvite(ctx, key, localOwner(ctx), { role: 'member', member: 'mo', name: 'Mo' }).invite;
      ctx.db.close();
    }
    const port = await freePort();
    let host = await startHost(hostDb, port);
    const joined = await run(cli, ['--db', memberDb, 'team', 'join', inviteLink(host.url, invite, host.fingerprint)]);
    expect(joined.code, joined.err).toBe(0);
    const acked = new Set<string>();
    const why = `seed ${seed} (replay: STRESS_SEED=${seed})`;

    // 1. The client killed at a random moment of `use`: before, during or after its push. The moments span one
    // and a half times what an uninterrupted `use` takes here and now, so a loaded machine still sees both.
    const use = () => start(cli, ['--db', memberDb, '--json', 'use', 'studio/lux-pro', 'email'], { CREDITDECK_TEAM_TIMEOUT_MS: '2000' });
    const began = performance.now();
    const whole = await use().done;
    const window = Math.max(200, 1.5 * (performance.now() - began));
    expect(whole.code, whole.err).toBe(0);
    const first = JSON.parse(whole.out) as { eventId?: string; entry?: string };
    acked.add(first.eventId ?? first.entry ?? '');
    let clientKills = 0;
    for (let i = 0; i < 50; i++) {
      const c = use();
      const t = setTimeout(() => c.proc.kill('SIGKILL'), between(r, 0, window));
      const f = await c.done;
      clearTimeout(t);
      if (f.signal === 'SIGKILL') clientKills++;
      else {
        expect(f.code, `${f.err}; ${why}`).toBe(0);
        const out = JSON.parse(f.out) as { eventId?: string; entry?: string; status: string };
        // What the command said was recorded is an entry the host must end with.
        acked.add(out.eventId ?? out.entry ?? '');
      }
    }
    expect(clientKills, why).toBeGreaterThan(0);
    expect(acked.size, `some commands must finish: ${why}`).toBeGreaterThan(1);

    // 2. The host killed at a random moment while the client pushes a backlog (sometimes from two processes at once).
    const outbox = join(dir, 'member', 'outbox.sqlite');
    const team = (JSON.parse(readFileSync(join(dir, 'member', 'teams', 'studio.json'), 'utf8')) as { team: { id: string } }).team.id;
    let hostKills = 0;
    for (let i = 0; i < 50; i++) {
      {
        const o = new Outbox(outbox);
        for (let k = 0; k < between(r, 1, 30); k++) o.add(team, 'usage.record', { account: 'lux-pro', action: 'sms', quantity: 1, at: new Date().toISOString() }, Date.now());
        o.close();
      }
      const pushers = r() < 0.3 ? 2 : 1;
      const syncs = Array.from({ length: pushers }, () => start(cli, ['--db', memberDb, 'team', 'sync'], { CREDITDECK_TEAM_TIMEOUT_MS: '2000' }));
      await new Promise((ok) => setTimeout(ok, between(r, 0, 120)));
      await stopHost(host);
      hostKills++;
      for (const s of syncs) {
        const f = await s.done;
        // Done before the kill, or told the host is out of reach: never anything else.
        expect([0, 1], `${f.err}; ${why}`).toContain(f.code);
      }
      hostEvents(hostDb);
      host = await startHost(hostDb, port);
    }

    // Back for good: one last sync, then every outbox entry is on the host exactly once, as the member.
    const last = await run(cli, ['--db', memberDb, '--json', 'team', 'sync']);
    expect(last.code, last.err).toBe(0);
    const o = new Outbox(outbox);
    const entries = o.db.prepare('SELECT id, status FROM outbox').all() as { id: string; status: string }[];
    o.close();
    expect(entries.filter((e) => e.status === 'pending' || e.status === 'rejected'), why).toEqual([]);
    const events = hostEvents(hostDb);
    expect(events.length, why).toBe(entries.length);
    expect(new Set(events.map((e) => e.key)), why).toEqual(new Set(entries.map((e) => `push-${e.id}`)));
    expect(new Set(events.map((e) => e.member))).toEqual(new Set(['mo']));
    const eventIds = (() => {
      const ctx = openLedger(hostDb);
      try {
        return new Set((ctx.db.prepare('SELECT id FROM events').all() as { id: string }[]).map((x) => x.id));
      } finally {
        ctx.db.close();
      }
    })();
    for (const a of acked) expect(eventIds.has(a) || entries.some((e) => e.id === a), `${a} acknowledged: ${why}`).toBe(true);
    await stopHost(host);
    process.stderr.write(`[stress] member-sync: seed ${seed}; ${clientKills} client kills, ${hostKills} host kills; ${entries.length} entries, each once on the host\n`);
  }, 600_000);
});
