/**
 * `npx tsx scripts/bench-ui.ts`: speed of the app's pages over a big ledger,
 * in Debian's Chromium (/usr/bin/chromium through the `playwright` package;
 * no browser is downloaded) against the real web host (main/web). Prints one
 * JSON document on stdout and a summary on stderr. A benchmark, not a test:
 * it asserts nothing.
 *
 *   BENCH_UI_EVENTS   usage events in the ledger (default 1000000)
 *   BENCH_UI_RUNS     dashboard loads and Usage-page filter passes (default 7 and 5)
 *
 * What it measures, each on a fresh browser context (cold cache, fresh state):
 * - dashboard first render: from navigation start to every pool card showing
 *   its remaining figure and its reset countdown (and, as "complete", the pace
 *   from the forecast too);
 * - usage filters: on the Usage page, from the click (or change) on a filter to
 *   the new figures being in the page — the values are computed beforehand
 *   from the ledger, so a wait ends on the right numbers, not on any change;
 *   `usageFilterMs.median`/`max` are over the filters that fetch; switching
 *   back to an answer the page already holds is reported apart ("cached");
 * - every API call the pages made, timed in the host around the handler, and
 *   in the browser (queueing and transfer included); then each distinct call
 *   once more directly against the ledger, without HTTP (`apiDirectSlowest`).
 * Times on the page are taken in the page (MutationObserver, performance.now),
 * so the driver's round trips are not counted. The host runs in a worker
 * thread, as `creditdeck serve` runs in a process of its own. `peakRssMiB` is
 * this process (ledger fill, driver, host), not Chromium. The expected figures
 * use today's UTC date: a run across midnight UTC can time out on a range.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { openLedger } from '../main/core/api/open.js';
import { call, handlers, type HandlerName } from '../main/core/api/handlers.js';
import type { Ctx } from '../main/core/ledger/context.js';
import { useInTx, type UseInput } from '../main/core/ledger/usage.js';
import type { Clock } from '../main/core/util/clock.js';
import { startWebHost } from '../main/web/server.js';

const EVENTS = Number(process.env.BENCH_UI_EVENTS ?? 1_000_000);
const DASH_RUNS = Number(process.env.BENCH_UI_RUNS ?? 7);
const USAGE_RUNS = Number(process.env.BENCH_UI_RUNS ?? 5);
const CHROMIUM = process.env.CREDITDECK_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '..');
const STATIC_DIR = join(ROOT, 'out', 'renderer');
const WAIT_MS = 180_000;
const DAY_MS = 86_400_000;

const log = (line: string) => process.stderr.write(line + '\n');

const peak = { rss: 0 };
const sample = () => (peak.rss = Math.max(peak.rss, process.memoryUsage().rss));

const median = (xs: number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const max = (xs: number[]) => (xs.length ? Math.max(...xs) : NaN);
const r1 = (x: number) => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);
/** The renderer's own number format (renderer/src/lib/format.ts `credits`) in the context's locale. */
const fmt = (n: number) => new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 }).format(n);

// ---------------------------------------------------------------------------
// 1. The ledger: three accounts, members, attributes, EVENTS usage events over
//    the current period, up to a minute ago.

// The ledger's clock: stepped by hand while filling, then the real time, so the
// host's "now" is the browser's "now" and the countdowns are true.
let fillAt: number | null = null;
const clock: Clock = { now: () => fillAt ?? Date.now() };

const started = Date.now();
// The billing anchor 20 days ago: every account is in its first period, 20 days in.
const anchor = new Date(started - 20 * DAY_MS).toISOString().slice(0, 10);
const periodStart = Date.parse(`${anchor}T00:00:00Z`);
const fillFrom = periodStart + 60_000;
const fillTo = started - 60_000;

interface Fill {
  events: number;
  perSec: number;
  seconds: number;
  byAccount: Record<string, number>;
  dbMiB: number;
}

const LUX_ACTIONS = [
  { action: 'ai:claude-haiku', quantity: (i: number) => 400 + (i % 23) * 100 },
  { action: 'ai:claude-sonnet', quantity: (i: number) => 800 + (i % 17) * 150 },
  { action: 'ai:gpt-4o-mini', quantity: (i: number) => 300 + (i % 13) * 90 },
  { action: 'email', quantity: () => 1 },
  { action: 'sms', quantity: () => 1 },
  { action: 'email', quantity: () => 1 },
  { action: 'voice-synthesis', quantity: (i: number) => 200 + (i % 31) * 40 },
];
const LUX_MEMBERS = ['alice', 'bob', 'carol', 'dan', undefined];
const PROJECTS = ['launch', 'support', 'growth', 'internal'];
const NOTE_FREE = ['edit', 'caption', 'render', 'download', 'voice', 'template'];
const SITES = ['shop', 'blog', 'docs'];

