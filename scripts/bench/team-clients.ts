/**
 * A client process for the `team` bench section (BENCH_CLIENT_PROCS): some of
 * the clients, each with its own token and connection (team-client.ts), as
 * members' machines would be. Reads one JSON line on stdin — the host, the
 * tokens (null for the web host), each client's share, the run — connects and
 * warms every connection (the TLS handshakes are not timed), prints "ready",
 * waits for "go", sends, and prints the latencies as one JSON line.
 */
import { createInterface } from 'node:readline';
import { client, sendShares, type HostInfo } from './team-client.js';

interface Job {
  info: HostInfo;
  tokens: (string | null)[];
  shares: number[];
  run: number;
  /** This process's first client's index in the whole run: keys stay unique across processes. */
  first: number;
}

const lines = createInterface({ input: process.stdin });
const next = (() => {
  const queue: string[] = [];
  let wake: (() => void) | null = null;
  lines.on('line', (l) => {
    queue.push(l);
    wake?.();
  });
  return async (): Promise<string> => {
    while (queue.length === 0) await new Promise<void>((ok) => (wake = ok));
    return queue.shift()!;
  };
})();

const job = JSON.parse(await next()) as Job;
const clients = job.tokens.map((t) => client(job.info, t));
await Promise.all(clients.map((c, k) => c.send(JSON.stringify({ account: 'lux-pro', action: 'email', quantity: 1, key: `warm-${job.run}-${job.first + k}` }))));
process.stdout.write('ready\n');
if ((await next()) !== 'go') throw new Error('expected "go"');
const lat = await sendShares(clients, job.shares, (k, i) => `host-${job.run}-${job.first + k}-${i}`);
for (const c of clients) c.close();
process.stdout.write(JSON.stringify({ lat }) + '\n');
lines.close();
