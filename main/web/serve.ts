/** `creditdeck serve`: the web host on an open ledger until the process is told to stop. */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Ctx } from '../core/ledger/context.js';
import { InputError } from '../core/util/errors.js';
import { defaultStaticDir, startWebHost } from './server.js';
import type { Payments } from '../core/purchases/service.js';

export const DEFAULT_PORT = 4317;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export interface ServeOptions {
  host?: string;
  port?: string | number;
  staticDir?: string;
}

export function parsePort(value: string | number | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const text = String(value);
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new InputError('--port must be a whole number from 0 to 65535 (0: any free port)', '--port');
  return Number(text);
}

/** Resolves on the first SIGINT or SIGTERM. */
function signalled(): Promise<void> {
  return new Promise((ok) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      ok();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function serve(ctx: Ctx, o: ServeOptions, io: { out: (s: string) => void; err: (s: string) => void }, until: Promise<unknown> = signalled(), payments?: Payments): Promise<void> {
  const host = (o.host ?? '127.0.0.1').trim();
  if (host === '' || /[\s/]/.test(host)) throw new InputError('--host must be an address or host name, e.g. 127.0.0.1', '--host');
  const port = parsePort(o.port);
  const staticDir = o.staticDir ?? defaultStaticDir();
  const wide = !LOOPBACK.has(host.toLowerCase());
  const web = await startWebHost({
    ctx,
    host,
    port,
    staticDir,
    allowedHosts: wide ? [hostname(), `${hostname()}.local`] : [],
    log: (line) => io.err(line + '\n'),
    ...(payments ? { payments, pollIntervalMs: 5000 } : {}),
  });
  io.out(`Creditdeck is running at ${web.url}\n`);
  if (wide) io.err(`warning: listening on ${host}: anyone who can reach this machine on port ${web.port} can read and change the ledger (there is no login).\n`);
  if (!existsSync(join(staticDir, 'index.html'))) io.err(`note: the app is not built (${staticDir} has no index.html); run \`npm run build\`. The API answers meanwhile.\n`);
  io.err('Press Ctrl-C to stop.\n');
  try {
    await until;
  } finally {
    await web.close();
  }
}