/** Event i of the fill: 70 % Lux Pro (tokens, email, SMS), 25 % Fluximage Pro, 5 % FluxNote Rise. */
function eventAt(i: number): UseInput {
  const slot = i % 20;
  if (slot < 14) {
    const a = LUX_ACTIONS[(i >>> 1) % LUX_ACTIONS.length]!;
    const member = LUX_MEMBERS[(i >>> 2) % LUX_MEMBERS.length];
    return {
      account: 'lux-pro',
      action: a.action,
      quantity: a.quantity(i),
      key: `f${i}`,
      ...(member ? { member } : {}),
      attrs: { flow: `flow-${i % 11}`, project: PROJECTS[(i >>> 3) % PROJECTS.length]! },
    };
  }
  if (slot < 19) {
    // AI alt text on about 1 image in 400 (the AI pool has 1,000 a period); compression is unlimited on Pro.
    const ai = i % 2000 === 14;
    return { account: 'fluximage-pro', action: ai ? 'alt-text' : 'compress', key: `f${i}`, attrs: { site: SITES[i % SITES.length]!, ...(ai ? { image: `img-${i}` } : {}) } };
  }
  // FluxNote Rise: 21 videos and 1,000 images a period; editing, captions, renders and downloads are free.
  const video = i % 60_000 === 19;
  const image = i % 1400 === 39;
  const action = video ? 'video' : image ? 'image' : NOTE_FREE[(i >>> 5) % NOTE_FREE.length]!;
  return { account: 'fluxnote-rise', action, key: `f${i}`, member: i % 3 === 0 ? 'leo' : 'maya', attrs: { project: PROJECTS[(i >>> 4) % PROJECTS.length]! } };
}

function buildLedger(dbPath: string): { ctx: Ctx; fill: Fill } {
  fillAt = periodStart;
  const ctx = openLedger(dbPath, { clock });
  const at = `${anchor}T00:00:00Z`;
  call(ctx, 'accounts.add', { preset: 'fluxnote', plan: 'rise', anchor, at });
  call(ctx, 'accounts.add', { preset: 'lux', plan: 'pro', anchor, at });
  call(ctx, 'accounts.add', { preset: 'fluximage', plan: 'pro', anchor, at });
  // Lux Pro's 100,000 a period runs out on day 1 of this fill: a big purchase carries the rest.
  call(ctx, 'grants.add', { account: 'lux-pro', pool: 'credits', amount: 5_000_000, source: 'purchase', priceCents: 250_000, at });
  for (const m of ['alice', 'bob', 'carol', 'dan']) call(ctx, 'members.add', { account: 'lux-pro', member: m, name: m[0]!.toUpperCase() + m.slice(1) });
  call(ctx, 'members.add', { account: 'fluxnote-rise', member: 'maya', name: 'Maya' });
  call(ctx, 'members.add', { account: 'fluxnote-rise', member: 'leo', name: 'Leo' });

  const step = Math.max(1, Math.floor((fillTo - fillFrom) / Math.max(1, EVENTS)));
  const byAccount: Record<string, number> = {};
  const t0 = performance.now();
  const chunk = 50_000;
  for (let done = 0; done < EVENTS; done += chunk) {
    ctx.write(() => {
      for (let i = done; i < Math.min(EVENTS, done + chunk); i++) {
        fillAt = Math.min(fillTo, fillFrom + i * step);
        const input = eventAt(i);
        const r = useInTx(ctx, input);
        if (!('ok' in r)) throw new Error(`fill refused at event ${i} (${input.account} ${input.action}): ${r.refused.message}`);
        byAccount[input.account] = (byAccount[input.account] ?? 0) + 1;
      }
    });
    sample();
    if (done > 0 && done % 200_000 === 0) log(`  filled ${done.toLocaleString('en-US')} events…`);
  }
  const seconds = (performance.now() - t0) / 1000;
  fillAt = null;
  sample();
  ctx.db.pragma('wal_checkpoint(TRUNCATE)');
  const pages = ctx.db.pragma('page_count', { simple: true }) as number;
  const size = ctx.db.pragma('page_size', { simple: true }) as number;
  return { ctx, fill: { events: EVENTS, perSec: Math.round(EVENTS / seconds), seconds: r1(seconds)!, byAccount, dbMiB: Math.round((pages * size) / 2 ** 20) } };
}

