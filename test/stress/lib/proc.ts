/** Child processes for the stress tests: plain `node` on a bundle, output collected. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

export interface Child {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  done: Promise<Finished>;
  /** Called with each complete stdout line as it arrives. */
  onLine(fn: (line: string) => void): void;
}

const live = new Set<ChildProcess>();

/** SIGKILL every child this test started that is still running (after a failure), by its own handle. */
export function killStarted(): void {
  for (const p of live) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  live.clear();
}

export function start(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const proc = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CREDITDECK_DB: '', ...env } });
  live.add(proc);
  proc.on('exit', () => live.delete(proc));
  let out = '';
  let err = '';
  let partial = '';
  const listeners: ((line: string) => void)[] = [];
  proc.stdout!.on('data', (d: Buffer) => {
    const s = d.toString();
    out += s;
    partial += s;
    let i: number;
    while ((i = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, i);
      partial = partial.slice(i + 1);
      for (const l of listeners) l(line);
    }
  });
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Finished>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
  return { proc, out: () => out, err: () => err, done, onLine: (fn) => listeners.push(fn) };
}

/** Run to completion. */
export function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  return start(script, args, env).done;
}
