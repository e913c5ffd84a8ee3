/**
 * The team host for the `team` bench section (scripts/bench/team.ts starts
 * it as a process of its own): a new team ledger in BENCH_TEAM_DIR, owner
 * "ana", BENCH_TEAM_PEOPLE members ("m1"…), each invited and their invite
 * redeemed for one device token, one Lux Pro account with a purchase of
 * BENCH_TEAM_CREDITS credits (no monthly limit, no member caps, no hourly
 * limit: nothing can run out during the run); then `serve --team` on
 * 127.0.0.1, port 0, with its generated certificate, as the CLI starts it.
 *
 * BENCH_HOST_KIND=web: the local web host instead (`serve`, plain HTTP on
 * 127.0.0.1, no team, no tokens) over the same account.
 *
 * Prints one JSON line on stdout ({url, fingerprint, certPem, tokens});
 * stops when its stdin closes (or on SIGTERM) and then prints a second line
 * with its own peak RSS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import { initTeam, localOwner } from '../../main/core/team/team.js';
import { loadOrCreateHostKey } from '../../main/core/team/host-key.js';
import { createInvite, redeemInvite } from '../../main/core/team/invites.js';
import { serve } from '../../main/web/serve.js';
import { teamServe } from '../../main/web/team-core.js';
import { certificatePaths } from '../../main/web/tls.js';
import { log, num, peakRssMiB } from './common.js';

const dir = process.env.BENCH_TEAM_DIR;
if (!dir) throw new Error('BENCH_TEAM_DIR is required');
const PEOPLE = num('BENCH_TEAM_PEOPLE', 32);
const CREDITS = num('BENCH_TEAM_CREDITS', 1_000_000);

const WEB = process.env.BENCH_HOST_KIND === 'web';
const db = join(dir, 'host.sqlite');
const ctx = openLedger(db);
const key = loadOrCreateHostKey(db);
if (!WEB) initTeam(ctx, key, { name: 'Bench', owner: 'ana', ownerName: 'Ana' });
call(ctx, 'accounts.add', { preset: 'lux', plan: 'pro' });
call(ctx, 'grants.add', { account: 'lux-pro', pool: 'credits', amount: CREDITS, source: 'purchase', priceCents: 100 });
const tokens: string[] = [];
for (let i = 1; !WEB && i <= PEOPLE; i++) {
  const inv = createInvite(ctx, key, localOwner(ctx), { role: 'member', member: `m${i}`, name: `Member ${i}` });
  tokens.push(redeemInvite(ctx, key, { invite: inv.invite, device: `bench client ${i}` }).token);
}

let stop!: () => void;
const until = new Promise<void>((ok) => (stop = ok));
process.stdin.on('end', () => stop());
process.stdin.on('close', () => stop());
process.stdin.resume();
process.on('SIGTERM', () => stop());

await serve(
  ctx,
  { host: '127.0.0.1', port: 0, team: !WEB, json: true },
  {
    out: (s) => {
      const first = JSON.parse(s) as { url: string; fingerprint: string };
      const certPem = WEB ? '' : readFileSync(certificatePaths(db).certPath, 'utf8');
      process.stdout.write(JSON.stringify({ ...first, certPem, tokens }) + '\n');
    },
    // The host's own notes (certificate made, app not built) are not the bench's business.
    err: (s) => {
      if (!/^note:|Press Ctrl-C/.test(s)) log(`  host: ${s.trimEnd()}`);
    },
  },
  until,
  undefined,
  teamServe,
);
const events = (ctx.db.prepare("SELECT COUNT(*) AS n FROM events").get() as { n: number }).n;
ctx.db.close();
process.stdout.write(JSON.stringify({ stopped: true, events, peakRssMiB: peakRssMiB() }) + '\n');