// ---------------------------------------------------------------------------
// 2. The host, in a worker thread of its own, as `creditdeck serve` would be in
//    its own process: the browser driver (Playwright handles every page event
//    in this thread) must not queue ahead of the host's answers. Every handler
//    it runs is timed around its body (the handler table is wrapped at run
//    time; main/ is not changed), tagged with the phase the driver is in.

interface ApiRecord {
  name: string;
  input: unknown;
  ms: number;
  phase: string;
}
interface HostData {
  dbPath: string;
  staticDir: string;
  /** Int32 [0]: index of the current phase in the driver's list. */
  phase: SharedArrayBuffer;
}

async function hostWorker(data: HostData): Promise<void> {
  const port = parentPort!;
  const phaseNow = new Int32Array(data.phase);
  const records: { name: string; input: unknown; ms: number; phase: number }[] = [];
  for (const name of Object.keys(handlers) as HandlerName[]) {
    const h = handlers[name] as unknown as { run: (ctx: Ctx, input: unknown) => unknown };
    const run = h.run;
    h.run = (ctx, input) => {
      const t = performance.now();
      try {
        return run(ctx, input);
      } finally {
        records.push({ name, input, ms: performance.now() - t, phase: Atomics.load(phaseNow, 0) });
      }
    };
  }
  // The real clock: the fill is over, and "now" must be the browser's now.
  const ctx = openLedger(data.dbPath);
  const host = await startWebHost({ ctx, host: '127.0.0.1', port: 0, staticDir: data.staticDir });
  port.on('message', (m: string) => {
    if (m === 'records') port.postMessage({ records });
    if (m === 'close')
      void host.close().then(() => {
        ctx.db.close();
        port.postMessage({ closed: true });
        port.close();
      });
  });
  port.postMessage({ url: host.url });
}

/** The driver's side of the host worker. */
async function startHostWorker(dbPath: string): Promise<{ url: string; setPhase: (p: string) => void; records: () => Promise<ApiRecord[]>; close: () => Promise<void> }> {
  const shared = new SharedArrayBuffer(4);
  const phaseNow = new Int32Array(shared);
  const phases = ['setup'];
  // tsx's loader is not inherited by worker threads: register it in the worker, then load this file there.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(boot, { eval: true, workerData: { dbPath, staticDir: STATIC_DIR, phase: shared } satisfies HostData });
  const next = <T>(key: string) =>
    new Promise<T>((ok, fail) => {
      const onMessage = (m: Record<string, unknown>) => {
        if (!(key in m)) return;
        worker.off('message', onMessage);
        worker.off('error', fail);
        ok(m[key] as T);
      };
      worker.on('message', onMessage);
      worker.once('error', fail);
    });
  const url = await next<string>('url');
  return {
    url,
    setPhase(p) {
      phases.push(p);
      Atomics.store(phaseNow, 0, phases.length - 1);
    },
    async records() {
      const got = next<{ name: string; input: unknown; ms: number; phase: number }[]>('records');
      worker.postMessage('records');
      return (await got).map((r) => ({ ...r, phase: phases[r.phase]! }));
    },
    async close() {
      const closed = next<boolean>('closed');
      worker.postMessage('close');
      await closed;
    },
  };
}

const clientLog: { name: string; ms: number; phase: string }[] = [];
let phase = 'setup';

/** One line per distinct query shape: `reports.usage by=day range`, `events.list limit=100`. */
function shapeOf(name: string, input: unknown): string {
  const i = (input ?? {}) as Record<string, unknown>;
  const parts = [name];
  if (Array.isArray(i.by)) parts.push(`by=${(i.by as string[]).join(',')}`);
  if (i.from !== undefined) parts.push('from=…');
  if (i.limit !== undefined && name === 'events.list') parts.push(`limit=${String(i.limit)}`);
  return parts.join(' ');
}

