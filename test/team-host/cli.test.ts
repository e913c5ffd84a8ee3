/**
 * `creditdeck serve` and the network: plain HTTP beyond loopback refused
 * (exit 2, "use --team"), the team host's refusals, and the real command
 * serving HTTPS with one JSON line {url, fingerprint}, the same certificate
 * after a restart.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../main/cli/index.js';
import { openLedger } from '../../main/core/api/open.js';
import { initTeam } from '../../main/core/team/team.js';
import { loadOrCreateHostKey } from '../../main/core/team/host-key.js';
import { pinned } from './helpers.js';
import { checkExposure, isLoopback } from '../../main/web/server.js';

const entry = join(import.meta.dirname, '..', 'web', 'fixtures', 'cli-entry.ts');

function teamLedger(): { db: string; token: string } {
  const db = join(mkdtempSync(join(tmpdir(), 'creditdeck-team-cli-')), 'ledger.sqlite');
  const ctx = openLedger(db);
  try {
    return { db, token: initTeam(ctx, loadOrCreateHostKey(db), { name: 'Studio', owner: 'ana' }).token.token };
  } finally {
    ctx.db.close();
  }
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(args, { out: (s) => (out += s), err: (s) => (err += s), env: {} });
  return { code, out, err };
}

describe('creditdeck serve: never plain HTTP beyond loopback', () => {
  it('serve --host 0.0.0.0 (or a LAN address) exits 2 before listening and says to use --team', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'creditdeck-serve-')), 'l.sqlite');
    for (const host of ['0.0.0.0', '::', '192.168.1.5']) {
      const r = await cli(['--db', db, 'serve', '--host', host, '--port', '0']);
      expect(r.code, host).toBe(2);
      expect(r.err).toMatch(/use --team/);
      expect(r.out).toBe('');
    }
  });

  it('--behind-proxy listens on loopback only, and never with a certificate; team options need --team', async () => {
    const { db } = teamLedger();
    const wide = await cli(['--db', db, 'serve', '--team', '--behind-proxy', '--host', '0.0.0.0', '--port', '0']);
    expect(wide.code).toBe(2);
    expect(wide.err).toMatch(/--behind-proxy serves plain HTTP, so it listens on loopback only/);
    const both = await cli(['--db', db, 'serve', '--team', '--behind-proxy', '--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--port', '0']);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/either --behind-proxy or --tls-cert/);
    const noTeam = await cli(['--db', db, 'serve', '--behind-proxy', '--port', '0']);
    expect(noTeam.code).toBe(2);
    expect(noTeam.err).toMatch(/--behind-proxy is for the team host/);
    const half = await cli(['--db', db, 'serve', '--team', '--tls-cert', 'c.pem', '--port', '0']);
    expect(half.code).toBe(2);
    expect(half.err).toMatch(/--tls-cert and --tls-key together/);
    const httpUrl = await cli(['--db', db, 'serve', '--team', '--public-url', 'http://credits.example.com', '--port', '0']);
    expect(httpUrl.code).toBe(2);
    expect(httpUrl.err).toMatch(/--public-url must be an https:\/\/ URL/);
  });

  it('the rule itself: loopback names and addresses only, unless TLS and sign-in; a proxy\'s HTTP on loopback only', () => {
    for (const h of ['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost', 'LOCALHOST', '::ffff:127.0.0.1']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.5', 'mybox.local', 'localhost.example.com', '128.0.0.1']) expect(isLoopback(h), h).toBe(false);
    expect(() => checkExposure('127.0.0.1', { tls: false, team: false, behindProxy: false })).not.toThrow();
    expect(() => checkExposure('0.0.0.0', { tls: false, team: false, behindProxy: false })).toThrow(/use --team/);
    expect(() => checkExposure('0.0.0.0', { tls: true, team: false, behindProxy: false })).toThrow(/use --team/);
    expect(() => checkExposure('0.0.0.0', { tls: true, team: true, behindProxy: false })).not.toThrow();
    expect(() => checkExposure('127.0.0.1', { tls: false, team: true, behindProxy: false })).toThrow(/HTTPS/);
    expect(() => checkExposure('127.0.0.1', { tls: false, team: true, behindProxy: true })).not.toThrow();
    expect(() => checkExposure('10.0.0.1', { tls: false, team: true, behindProxy: true })).toThrow(/loopback only/);
  });

  it('a ledger that is not a team ledger refuses --team: run `creditdeck team init` first', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'creditdeck-serve-')), 'l.sqlite');
    const r = await cli(['--db', db, 'serve', '--team', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not a team ledger: run `creditdeck team init/);
  });
});

/** Start the real command; resolves with its JSON line once it listens. */
async function start(db: string): Promise<{ child: ReturnType<typeof spawn>; line: { url: string; fingerprint: string }; err: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, '--db', db, '--json', 'serve', '--team', '--host', '127.0.0.1', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CREDITDECK_DB: '' },
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const line = await new Promise<{ url: string; fingerprint: string }>((ok, fail) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) ok(JSON.parse(out.slice(0, out.indexOf('\n'))) as { url: string; fingerprint: string });
    });
    child.once('exit', (code) => fail(new Error(`serve exited early with ${code}: ${err}`)));
  });
  return { child, line, err: () => err };
}

async function stop(child: ReturnType<typeof spawn>): Promise<number | null> {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  return code;
}

describe('creditdeck serve --team (the real command)', () => {
  it('prints one JSON line {url, fingerprint}, serves HTTPS with that certificate, and reuses it after a restart', { timeout: 60_000 }, async () => {
    const { db, token } = teamLedger();
    const first = await start(db);
    try {
      expect(Object.keys(first.line).sort()).toEqual(['fingerprint', 'url']);
      expect(first.line.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(first.line.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      const who = await pinned(first.line.url, first.line.fingerprint, {
        method: 'POST',
        path: '/api/team.whoami',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(who.json().result).toMatchObject({ member: 'ana', role: 'owner' });
      expect(first.err()).toMatch(/made a self-signed certificate/);
    } finally {
      expect(await stop(first.child)).toBe(0);
    }
    const second = await start(db);
    try {
      expect(second.line.fingerprint).toBe(first.line.fingerprint);
      expect(second.err()).not.toMatch(/made a self-signed certificate/);
      expect((await pinned(second.line.url, second.line.fingerprint, { path: '/api/health' })).json()).toEqual({ ok: true });
      expect(first.err() + second.err()).not.toContain(token);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  });
});
