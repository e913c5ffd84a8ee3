/** Open a ledger file as a ready Ctx: the one entry point for CLI, web host and app. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../db/open.js';
import { Ctx } from '../ledger/context.js';
import { systemClock, type Clock } from '../util/clock.js';
import { randomIds, type IdSource } from '../util/ids.js';

export const APP_NAME = 'Creditdeck';
/** The package's application id (electron-builder's appId): Windows ties notifications and the Start menu shortcut to it. */
export const APP_ID = 'app.creditdeck';

/**
 * The desktop app's data folder, computed the way Electron's
 * app.getPath('userData') does, so the CLI and the app share one ledger.
 */
export function appDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_NAME);
}

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CREDITDECK_DB && env.CREDITDECK_DB.length > 0 ? env.CREDITDECK_DB : join(appDataDir(env), 'creditdeck.sqlite');
}

/** `nativeBinding`: a better_sqlite3.node built for another runtime (the desktop app's Electron build); default the one in node_modules. */
export function openLedger(path: string, opts: { clock?: Clock; ids?: IdSource; nativeBinding?: string } = {}): Ctx {
  return new Ctx(openDb(path, opts.nativeBinding !== undefined ? { nativeBinding: opts.nativeBinding } : {}), opts.clock ?? systemClock, opts.ids ?? randomIds);
}