function summarize(recs: { ms: number }[]): { calls: number; medianMs: number | null; maxMs: number | null; totalMs: number | null } {
  const ms = recs.map((r) => r.ms);
  return { calls: ms.length, medianMs: r1(median(ms)), maxMs: r1(max(ms)), totalMs: r1(ms.reduce((a, b) => a + b, 0)) };
}

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

// ---------------------------------------------------------------------------
// 3. The page side: conditions on the DOM, checked on every mutation, timed
//    with the page's own clock. Plain JavaScript handed to the page as text.

interface Cond {
  sel: string;
  /** Exact trimmed text of the first match. */
  text?: string;
  /** Text of the first match includes this. */
  includes?: string;
  /** aria-pressed="true" on the first match. */
  pressed?: boolean;
  /** Number of matches, each with some text. */
  count?: number;
}

const PAGE_HELPER = `
(() => {
  const holds = (c) => {
    if (c.count !== undefined) {
      const all = document.querySelectorAll(c.sel);
      if (all.length !== c.count) return false;
      for (const el of all) if ((el.textContent || '').trim() === '') return false;
      return true;
    }
    const el = document.querySelector(c.sel);
    if (!el) return false;
    const t = (el.textContent || '').trim();
    if (c.text !== undefined && t !== c.text) return false;
    if (c.includes !== undefined && !t.includes(c.includes)) return false;
    if (c.pressed && el.getAttribute('aria-pressed') !== 'true') return false;
    return true;
  };
  const watch = (conds) => new Promise((resolve) => {
    const test = () => {
      if (!conds.every(holds)) return;
      obs.disconnect();
      resolve(performance.now());
    };
    const obs = new MutationObserver(test);
    obs.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    test();
  });
  const bench = {
    initial: {},
    watchInitial(named) {
      for (const [k, conds] of Object.entries(named)) bench.initial[k] = watch(conds);
    },
    /** Start timing at the next event of one of these types; resolve when conds hold after it. */
    arm(conds, types) {
      const s = { start: null };
      bench.armed = new Promise((resolve) => {
        const begin = () => {
          if (s.start !== null) return;
          s.start = performance.now();
          for (const ev of types) document.removeEventListener(ev, begin, true);
          watch(conds).then((done) => resolve({ start: s.start, done }));
        };
        for (const ev of types) document.addEventListener(ev, begin, true);
      });
      return true;
    },
  };
  window.__bench = bench;
})();
`;

async function newContext(browser: Browser, initial: Record<string, Cond[]>): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US', timezoneId: 'UTC', colorScheme: 'light' });
  context.setDefaultTimeout(WAIT_MS);
  await context.addInitScript({ content: `${PAGE_HELPER}\nwindow.__bench.watchInitial(${JSON.stringify(initial)});` });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('requestfinished', (req) => {
    const path = new URL(req.url()).pathname;
    if (!path.startsWith('/api/')) return;
    const t = req.timing();
    clientLog.push({ name: decodeURIComponent(path.slice(5)), ms: t.responseEnd, phase });
  });
  return { context, page, errors };
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, fail) => setTimeout(() => fail(new Error(`timed out after ${WAIT_MS / 1000} s waiting for ${what}`)), WAIT_MS).unref())]);
}

// ---------------------------------------------------------------------------
// 4. What the pages should show, read from the ledger beforehand over a second
//    connection (so the host's own page cache is not warmed by it).

const SEL = {
  daily: '.grid.grid-2 > .card:nth-child(1) .card-head p.num',
  burn: '.grid.grid-2 > .card:nth-child(2) .card-head p.num',
  table: 'table[aria-label="Usage breakdown"]',
  history: 'table[aria-label="Event history"] tbody tr',
  seg: (group: string, n: number) => `[role="group"][aria-label="${group}"] > button:nth-child(${n})`,
};

type Report = ReturnType<typeof call<'reports.usage'>>;

interface Filter {
  id: string;
  /** Timed: fresh data; false: the answer is already cached in the page (reported apart). */
  timed: boolean;
  /** Untimed steps before it (typing into a form). */
  prep?: (page: Page) => Promise<void>;
  act: (page: Page) => Promise<void>;
  conds: Cond[];
}

