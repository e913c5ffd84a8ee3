/**
 * `creditdeck use …` end to end: a new process that loads the CLI bundle,
 * opens the ledger, records one event (one fsync'd transaction) and prints the
 * result, beside `node -e 0` (a new Node process doing nothing). Interleaved,
 * the median of BENCH_CLI_RUNS runs each. `node bin/creditdeck.mjs` is what
 * `npx creditdeck` runs once npm has found the package; real `npx creditdeck`
 * (npm's own start-up on top) is timed too, fewer times.
 *
 *   BENCH_CLI_RUNS   runs of each (default 20; npx: a quarter of that, at least 3)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emit, log, median, num, ROOT, round } from './common.js';

const RUNS = num('BENCH_CLI_RUNS', 20);
const NPX_RUNS = Math.max(3, Math.floor(RUNS / 4));
const dir = mkdtempSync(join(tmpdir(), 'creditdeck-bench-cli-'));
const db = join(dir, 'ledger.sqlite');
const env = { ...process.env, CREDITDECK_DB: db, NO_COLOR: '1' };
const bin = join(ROOT, 'bin', 'creditdeck.mjs');

if (!existsSync(join(ROOT, 'out', 'cli', 'creditdeck.mjs'))) {
  log('  building the CLI (npm run build:cli)…');
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('build:cli failed');
}

function time(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const setup = spawnSync(process.execPath, [bin, 'account', 'add', '--preset', 'lux', '--plan', 'pro'], { cwd: ROOT, env, encoding: 'utf8' });
if (setup.status !== 0) throw new Error(`account add: ${setup.stderr}`);
const account = setup.stdout.trim().split('\n')[0]!.trim();
const use = (i: number) => [bin, 'use', account, 'ai:claude-sonnet', '1200', '--key', `cli-${i}`, '--attr', 'flow=bench'];

// One warm-up of each (disk cache, the bundle's first compile).
time(process.execPath, ['-e', '0']);
time(process.execPath, use(-1));
const base: number[] = [];
const cli: number[] = [];
for (let i = 0; i < RUNS; i++) {
  base.push(time(process.execPath, ['-e', '0']));
  cli.push(time(process.execPath, use(i)));
}
const npx: number[] = [];
for (let i = 0; i < NPX_RUNS; i++) npx.push(time('npx', ['--no-install', 'creditdeck', 'use', account, 'ai:claude-sonnet', '1200', '--key', `npx-${i}`]));
// Peak RSS of one `use` process (getrusage in the child at exit; not a timed run).
const probe = spawnSync(process.execPath, ['--import', `data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss='+process.resourceUsage().maxRSS+'\\n'))`, ...use(RUNS)], { cwd: ROOT, env, encoding: 'utf8' });
const kb = Number(/maxrss=(\d+)/.exec(probe.stderr)?.[1] ?? NaN);
rmSync(dir, { recursive: true, force: true });

const b = median(base);
const c = median(cli);
const n = median(npx);
log(`  node -e 0 ${b.toFixed(1)} ms · node bin/creditdeck.mjs use ${c.toFixed(1)} ms (+${(c - b).toFixed(1)}) · npx creditdeck use ${n.toFixed(0)} ms`);
emit({
  section: 'cli',
  runs: RUNS,
  nodeMs: round(b, 1),
  useMs: round(c, 1),
  addedMs: round(c - b, 1),
  target: 150,
  npxRuns: NPX_RUNS,
  npxUseMs: round(n, 1),
  npxAddedMs: round(n - b, 1),
  runsMs: { node: base.map((x) => round(x, 1)), use: cli.map((x) => round(x, 1)), npx: npx.map((x) => round(x, 1)) },
  usePeakRssMiB: Math.round(kb / 1024),
});
