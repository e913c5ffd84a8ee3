/** Runs the CLI in-process with a set clock and seeded ids, capturing output. */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { run } from '../../main/cli/index.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function cli(now = '2026-11-15T12:00:00Z', opts: { isTTY?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'creditdeck-cli-'));
  const db = join(dir, 'ledger.sqlite');
  const clock = new ManualClock(Date.parse(now));
  const ids = seededIds(7);
  const exec = async (...args: string[]): Promise<CliResult> => {
    let out = '';
    let err = '';
    const code = await run(['--db', db, ...args], { out: (s) => (out += s), err: (s) => (err += s), env: {}, clock, ids, isTTY: opts.isTTY ?? false });
    return { code, out, err, json: () => JSON.parse(out) };
  };
  /** A digest of every row of every table: "unchanged" is checked by content. */
  const digest = (): string => {
    if (!existsSync(db)) return 'no file';
    const conn = new Database(db, { readonly: true });
    const tables = conn.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[];
    const h = createHash('sha256');
    for (const { name } of tables) h.update(name + JSON.stringify(conn.prepare(`SELECT * FROM "${name}"`).all()));
    conn.close();
    return h.digest('hex');
  };
  return { exec, clock, db, dir, digest, read: (p: string) => readFileSync(p, 'utf8') };
}
