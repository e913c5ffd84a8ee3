/**
 * A real team host for the tests: HTTPS on 127.0.0.1 with its own generated
 * certificate, over a ledger file with a manual clock, started through
 * serve() as the CLI does; and a client that pins the certificate's
 * fingerprint (connectPinned) before it sends a byte.
 */
import { afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger } from '../../main/core/api/open.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { initTeam } from '../../main/core/team/team.js';
import { loadOrCreateHostKey } from '../../main/core/team/host-key.js';
import { serve, type ServeOptions } from '../../main/web/serve.js';
import { teamServe } from '../../main/web/team-core.js';
import { requestPinned } from '../../main/web/pinned-client.js';
import type { AuthLimits } from '../../main/web/auth-limits.js';
import { fixtureSite, raw } from '../web/helpers.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Req {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** One request over a connection pinned to `fingerprint`; a wrong fingerprint rejects before anything is sent. */
export async function pinned(base: string, fingerprint: string, o: Req = {}): Promise<Reply> {
  const r = await requestPinned(base, fingerprint, o);
  return { ...r, json: () => JSON.parse(r.text) };
}

export interface TeamHost {
  url: string;
  fingerprint: string;
  ctx: Ctx;
  key: Buffer;
  clock: ManualClock;
  dir: string;
  db: string;
  ownerToken: string;
  /** Everything the host wrote to stdout and stderr. */
  out: string[];
  log: string[];
  /** Every answer: the request path, its headers and body as text (for the secrets check). */
  replies: { path: string; text: string }[];
  /** A call with a Bearer token (or none), the way a script or the CLI would make it. */
  call(name: string, input: unknown, token?: string | null, headers?: Record<string, string>): Promise<Reply>;
  req(o: Req): Promise<Reply>;
  stop(): Promise<void>;
}

export const START = '2026-11-15T12:00:00Z';

/** A new team ledger (owner "ana") served as the CLI's `serve --team --port 0` does. */
export async function startTeamHost(o: { limits?: Partial<AuthLimits>; serve?: Partial<ServeOptions>; dir?: string; init?: boolean } = {}): Promise<TeamHost> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'creditdeck-team-'));
  const db = join(dir, 'ledger.sqlite');
  const clock = new ManualClock(Date.parse(START));
  const ctx = openLedger(db, { clock, ids: seededIds(7) });
  const key = loadOrCreateHostKey(db);
  const ownerToken = o.init === false ? '' : initTeam(ctx, key, { name: 'Studio', owner: 'ana', ownerName: 'Ana' }).token.token;
  const out: string[] = [];
  const log: string[] = [];
  let stop!: () => void;
  const until = new Promise<void>((ok) => (stop = ok));
  let started!: (v: { url: string; fingerprint: string }) => void;
  const listening = new Promise<{ url: string; fingerprint: string }>((ok) => (started = ok));
  const io = {
    out: (s: string) => {
      out.push(s);
      if (s.trim().startsWith('{')) started(JSON.parse(s) as { url: string; fingerprint: string });
    },
    err: (s: string) => void log.push(s),
  };
  // Resolves once the host has closed (after stop()); rejects if it never started.
  const done = serve(ctx, { port: 0, team: true, json: true, staticDir: fixtureSite().staticDir, ...o.serve }, io, until, undefined, { ...teamServe, ...(o.limits ? { limits: o.limits } : {}) });
  const first = await Promise.race([listening, done.then(() => Promise.reject(new Error('serve ended before listening')))]);
  const fingerprint = first.fingerprint ?? '';
  // Behind a proxy the printed URL is the public one; the tests reach the host itself.
  const url = o.serve?.behindProxy ? /http:\/\/[^ ]+/.exec(log.join(''))![0]!.replace(/[;,.]$/, '') : first.url;
  const replies: { path: string; text: string }[] = [];
  const req = async (r: Req) => {
    // Behind a proxy the host speaks plain HTTP on loopback (no certificate of its own to pin).
    const reply = fingerprint ? await pinned(url, fingerprint, r) : await raw(url, r);
    replies.push({ path: r.path ?? '/', text: `${JSON.stringify(reply.headers)}\n${reply.text}` });
    return reply;
  };
  return {
    url,
    fingerprint,
    ctx,
    key,
    clock,
    dir,
    db,
    ownerToken,
    out,
    log,
    replies,
    req,
    call: (name, input, token = ownerToken, headers = {}) =>
      req({
        method: 'POST',
        path: `/api/${name}`,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify(input),
      }),
    stop: async () => {
      stop();
      await done;
      ctx.db.close();
    },
  };
}

/**
 * Team hosts for one test file, each stopped after the file's tests: failed
 * sign-ins rate-limited only after 1,000 (members' machines retry).
 */
export function fileHosts(): (o?: Parameters<typeof startTeamHost>[0]) => Promise<TeamHost> {
  const hosts: TeamHost[] = [];
  afterAll(async () => {
    for (const h of hosts) if (h.ctx.db.open) await h.stop();
  });
  return async (o = {}) => {
    const h = await startTeamHost({ limits: { freeFailures: 1000 }, ...o });
    hosts.push(h);
    return h;
  };
}
