/** A member's machine for the command-line tests: its own folder, ledger and outbox, its clock the one given. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../main/cli/index.js';
import type { ManualClock } from '../../main/core/util/clock.js';

export function memberMachine(clock: ManualClock) {
  const dir = mkdtempSync(join(tmpdir(), 'creditdeck-member-'));
  const db = join(dir, 'creditdeck.sqlite');
  return async (args: string[]) => {
    let out = '';
    let err = '';
    const code = await run(['--db', db, ...args], { out: (s) => (out += s), err: (s) => (err += s), env: {}, clock, ask: async () => null });
    return { code, out, err, json: <J = Record<string, unknown>>() => JSON.parse(out) as J };
  };
}
