/**
 * Usage events recorded through the team host over HTTPS by 1, 8, 32 and 64
 * concurrent clients — or, with BENCH_HOST_KIND=web, through the local web
 * host (plain HTTP, no sign-in) by 1, 4, 16 and 64 — beside two baselines
 * measured in this run for each client count (fsync speed drifts on shared
 * disks): raw better-sqlite3 single-row inserts (common.ts), the targets'
 * baseline, just before the run and again just after (`bracket`); and the same
 * action recorded in-process through `call`, one by one, for as many events,
 * just before. Then `team.push` (the team host only), its push path warmed by
 * one untimed push per client first, as the runs above warm with one request.
 *
 * The host runs in a child process of its own (scripts/bench/team-host.ts,
 * bundled and minified as the CLI is),
 * and the clients in this process (one event loop for 64 clients): on a
 * 2-core machine that takes the least CPU from the host, the nearest this
 * machine comes to members on machines of their own. BENCH_CLIENT_PROCS=N
 * spreads them over N further processes (scripts/bench/team-clients.ts)
 * instead; measured side by side on 5 December 2026 they took CPU from the
 * host rather than giving it back (the web host at 64 clients: 2,537/s
 * with 4 processes, 6,817/s with none). Every client has
 * its own member and device token (64 people, role member, each invited and
 * redeemed) and its own keep-alive connection (lean-http.ts, a minimal
 * HTTP/1.1 client: Node's https.request cost the clients more CPU a request
 * than the empty host spent answering it), sending one
 * `usage.record` (Lux "email", 1 credit) per request and waiting for the
 * answer before the next. The host's certificate is pinned: `ca` is its PEM
 * and checkServerIdentity compares the SHA-256 fingerprint the host printed.
 *
 *   BENCH_TEAM_EVENTS   events per client count, spread over the clients (default 5000)
 *   BENCH_CLIENT_PROCS  client processes (default 0: the clients in this process)
 *   BENCH_TEAM_COUNTS   the client counts, a comma list (default 1,8,32,64; 1,4,16,64 for the web host)
 *   BENCH_PUSH_EVENTS   entries pushed in all by team.push's 8 clients (default 4 × BENCH_TEAM_EVENTS)
 *   BENCH_HOST_PROF     a directory: the host writes a CPU profile there (node --cpu-prof) when it stops
 *   BENCH_CLIENT        lean (default: lean-http.ts) or node (Node's https.request, one keep-alive agent per client)
 *   BENCH_TEAM_ROUNDS   runs of the largest client count and of the push, the median run reported (default 3)
 */
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import { CLI_BUNDLE } from '../cli-bundle.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import { normalizeFingerprint } from '../../main/web/tls.js';
import { ROOT, emit, log, num, percentile, rawInserts, round } from './common.js';
import { ACTION, CLIENT_KIND, client, sendShares, type HostInfo } from './team-client.js';

