/** The team host as `creditdeck serve --team` runs it, a child process on its own ledger file (the stress and collision tests). */
import { start, type Child } from './proc.js';

export interface HostProcess {
  child: Child;
  url: string;
  fingerprint: string;
}

/** Resolves once the host prints its {url, fingerprint} line. */
export async function startHost(cli: string, db: string, port: number): Promise<HostProcess> {
  const child = start(cli, ['--db', db, 'serve', '--team', '--host', '127.0.0.1', '--port', String(port), '--json']);
  const line = await new Promise<string>((ok, fail) => {
    child.onLine((l) => (l.startsWith('{') ? ok(l) : undefined));
    void child.done.then((f) => fail(new Error(`the host exited before listening: ${f.err}`)));
  });
  return { child, ...(JSON.parse(line) as { url: string; fingerprint: string }) };
}

/** Killed outright, as a crash or a pulled cable would leave it. */
export async function stopHost(h: HostProcess): Promise<void> {
  h.child.proc.kill('SIGKILL');
  await h.child.done;
}