function planFilters(ctx2: Ctx): { ready: Cond[]; filters: Filter[]; expected: Record<string, unknown> } {
  const today = new Date(Date.now()).toISOString().slice(0, 10);
  const fromFor = (days: number) => new Date(Date.parse(`${today}T12:00:00Z`) - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  const report = (account: string, pool: string, by: string, from?: string): Report => call(ctx2, 'reports.usage', { account, pool, by: [by], ...(from ? { from } : {}) });
  const burnText = (account: string, pool: string): string => {
    const p = call(ctx2, 'balance.get', { account }).pools.find((x) => x.pool === pool)!;
    return p.topupRemaining > 0 ? `${fmt(p.monthlyRemaining!)} of ${fmt(p.allocation!)} monthly left` : `${fmt(p.remaining!)} of ${fmt(p.allocation!)} left`;
  };
  const totals = (r: Report): Cond[] => [
    { sel: SEL.daily, includes: `· ${fmt(r.total.events)} event` },
    { sel: `${SEL.table} tfoot td:nth-child(2)`, text: fmt(r.total.events) },
    { sel: `${SEL.table} tfoot td:nth-child(4)`, text: fmt(r.total.credits) },
  ];
  const table = (header: string, r: Report): Cond[] => [
    { sel: `${SEL.table} thead th:first-child`, text: header },
    { sel: `${SEL.table} tbody tr`, count: r.rows.length },
    { sel: `${SEL.table} tfoot td:nth-child(2)`, text: fmt(r.total.events) },
  ];
  const seg = (group: string, name: string) => async (page: Page) => page.getByRole('group', { name: group, exact: true }).getByRole('button', { name, exact: true }).click();

  const luxByAction = report('lux-pro', 'credits', 'action');
  const ready: Cond[] = [...totals(luxByAction), { sel: SEL.burn, text: burnText('lux-pro', 'credits') }, { sel: SEL.history, count: 15 }];
  const member = report('lux-pro', 'credits', 'member');
  const byDay = report('lux-pro', 'credits', 'day');
  const byProject = report('lux-pro', 'credits', 'attr:project');
  const ranges = [7, 30, 90].map((d) => ({ d, r: report('lux-pro', 'credits', 'action', fromFor(d)) }));
  const noteVideo = report('fluxnote-rise', 'video', 'action');
  const noteImage = report('fluxnote-rise', 'image', 'action');
  const imgCompression = report('fluximage-pro', 'compression', 'action');
  const imgAi = report('fluximage-pro', 'ai', 'action');

  const filters: Filter[] = [
    { id: 'breakdown:member', timed: true, act: seg('Group by', 'Member'), conds: [{ sel: SEL.seg('Group by', 2), pressed: true }, ...table('Member', member)] },
    // The daily chart already holds this answer (same call, same input): no fetch.
    { id: 'breakdown:day (cached)', timed: false, act: seg('Group by', 'Day'), conds: [{ sel: SEL.seg('Group by', 3), pressed: true }, ...table('Day', byDay)] },
    {
      id: 'breakdown:attr:project',
      timed: true,
      prep: async (page) => {
        await page.getByRole('group', { name: 'Group by', exact: true }).getByRole('button', { name: 'Attribute', exact: true }).click();
        // As a person would: read the suggested names (from the latest events), then type one.
        await page.getByText('seen on recent events').waitFor();
        await page.getByLabel('Attribute name').fill('project');
      },
      act: async (page) => page.getByRole('button', { name: 'Show', exact: true }).click(),
      conds: [{ sel: SEL.seg('Group by', 4), pressed: true }, ...table('project', byProject)],
    },
    { id: 'breakdown:action (cached)', timed: false, act: seg('Group by', 'Action'), conds: [{ sel: SEL.seg('Group by', 1), pressed: true }, ...table('Action', luxByAction)] },
    ...ranges.map(({ d, r }) => ({ id: `range:${d}d`, timed: true, act: seg('Range', `${d} days`), conds: [{ sel: SEL.seg('Range', [7, 30, 90].indexOf(d) + 2), pressed: true }, ...totals(r)] })),
    { id: 'range:period (cached)', timed: false, act: seg('Range', 'This period'), conds: [{ sel: SEL.seg('Range', 1), pressed: true }, ...totals(luxByAction)] },
    {
      id: 'account:fluxnote-rise',
      timed: true,
      act: async (page) => {
        await page.getByLabel('Account').selectOption('fluxnote-rise');
      },
      conds: [{ sel: SEL.seg('Pool', 1), pressed: true }, ...totals(noteVideo), { sel: SEL.burn, text: burnText('fluxnote-rise', 'video') }],
    },
    { id: 'pool:fluxnote-rise/image', timed: true, act: seg('Pool', 'Image credits'), conds: [{ sel: SEL.seg('Pool', 2), pressed: true }, ...totals(noteImage), { sel: SEL.burn, text: burnText('fluxnote-rise', 'image') }] },
    {
      id: 'account:fluximage-pro',
      timed: true,
      act: async (page) => {
        await page.getByLabel('Account').selectOption('fluximage-pro');
      },
      conds: [{ sel: SEL.seg('Pool', 1), pressed: true }, ...totals(imgCompression)],
    },
    { id: 'pool:fluximage-pro/ai', timed: true, act: seg('Pool', 'AI credits'), conds: [{ sel: SEL.seg('Pool', 2), pressed: true }, ...totals(imgAi), { sel: SEL.burn, text: burnText('fluximage-pro', 'ai') }] },
  ];
  const expected = {
    luxEventsThisPeriod: luxByAction.total.events,
    luxByMemberRows: member.rows.length,
    luxDays: byDay.rows.length,
    luxProjects: byProject.rows.length,
    lux7dEvents: ranges[0]!.r.total.events,
    fluxnoteVideoEvents: noteVideo.total.events,
    fluxnoteImageEvents: noteImage.total.events,
    fluximageCompressionEvents: imgCompression.total.events,
    fluximageAiEvents: imgAi.total.events,
  };
  return { ready, filters, expected };
}

/** Time one filter: from its click (or the select's change) to its conditions holding. */
async function runFilter(page: Page, f: Filter): Promise<number> {
  await page.evaluate(`window.__bench.arm(${JSON.stringify(f.conds)}, ${JSON.stringify(f.id.startsWith('account:') ? ['change'] : ['click'])})`);
  await f.act(page);
  const r = await withTimeout(page.evaluate<{ start: number; done: number }>('window.__bench.armed'), f.id);
  return r.done - r.start;
}

// ---------------------------------------------------------------------------
// 5. The runs.

async function main(dbPath: string): Promise<void> {
  const sampler = setInterval(sample, 250);
  sampler.unref();
  log(`bench-ui: filling a ledger with ${EVENTS.toLocaleString('en-US')} events (period from ${anchor})…`);
  const { ctx, fill } = buildLedger(dbPath);
  ctx.db.close();
  log(`  ${fill.seconds} s, ${fill.perSec.toLocaleString('en-US')}/s, ${fill.dbMiB} MiB`);
  // A second connection for what the pages should show and for timing calls directly.
  const ctx2 = openLedger(dbPath, { clock });
  const plan = planFilters(ctx2);
  const accounts = call(ctx2, 'accounts.list', {});
  const cards = call(ctx2, 'balance.all', {}).reduce((n, b) => n + b.pools.length, 0);

  const host = await startHostWorker(dbPath);
  const setPhase = (p: string) => {
    phase = p;
    host.setPhase(p);
  };
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const pageErrors: string[] = [];

  // Dashboard: one discarded warm-up load (first JIT of the host, SQLite pages), then DASH_RUNS.
  const dashboardConds: Record<string, Cond[]> = {
    first: [
      { sel: 'section.account', count: accounts.length },
      { sel: 'article.pool-card [data-testid="remaining"]', count: cards },
      { sel: 'article.pool-card [data-testid="countdown"]', count: cards },
    ],
    complete: [
      { sel: 'article.pool-card [data-testid="remaining"]', count: cards },
      { sel: 'article.pool-card [data-testid="pace"]', count: cards },
      { sel: '[role="group"][aria-label^="Record usage on"]', count: accounts.length },
    ],
  };
  const dash = { first: [] as number[], complete: [] as number[], wall: [] as number[], warmup: NaN, apiCalls: [] as number[] };
  const timeline = new Map<string, number[]>();
  for (let run = 0; run <= DASH_RUNS; run++) {
    const { context, page, errors } = await newContext(browser, dashboardConds);
    setPhase(run === 0 ? 'dashboard warm-up' : `dashboard#${run}`);
    const t0 = performance.now();
    await page.goto(`${host.url}/`, { waitUntil: 'commit' });
    const first = await withTimeout(page.evaluate<number>('window.__bench.initial.first'), 'the dashboard');
    const wall = performance.now() - t0;
    const complete = await withTimeout(page.evaluate<number>('window.__bench.initial.complete'), 'the complete dashboard');
    // Where the time went, on the page's clock: the document, the script, the first API call, balance.all answered.
    const marks = await page.evaluate<Record<string, number>>(`(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource');
      const api = res.filter((r) => r.name.includes('/api/'));
      const js = res.find((r) => r.name.endsWith('.js'));
      const all = api.find((r) => r.name.endsWith('/api/balance.all'));
      return {
        htmlLoaded: nav ? nav.responseEnd : -1,
        scriptLoaded: js ? js.responseEnd : -1,
        domContentLoaded: nav ? nav.domContentLoadedEventEnd : -1,
        firstApiCall: Math.min(...api.map((r) => r.startTime)),
        balanceAllAnswered: all ? all.responseEnd : -1,
        lastApiAnswered: Math.max(...api.map((r) => r.responseEnd)),
      };
    })()`);
    // Let late calls land before the next phase.
    await page.waitForTimeout(200);
    if (run === 0) dash.warmup = first;
    else {
      dash.first.push(first);
      dash.complete.push(complete);
      dash.wall.push(wall);
      for (const [k, v] of Object.entries({ ...marks, firstRender: first })) timeline.set(k, [...(timeline.get(k) ?? []), v]);
    }
    pageErrors.push(...errors);
    await context.close();
    sample();
  }
  log(`  dashboard: first render ${dash.first.map((x) => Math.round(x)).join(', ')} ms`);

  // Usage page: load it on Lux Pro (this period, by action), then each filter in turn.
  const perFilter = new Map<string, number[]>();
  const filterPhases = new Map<string, string[]>();
  const usageLoad: number[] = [];
  for (let run = 1; run <= USAGE_RUNS; run++) {
    const { context, page, errors } = await newContext(browser, { ready: plan.ready });
    setPhase(`usage-load#${run}`);
    await page.goto(`${host.url}/#/usage?account=lux-pro`, { waitUntil: 'commit' });
    usageLoad.push(await withTimeout(page.evaluate<number>('window.__bench.initial.ready'), 'the Usage page'));
    await page.waitForTimeout(200);
    for (const f of plan.filters) {
      if (f.prep) {
        setPhase(`prepare ${f.id}#${run}`);
        await f.prep(page);
        await page.waitForTimeout(100);
      }
      setPhase(`filter ${f.id}#${run}`);
      const ms = await runFilter(page, f);
      await page.waitForTimeout(100);
      perFilter.set(f.id, [...(perFilter.get(f.id) ?? []), ms]);
      filterPhases.set(f.id, [...(filterPhases.get(f.id) ?? []), phase]);
    }
    pageErrors.push(...errors);
    await context.close();
    sample();
    log(`  usage pass ${run}: ${plan.filters.map((f) => `${f.id} ${Math.round(perFilter.get(f.id)!.at(-1)!)}`).join(' · ')}`);
  }
  setPhase('done');
  const chromiumVersion = browser.version();
  await browser.close();
  const pageCalls = await host.records();
  await host.close();
  for (const p of dashPhasesOf(DASH_RUNS)) dash.apiCalls.push(pageCalls.filter((r) => r.phase === p).length);
  // A background refresh (every 30 s) re-reads everything on screen: count the filter measurements one fell into.
  const refreshOverlaps = [...filterPhases]
    .filter(([id]) => !id.startsWith('account:'))
    .flatMap(([, ps]) => ps)
    .filter((p) => pageCalls.some((r) => r.phase === p && r.name === 'balance.get')).length;

  // Each distinct call the pages made, timed again directly against the ledger (no HTTP, no queue).
  const distinct = new Map<string, { name: HandlerName; input: unknown }>();
  for (const r of pageCalls) distinct.set(`${r.name} ${JSON.stringify(r.input)}`, { name: r.name as HandlerName, input: r.input });
  const direct: { call: string; input: unknown; medianMs: number }[] = [];
  for (const [, c] of distinct) {
    const ms: number[] = [];
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      call(ctx2, c.name, c.input);
      ms.push(performance.now() - t);
    }
    direct.push({ call: shapeOf(c.name, c.input), input: c.input, medianMs: r1(median(ms))! });
  }
  direct.sort((a, b) => b.medianMs - a.medianMs);
  sample();
  ctx2.db.close();

  const timed = plan.filters.filter((f) => f.timed);
  const allTimed = timed.flatMap((f) => perFilter.get(f.id)!);
  const apiIn = (phases: string[]) => {
    const set = new Set(phases);
    const recs = pageCalls.filter((r) => set.has(r.phase));
    return Object.fromEntries([...groupBy(recs, (r) => shapeOf(r.name, r.input))].map(([k, v]) => [k, r1(median(v.map((x) => x.ms)))]));
  };
  const dashPhases = dashPhasesOf(DASH_RUNS);
  const result = {
    events: EVENTS,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, chromium: chromiumVersion },
    ledger: { ...fill, accounts: accounts.map((a) => a.id), poolCards: cards, periodStart: new Date(periodStart).toISOString(), expected: plan.expected },
    dashboardFirstRenderMs: {
      median: r1(median(dash.first)),
      max: r1(max(dash.first)),
      runs: dash.first.map(r1),
      target: 1000,
      warmupMs: r1(dash.warmup),
      wallMedian: r1(median(dash.wall)),
      completeMedian: r1(median(dash.complete)),
      completeMax: r1(max(dash.complete)),
      apiCallsPerLoad: median(dash.apiCalls),
      timelineMedianMs: Object.fromEntries([...timeline].map(([k, v]) => [k, r1(median(v))])),
      api: apiIn(dashPhases),
    },
    usageFilterMs: {
      median: r1(median(allTimed)),
      max: r1(max(allTimed)),
      perFilter: Object.fromEntries(
        plan.filters.map((f) => {
          const xs = perFilter.get(f.id)!;
          return [f.id, { median: r1(median(xs)), max: r1(max(xs)), runs: xs.map(r1), api: apiIn(filterPhases.get(f.id)!) }];
        }),
      ),
      target: 100,
      usagePageFirstRenderMedian: r1(median(usageLoad)),
      backgroundRefreshOverlaps: refreshOverlaps,
    },
    apiMs: Object.fromEntries(
      [...groupBy(pageCalls, (r) => shapeOf(r.name, r.input))].sort((a, b) => (median(b[1].map((x) => x.ms)) ?? 0) - (median(a[1].map((x) => x.ms)) ?? 0)).map(([k, v]) => [k, summarize(v)]),
    ),
    apiClientMs: Object.fromEntries([...groupBy(clientLog, (r) => r.name)].map(([k, v]) => [k, summarize(v)])),
    apiDirectSlowest: direct.slice(0, 12),
    pageErrors: [...new Set(pageErrors)].slice(0, 10),
    peakRssMiB: Math.round(peak.rss / 2 ** 20),
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');

  const d = result.dashboardFirstRenderMs;
  const u = result.usageFilterMs;
  const slowCalls = Object.entries(result.apiMs)
    .slice(0, 5)
    .map(([k, v]) => `${k} ${v.medianMs} ms`)
    .join(' · ');
  log(
    [
      '',
      `UI over ${EVENTS.toLocaleString('en-US')} events (${result.machine.cpus} cores, ${result.machine.chromium ? `Chromium ${result.machine.chromium}` : 'Chromium'})`,
      `dashboard first render   median ${d.median} ms   max ${d.max} ms   (target ≤ ${d.target})   complete with pace: median ${d.completeMedian} ms`,
      `usage filters            median ${u.median} ms   max ${u.max} ms   (target ≤ ${u.target})`,
      ...plan.filters.map((f) => `  ${f.id.padEnd(28)} median ${String(u.perFilter[f.id]!.median).padStart(8)} ms   max ${String(u.perFilter[f.id]!.max).padStart(8)} ms`),
      `slowest API calls (server, median)   ${slowCalls}`,
      `peak RSS ${result.peakRssMiB} MiB${result.pageErrors.length ? `   page errors: ${result.pageErrors.length}` : ''}`,
      '',
    ].join('\n'),
  );
}

const dashPhasesOf = (runs: number) => Array.from({ length: runs }, (_, k) => `dashboard#${k + 1}`);

if (!isMainThread) {
  await hostWorker(workerData as HostData);
} else {
  if (!existsSync(join(STATIC_DIR, 'index.html'))) {
    log('bench-ui: out/renderer/index.html is missing — build the app first: npm run build:web');
    process.exit(1);
  }
  if (!existsSync(CHROMIUM)) {
    log(`bench-ui: Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CREDITDECK_CHROMIUM)`);
    process.exit(1);
  }
  const dir = mkdtempSync(join(tmpdir(), 'creditdeck-bench-ui-'));
  try {
    await main(join(dir, 'ledger.sqlite'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}