const WEB = process.env.BENCH_HOST_KIND === 'web';
const N = num('BENCH_TEAM_EVENTS', 5000);
const COUNTS = (process.env.BENCH_TEAM_COUNTS ?? '').split(',').filter((c) => c !== '').map(Number);
if (COUNTS.some((c) => !Number.isSafeInteger(c) || c < 1 || c > 64)) throw new Error(`BENCH_TEAM_COUNTS must list client counts of 1 to 64 (got ${process.env.BENCH_TEAM_COUNTS})`);
const CLIENTS = COUNTS.length > 0 ? COUNTS : WEB ? [1, 4, 16, 64] : [1, 8, 32, 64];
const PEOPLE = Math.max(8, ...CLIENTS);
// Four times the events: at 800 entries a round, BENCH_TEAM_EVENTS alone is six rounds, too few to say more than the noise.
const PUSH_N = num('BENCH_PUSH_EVENTS', 4 * N);
// The target rows — the largest client count and the push — run this many times, raw inserts timed around each, and
// the run with the median ratio is the row: one run's ratio moves by a quarter with the vCPU each side lands on.
const ROUNDS = num('BENCH_TEAM_ROUNDS', 3);
const PROF = process.env.BENCH_HOST_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_HOST_PROF}`] : [];
const PROCS = num('BENCH_CLIENT_PROCS', 0, { zero: true });
// Every event costs 1 credit; twice what is recorded, so nothing runs out.
const CREDITS = 2 * (N * (CLIENTS.length + ROUNDS - 1) + ROUNDS * (PUSH_N + 8 * 100)) + 1000;
const dir = mkdtempSync(join(tmpdir(), 'creditdeck-bench-team-'));

// ---------------------------------------------------------------------------
// The host, in a process of its own.

/** A bench host (team-host.ts, empty-host.ts), bundled and minified as the CLI is, in a process of its own: its output lines, its first, its exit. */
async function startHost(name: string, env: Record<string, string>, args: string[] = []) {
  // Bundled and minified as `npm run build:cli` bundles the CLI that `serve --team` ships in (scripts/cli-bundle.mjs), so
  // the host runs as users run it, not through tsx's loader (measured 5 December 2026: about a tenth more requests a second).
  const script = join(ROOT, '.bench', `${name}.mjs`);
  await build({ ...CLI_BUNDLE, entryPoints: [join(ROOT, 'scripts', 'bench', `${name}.ts`)], outfile: script });
  const proc = spawn(process.execPath, [...args, script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let arrived = () => {};
  createInterface({ input: proc.stdout }).on('line', (l) => {
    lines.push(l);
    arrived();
  });
  const exit = new Promise<number | null>((ok) => proc.on('close', (code) => ok(code)));
  const first = await new Promise<string>((ok, fail) => {
    arrived = () => ok(lines[0]!);
    void exit.then((code) => fail(new Error(`${name} exited (${code}) before it was listening`)));
  });
  return { proc, lines, first, exit };
}

const kind = WEB ? 'web' : 'team';
const { proc: host, lines: hostLines, first: firstLine, exit: hostExit } = await startHost(
  'team-host',
  { BENCH_TEAM_DIR: dir, BENCH_TEAM_PEOPLE: String(PEOPLE), BENCH_TEAM_CREDITS: String(CREDITS), BENCH_HOST_KIND: kind },
  PROF,
);
const info = JSON.parse(firstLine) as HostInfo;
const pin = WEB ? '' : normalizeFingerprint(info.fingerprint);
log(WEB ? `  web host at ${info.url}` : `  host at ${info.url}, ${info.tokens.length} device tokens, certificate ${pin.slice(0, 23)}…`);

// ---------------------------------------------------------------------------
// The clients: each its own agent (one keep-alive connection, the certificate pinned) and token (team-client.ts).

const clients = WEB ? Array.from({ length: PEOPLE }, () => client(info, null)) : info.tokens.map((t) => client(info, t));
// One request each before timing: the TLS handshakes are not part of the rate. With client processes these
// stay unconnected until the push: the host takes 64 connections at most, and the processes hold theirs.
const warm = (some: typeof clients, tag: string) => Promise.all(some.map((c, k) => c.send(JSON.stringify({ ...ACTION, key: `warm-${tag}-${k}` }))));
if (PROCS === 0) await warm(clients, 'all');

/** A client process (team-clients.ts) for some of the clients, connected and warmed: `go` starts it, and answers its latencies. */
async function clientProcess(job: { tokens: (string | null)[]; shares: number[]; run: number; first: number }): Promise<{ go: () => Promise<number[]> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'bench', 'team-clients.ts')], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const out: string[] = [];
  let arrived = () => {};
  createInterface({ input: child.stdout }).on('line', (l) => {
    out.push(l);
    arrived();
  });
  const exited = new Promise<number | null>((ok) => child.on('close', ok));
  const line = (k: number) =>
    new Promise<string>((ok, fail) => {
      const check = () => (out.length > k ? ok(out[k]!) : undefined);
      arrived = check;
      check();
      void exited.then((code) => fail(new Error(`a client process exited (${code}) early`)));
    });
  child.stdin.write(JSON.stringify({ info, ...job }) + '\n');
  if ((await line(0)) !== 'ready') throw new Error('a client process did not say ready');
  return {
    go: async () => {
      child.stdin.end('go\n');
      const res = JSON.parse(await line(1)) as { lat: number[] };
      await exited;
      return res.lat;
    },
  };
}

async function overHost(n: number, run: number): Promise<{ perSec: number; p50Ms: number; p99Ms: number; events: number }> {
  // N events in all, spread as evenly as they go.
  const shares = Array.from({ length: n }, (_, k) => Math.floor(N / n) + (k < N % n ? 1 : 0));
  let lat: number[];
  let sec: number;
  if (PROCS === 0) {
    const t0 = performance.now();
    lat = await sendShares(clients.slice(0, n), shares, (k, i) => `host-${run}-${k}-${i}`);
    sec = (performance.now() - t0) / 1000;
  } else {
    // Clients dealt to the processes in turn; every process connected and warmed before the clock starts.
    const procs = Math.min(n, PROCS);
    const tokens: (string | null)[] = WEB ? Array.from({ length: n }, () => null) : info.tokens.slice(0, n);
    const ready = await Promise.all(
      Array.from({ length: procs }, (_, p) => {
        const mine = Array.from({ length: n }, (_, k) => k).filter((k) => k % procs === p);
        // `first` keeps the idempotency keys of different processes apart.
        return clientProcess({ tokens: mine.map((k) => tokens[k]!), shares: mine.map((k) => shares[k]!), run, first: p * 1_000_000 });
      }),
    );
    const t0 = performance.now();
    lat = (await Promise.all(ready.map((r) => r.go()))).flat();
    sec = (performance.now() - t0) / 1000;
  }
  lat.sort((a, b) => a - b);
  return { perSec: lat.length / sec, p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99), events: lat.length };
}

/** Members' outboxes: `team.push` of PUSH_BATCH entries a request by PUSH_CLIENTS clients, N entries in all (the team host only). */
const PUSH_CLIENTS = 8;
const PUSH_BATCH = 100;
async function pushes(round: number): Promise<{ perSec: number; p50Ms: number; p99Ms: number; events: number }> {
  const requests = Math.max(1, Math.floor(PUSH_N / (PUSH_CLIENTS * PUSH_BATCH)));
  const entries = (id: (j: number) => string) => Array.from({ length: PUSH_BATCH }, (_, j) => ({ id: id(j), call: 'usage.record', input: { account: ACTION.account, action: ACTION.action, quantity: ACTION.quantity } }));
  // One untimed push each first, as the other runs send one request each first: the host's push path compiled, not its first use timed.
  if (round === 0) await Promise.all(clients.slice(0, PUSH_CLIENTS).map((c, k) => c.send(JSON.stringify({ entries: entries((j) => `ob_warm_${k}_${j}`) }), '/api/team.push')));
  const lat: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    clients.slice(0, PUSH_CLIENTS).map(async (c, k) => {
      for (let i = 0; i < requests; i++) {
        const some = entries((j) => `ob_bench_${round}_${k}_${i}_${j}`);
        const s = performance.now();
        await c.send(JSON.stringify({ entries: some }), '/api/team.push');
        lat.push(performance.now() - s);
      }
    }),
  );
  const sec = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const events = PUSH_CLIENTS * PUSH_BATCH * requests;
  return { perSec: events / sec, p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99), events };
}

// ---------------------------------------------------------------------------
// The baseline: the same action, in this process, through `call`, one by one.

const local = openLedger(join(dir, 'local.sqlite'));
call(local, 'accounts.add', { preset: 'lux', plan: 'pro' });
call(local, 'grants.add', { account: 'lux-pro', pool: 'credits', amount: CREDITS, source: 'purchase', priceCents: 100 });
call(local, 'usage.record', { ...ACTION, key: 'warm' });

function inProcess(run: number): { perSec: number; p50Ms: number; p99Ms: number } {
  const lat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const s = performance.now();
    call(local, 'usage.record', { ...ACTION, key: `local-${run}-${i}` });
    lat.push(performance.now() - s);
  }
  const sec = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { perSec: N / sec, p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99) };
}

const raw = rawInserts(join(dir, 'raw.sqlite'));
raw.run(100);

/**
 * The baseline for a run: raw inserts measured just before it and again just
 * after, as one rate (N inserts each: their mean time). The disk's fsync speed
 * drifts by half within minutes on shared machines; a run measured against
 * the baseline on both sides of it is not at the mercy of which way it went.
 */
const bracket = (before: number, after: number): number => 2 / (1 / before + 1 / after);

/**
 * The ceiling: the same clients, tokens and certificate against empty-host.ts
 * — Node's HTTP(S) server reading, parsing and answering each call with a
 * real usage.record answer, and no ledger — for the largest client count.
 */
async function ceiling(n: number): Promise<Record<string, unknown>> {
  const answer = JSON.stringify({ ok: true, result: call(local, 'usage.record', { ...ACTION, key: 'ceiling-sample' }) });
  const empty = await startHost('empty-host', { BENCH_TEAM_DIR: dir, BENCH_HOST_KIND: kind, BENCH_EMPTY_ANSWER: answer });
  const at = { ...info, url: (JSON.parse(empty.first) as { url: string }).url };
  const some = (WEB ? Array.from({ length: n }, () => null) : info.tokens.slice(0, n)).map((t) => client(at, t));
  try {
    await Promise.all(some.map((c, k) => c.send(JSON.stringify({ ...ACTION, key: `warm-empty-${k}` }))));
    const shares = Array.from({ length: n }, (_, k) => Math.floor(N / n) + (k < N % n ? 1 : 0));
    const rawBefore = raw.run(N);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const lat = await sendShares(some, shares, (k, i) => `empty-${k}-${i}`);
    const perSec = lat.length / ((performance.now() - t0) / 1000);
    // What the clients themselves cost: they share the two cores with the host.
    const cpu = process.cpuUsage(cpu0);
    const clientCpuUs = (cpu.user + cpu.system) / lat.length;
    const rawPerSec = bracket(rawBefore, raw.run(N));
    lat.sort((a, b) => a - b);
    log(`  ceiling, ${n} clients against an empty ${WEB ? 'HTTP' : 'HTTPS'} host (no ledger): ${Math.round(perSec)}/s (p50 ${percentile(lat, 50).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms), raw ${Math.round(rawPerSec)}/s → ${(perSec / rawPerSec).toFixed(2)}; the clients' CPU ${clientCpuUs.toFixed(0)} µs a request`);
    return { clients: n, events: lat.length, clientCpuUs: Math.round(clientCpuUs), perSec: Math.round(perSec), p50Ms: round(percentile(lat, 50), 3), p99Ms: round(percentile(lat, 99), 3), rawPerSec: Math.round(rawPerSec), rawRatio: round(perSec / rawPerSec, 3) };
  } finally {
    for (const c of some) c.close();
    empty.proc.stdin.end();
    await empty.exit;
  }
}

