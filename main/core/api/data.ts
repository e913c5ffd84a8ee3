/**
 * The whole ledger as files (Settings → Your data, `backup`, `export`): backups
 * and exports go in folders beside the ledger file, and the desktop app
 * restores one of its backups. A restore replaces the file the app has open,
 * so the shell does it at its next start, before it opens the ledger
 * (main/electron/restore-on-start.ts); `data.restore` checks the choice — one
 * of this ledger's own backups, whole and adding up — and asks the shell to
 * restart. It is desktop-only (main/web/dispatch.ts): never over HTTP.
 */
import * as z from 'zod';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { backupTo, exportTo } from '../ledger/backup.js';
import type { Ctx } from '../ledger/context.js';
import { InputError } from '../util/errors.js';
import { iso } from '../util/period.js';
import { plainText } from '../util/text.js';
import type { Services } from './handlers.js';

/** The shell's side: check the backup (with its own SQLite build) and restart to put it in place. */
export interface RestoreOnRestart {
  schedule(backupPath: string): { events: number; accounts: number };
}

/** The folder the ledger file is in (backups and exports go beside it). */
function ledgerDir(ctx: Ctx, what: string): string {
  const name = ctx.db.name;
  if (!name || name === ':memory:') throw new InputError(`an in-memory ledger has no folder for ${what}; give a path`, 'path');
  return dirname(name);
}

const backupDir = (ctx: Ctx): string => join(ledgerDir(ctx, 'backups'), 'backups');
const stamp = (ctx: Ctx): string => iso(ctx.clock.now()).replace(/[:.]/g, '-');

function def<S extends z.ZodType, R>(input: S, run: (ctx: Ctx, input: z.infer<S>, services?: Services) => R) {
  return { input, run };
}

export const dataHandlers = {
  'data.backup': def(z.object({ path: plainText().max(4096).optional() }), (ctx, i) => backupTo(ctx, i.path ?? join(backupDir(ctx), `creditdeck-${stamp(ctx)}.sqlite`))),
  'data.backups': def(z.object({}), (ctx) => {
    if (!ctx.db.name || ctx.db.name === ':memory:') return [];
    const dir = backupDir(ctx);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.sqlite'))
      .map((f) => ({ file: f, path: join(dir, f), bytes: statSync(join(dir, f)).size, at: iso(statSync(join(dir, f)).mtimeMs) }))
      .sort((a, b) => (a.file < b.file ? 1 : -1));
  }),
  // Without a path (the app's Settings page): the exports folder beside the ledger, never overwriting.
  'data.export': def(z.object({ path: plainText().max(4096).optional() }), (ctx, i) => exportTo(ctx, i.path ?? join(ledgerDir(ctx, 'exports'), 'exports', `creditdeck-${stamp(ctx)}.jsonl`))),
  // `backup`: a name from data.backups, nothing else — the window never points the shell at a file of its choosing.
  'data.restore': def(z.object({ backup: plainText().min(1).max(255) }), (ctx, i, s) => {
    if (!s?.restore) throw new InputError('a backup is restored from the desktop app, or with the web host stopped from the command line (README, `restore`)', 'backup');
    if (basename(i.backup) !== i.backup || !i.backup.endsWith('.sqlite')) throw new InputError(`${i.backup} is not one of this ledger's backups`, 'backup');
    const path = join(backupDir(ctx), i.backup);
    if (!existsSync(path)) throw new InputError(`there is no backup named ${i.backup}`, 'backup');
    const found = s.restore.schedule(path);
    return { backup: i.backup, ...found, restarting: true as const };
  }),
};
