import { describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:tls';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { run } from '../../main/cli/index.js';
import { openLedger } from '../../main/core/api/open.js';
import { call } from '../../main/core/api/handlers.js';
import { DEFAULT_PORT, parsePort } from '../../main/web/serve.js';
import { post, raw } from './helpers.js';

const entry = join(import.meta.dirname, 'fixtures', 'cli-entry.ts');
const bin = join(import.meta.dirname, '..', '..', 'bin', 'creditdeck.mjs');

/** A child's stdout once it matches `pattern`; fails if it exits first. */
function waitFor(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((ok, fail) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = pattern.exec(out);
      if (m) ok(m);
    });
    child.once('exit', (code) => fail(new Error(`exited early with ${code}: ${err}`)));
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  return (await exited)[0] as number | null;
}

describe('creditdeck serve', () => {
  it('serves the ledger file until SIGTERM, printing its URL, then exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-serve-'));
    const db = join(dir, 'ledger.sqlite');
    const child = spawn(process.execPath, ['--import', 'tsx', entry, '--db', db, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CREDITDECK_DB: '' } });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const url = await new Promise<string>((ok, fail) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /Creditdeck is running at (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
        if (m) ok(m[1]!);
      });
      child.once('exit', (code) => fail(new Error(`serve exited early with ${code}: ${err}`)));
    });
    expect((await raw(url, { path: '/api/health' })).json()).toEqual({ ok: true });
    // It says which ledger file it opened.
    await expect.poll(() => out).toContain(`Ledger: ${db}\n`);
    const add = await post(url, 'accounts.add', { preset: 'lux', plan: 'free' });
    expect(add.status).toBe(200);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code, err).toBe(0);
    // What the browser wrote is in the file, for the CLI and the app to see.
    const ctx = openLedger(db);
    try {
      expect(call(ctx, 'accounts.list', {}).map((a) => a.id)).toEqual(['lux-free']);
    } finally {
      ctx.db.close();
    }
  });

  it('refuses a bad --port with exit 2 before listening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-serve-'));
    let err = '';
    const code = await run(['--db', join(dir, 'l.sqlite'), 'serve', '--port', 'eighty'], { out: () => {}, err: (s) => (err += s), env: {} });
    expect(code).toBe(2);
    expect(err).toMatch(/--port must be a whole number/);
    expect(() => parsePort('65536')).toThrow(/--port/);
    expect(parsePort(undefined)).toBe(DEFAULT_PORT);
    expect(parsePort('0')).toBe(0);
  });

  // The hosts are chunks of the CLI bundle loaded on first use (scripts/build-cli.mjs): both must load from it.
  it('serves from the built bundle too: the web host, and the team host with the certificate it makes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-serve-'));
    const db = join(dir, 'ledger.sqlite');
    const env = { ...process.env, CREDITDECK_DB: '', HOME: dir };
    const web = spawn(process.execPath, [bin, '--db', db, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    const [, url] = await waitFor(web, /Creditdeck is running at (http:\/\/127\.0\.0\.1:\d+)\n/);
    expect((await raw(url!, { path: '/api/health' })).json()).toEqual({ ok: true });
    expect(await stop(web)).toBe(0);

    const init = spawnSync(process.execPath, [bin, '--db', db, 'team', 'init', '--name', 'Studio', '--owner', 'ana'], { env, encoding: 'utf8' });
    expect(init.status, init.stderr).toBe(0);
    const team = spawn(process.execPath, [bin, '--db', db, 'serve', '--team', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    const m = await waitFor(team, /running at https:\/\/127\.0\.0\.1:(\d+)\nCertificate fingerprint \(SHA-256\): ([0-9A-F:]{95})\n/);
    // What it serves is the certificate whose fingerprint it printed.
    const socket = connect({ host: '127.0.0.1', port: Number(m[1]), rejectUnauthorized: false });
    await once(socket, 'secureConnect');
    const served = socket.getPeerCertificate().fingerprint256;
    socket.destroy();
    expect(served).toBe(m[2]);
    expect(await stop(team)).toBe(0);
  });
});