/** The run whose ratio to raw is the median of the runs (the lower of the middle two for an even count). */
function medianRun<T extends { ratio: number }>(runs: T[]): T {
  return [...runs].sort((a, b) => a.ratio - b.ratio)[Math.floor((runs.length - 1) / 2)]!;
}

const rows: Record<string, unknown>[] = [];
let pushRow: Record<string, unknown> | null = null;
let ceilingRow: Record<string, unknown> | null = null;
try {
  for (const [run, n] of CLIENTS.entries()) {
    const base = inProcess(run);
    const runs: { perSec: number; p50Ms: number; p99Ms: number; events: number; rawPerSec: number; ratio: number }[] = [];
    const rounds = run === CLIENTS.length - 1 ? ROUNDS : 1;
    for (let r = 0; r < rounds; r++) {
      const rawBefore = raw.run(N);
      // Each round its own keys: `run` alone repeats them.
      const h = await overHost(n, run + r * CLIENTS.length);
      const rawPerSec = bracket(rawBefore, raw.run(N));
      runs.push({ ...h, rawPerSec, ratio: h.perSec / rawPerSec });
      const of = rounds > 1 ? ` (run ${r + 1} of ${rounds})` : '';
      log(`  ${n} client${n > 1 ? 's' : ''}${of}: host ${Math.round(h.perSec)}/s (p50 ${h.p50Ms.toFixed(2)} ms, p99 ${h.p99Ms.toFixed(2)} ms), raw ${Math.round(rawPerSec)}/s → ${round(h.perSec / rawPerSec, 3).toFixed(2)}, in-process ${Math.round(base.perSec)}/s → ${(h.perSec / base.perSec).toFixed(2)}`);
    }
    const h = medianRun(runs);
    rows.push({
      clients: n,
      events: h.events,
      perSec: Math.round(h.perSec),
      p50Ms: round(h.p50Ms, 3),
      p99Ms: round(h.p99Ms, 3),
      inProcessEvents: N,
      inProcessPerSec: Math.round(base.perSec),
      inProcessP50Ms: round(base.p50Ms, 3),
      inProcessP99Ms: round(base.p99Ms, 3),
      ratio: round(h.perSec / base.perSec, 3),
      rawPerSec: Math.round(h.rawPerSec),
      rawRatio: round(h.ratio, 3),
      ...(rounds > 1 ? { rounds: runs.map((x) => ({ perSec: Math.round(x.perSec), rawPerSec: Math.round(x.rawPerSec), rawRatio: round(x.ratio, 3), p99Ms: round(x.p99Ms, 3) })) } : {}),
    });
  }
  if (!WEB) {
    if (PROCS !== 0) await warm(clients.slice(0, PUSH_CLIENTS), 'push');
    const runs: { perSec: number; p50Ms: number; p99Ms: number; events: number; rawPerSec: number; ratio: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const rawBefore = raw.run(N);
      const p = await pushes(r);
      const rawPerSec = bracket(rawBefore, raw.run(N));
      runs.push({ ...p, rawPerSec, ratio: p.perSec / rawPerSec });
      const of = ROUNDS > 1 ? ` (run ${r + 1} of ${ROUNDS})` : '';
      log(`  push${of}: ${PUSH_CLIENTS} clients × ${PUSH_BATCH} entries a request: ${Math.round(p.perSec)}/s (p50 ${p.p50Ms.toFixed(1)} ms, p99 ${p.p99Ms.toFixed(1)} ms a request), raw ${Math.round(rawPerSec)}/s → ${round(p.perSec / rawPerSec, 3).toFixed(2)}`);
    }
    const p = medianRun(runs);
    pushRow = {
      clients: PUSH_CLIENTS,
      batch: PUSH_BATCH,
      events: p.events,
      perSec: Math.round(p.perSec),
      p50Ms: round(p.p50Ms, 3),
      p99Ms: round(p.p99Ms, 3),
      rawPerSec: Math.round(p.rawPerSec),
      rawRatio: round(p.ratio, 3),
      ...(ROUNDS > 1 ? { rounds: runs.map((x) => ({ perSec: Math.round(x.perSec), rawPerSec: Math.round(x.rawPerSec), rawRatio: round(x.ratio, 3) })) } : {}),
    };
  }
  if (PROCS === 0) ceilingRow = await ceiling(CLIENTS.at(-1)!);
} finally {
  for (const c of clients) c.close();
  local.db.close();
  raw.db.close();
  host.stdin.end();
}
const code = await hostExit;
let hostStats: { events?: number; peakRssMiB?: number } = {};
try {
  hostStats = JSON.parse(hostLines.at(-1) ?? '{}') as typeof hostStats;
} catch {
  hostStats = {};
}
rmSync(dir, { recursive: true, force: true });
if (code !== 0) throw new Error(`the team host exited with ${code}`);

emit({
  section: WEB ? 'web' : 'team',
  eventsPerClientCount: N,
  action: `${ACTION.account} ${ACTION.action} ×${ACTION.quantity}`,
  hostProcess: PROCS === 0 ? 'separate child process; clients in the bench process' : `separate child process; clients in ${PROCS} processes of their own`,
  clientProcesses: PROCS,
  client: CLIENT_KIND,
  hostEvents: hostStats.events ?? null,
  hostPeakRssMiB: hostStats.peakRssMiB ?? null,
  runs: rows,
  push: pushRow,
  // The same clients against a host with no ledger (empty-host.ts): the most any host reaches here; null with client processes.
  ceiling: ceilingRow,
  // Against raw single-row inserts at 64 clients: the web host ≥ 1.0× with p99 ≤ 40 ms, the team host ≥ 0.8×.
  target: WEB ? { clients64: 1.0, p99Ms: 40 } : { clients64: 0.8 },
});
